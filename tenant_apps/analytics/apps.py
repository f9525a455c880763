from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tenant_apps.analytics"
    label = "analytics"
    verbose_name = "Analytics"
