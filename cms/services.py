from django.db import transaction
from wagtail.models import Site

from cms.models import HomePage


@transaction.atomic
def site_initialize(*, site_name: str, hostname: str, port: int) -> Site:
    """Point the workspace's Wagtail site at its own host and name its home page.

    Wagtail seeds every schema with Site(hostname="localhost"); a workspace's site
    must answer to the workspace's primary host instead.
    """
    home = HomePage.objects.first()
    if home is not None:
        HomePage.objects.filter(pk=home.pk).update(title=site_name, draft_title=site_name)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.site_name = site_name
    site.hostname = hostname
    site.port = port
    if home is not None:
        site.root_page = home
    site.save()
    return site


@transaction.atomic
def site_hostname_set(*, hostname: str, port: int) -> Site:
    site = Site.objects.get(is_default_site=True)
    site.hostname = hostname
    site.port = port
    site.save(update_fields=["hostname", "port"])
    return site


@transaction.atomic
def home_page_content_set(*, intro: str, body_html: str) -> HomePage:
    home = HomePage.objects.get()
    home.intro = intro
    home.body = body_html
    home.save_revision().publish()
    return home
