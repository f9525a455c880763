from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Workspaces"

    def ready(self):
        from tenants import signals  # noqa: F401  (routing-cache invalidation)
