from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shared_apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from shared_apps.accounts import signals  # noqa: F401  (audit of social accounts)
