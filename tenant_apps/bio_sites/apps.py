from django.apps import AppConfig


class BioSitesConfig(AppConfig):
    name = "tenant_apps.bio_sites"
    label = "bio_sites"
    verbose_name = "Link-in-bio sites"
    # A bio site and its components are what a workspace template is made of; they hold
    # no visitor or customer data (clicks and views live in tenant_apps/analytics).
    snapshot_content_models = ("bio_sites.BioSite", "bio_sites.BioComponent")
