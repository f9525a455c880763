"""Replace Wagtail's "Welcome" page with a HomePage in the workspace template schema.

Every workspace is cloned from that schema, so each starts with a HomePage as its
site root and provisioning only renames it (cms.services.site_initialize).
"""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    welcome = Page.objects.filter(depth=2, slug="home").first()
    locale = Locale.objects.order_by("pk").first()
    if welcome is not None:
        locale = welcome.locale
        welcome.delete()
    root = Page.objects.get(depth=1)

    home_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    home = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro="Welcome to our new site.",
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        site.root_page_id = home.pk
        site.save(update_fields=["root_page"])


def remove_home_page(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.filter(depth=2, slug="home").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
