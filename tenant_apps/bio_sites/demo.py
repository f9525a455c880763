"""The demo bio page `make run` seeds into each demo workspace."""

from django.db import transaction

from tenant_apps.bio_sites.components import COMPONENT_TYPES
from tenant_apps.bio_sites.models import BioSite
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_site_create,
    bio_site_publish,
    bio_site_settings_update,
)

DEMO_SLUG = "links"


def _demo_components(name: str) -> list[tuple[str, dict]]:
    return [
        ("header", {"title": name, "subtitle": "Everything we make, in one place"}),
        ("bio_text", {"text": f"Hi! This is {name}'s link-in-bio page, built in the editor."}),
        ("social_icons", COMPONENT_TYPES["social_icons"].example),
        ("link", {"title": "Visit our website", "url": "https://example.com/"}),
        ("link", {"title": "New: spring collection", "url": "https://example.com/spring"}),
        ("link_group", COMPONENT_TYPES["link_group"].example),
        ("youtube", COMPONENT_TYPES["youtube"].example),
        ("faq", COMPONENT_TYPES["faq"].example),
        ("email_signup", {"heading": "Get our monthly letter"}),
    ]


@transaction.atomic
def demo_bio_site_create(*, name: str, theme: str = "brand") -> BioSite:
    """A published bio site at /b/links/ (and /links/) with a typical set of components.
    Idempotent: a workspace that already has it keeps it as it is."""
    existing = BioSite.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing
    site = bio_site_create(name=f"{name} links", slug=DEMO_SLUG, actor=None)
    for type_key, data in _demo_components(name):
        bio_component_add(site=site, type_key=type_key, data=data, actor=None)
    if theme != site.theme:
        bio_site_settings_update(site=site, theme=theme, actor=None)
    return bio_site_publish(site=site, actor=None)
