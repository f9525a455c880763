from django.apps import AppConfig


class BioSitesConfig(AppConfig):
    name = "tenant_apps.bio_sites"
    label = "bio_sites"
    verbose_name = "Link-in-bio sites"
    # A bio site and its components are what a workspace template is made of; they hold
    # no visitor or customer data (clicks and views live in tenant_apps/analytics).
    snapshot_content_models = ("bio_sites.BioSite", "bio_sites.BioComponent")
    # Page views are deferred before the page knows its site (views.bio_page).
    analytics_deferred_resolvers = {
        "bio_page_view": "tenant_apps.bio_sites.visits.bio_page_views_resolve"
    }

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from tenant_apps.bio_sites import routing
        from tenant_apps.bio_sites.models import BioSite

        # Cache bookkeeping only: which slugs answer at / and /<slug>/ (routing.py).
        post_save.connect(routing.bio_site_changed, sender=BioSite, dispatch_uid="bio-routes-save")
        post_delete.connect(
            routing.bio_site_changed, sender=BioSite, dispatch_uid="bio-routes-delete"
        )
