from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Pages"
    # What a snapshot keeps (tenants/snapshots.py): page types are kept anyway; these are
    # their inline parts. Newsletter sign-ups are customer data and are not listed.
    snapshot_content_models = ("cms.FormField", "cms.BlogPostTag")
