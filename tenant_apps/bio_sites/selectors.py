"""Reads of bio sites: for the dashboard (authorising) and for the public page and its
click redirect (published sites only)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tenant_apps.bio_sites.components import COMPONENT_TYPES
from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenants.roles import Permission, user_allows

# Component types whose whole component is one outbound link, kept in `data["url"]`.
# Only these go through the click redirect, so it can only ever send a visitor to an
# address the workspace stored on a published page.
CLICKABLE_TYPES = frozenset(
    {
        "link",
        "button",
        "booking_link",
        "payment_link",
        "course_card",
        "product_card",
        "countdown_offer",
    }
)

# Categories with a template of their own; the rest use the generic one.
_CATEGORY_TEMPLATES = frozenset({"links", "profile", "content", "layout", "media"})


@dataclass(frozen=True)
class PublicComponent:
    id: str
    type: str
    category: str
    template: str
    data: dict
    clickable: bool


def _visible_now(now: datetime) -> Q:
    return (
        Q(is_visible=True)
        & (Q(visible_from__isnull=True) | Q(visible_from__lte=now))
        & (Q(visible_until__isnull=True) | Q(visible_until__gt=now))
    )


def bio_site_published_get(*, slug: str) -> BioSite:
    """The published site at `slug` in the current workspace; 404 otherwise."""
    site = BioSite.objects.filter(slug=slug, is_published=True).first()
    if site is None:
        raise Http404("No such page.")
    return site


def bio_site_public_components(
    *, site: BioSite, now: datetime | None = None
) -> tuple[list[PublicComponent], datetime | None]:
    """The components a visitor sees now, in order, and when that set next changes
    (the nearest future start or end of a visibility window), so a cache can expire then."""
    now = now or timezone.now()
    components = list(site.components.filter(is_visible=True).order_by("position"))
    shown: list[PublicComponent] = []
    next_change: datetime | None = None
    for component in components:
        for edge in (component.visible_from, component.visible_until):
            if edge is not None and edge > now and (next_change is None or edge < next_change):
                next_change = edge
        if component.visible_from is not None and component.visible_from > now:
            continue
        if component.visible_until is not None and component.visible_until <= now:
            continue
        kind = COMPONENT_TYPES.get(component.type)
        if kind is None:  # a type retired since it was stored: skip, never fail the page
            continue
        category = kind.category if kind.category in _CATEGORY_TEMPLATES else "generic"
        shown.append(
            PublicComponent(
                id=str(component.id),
                type=component.type,
                category=kind.category,
                template=f"bio_sites/components/{category}.html",
                data=component.data,
                clickable=component.type in CLICKABLE_TYPES and bool(component.data.get("url")),
            )
        )
    return shown, next_change


def bio_component_click_target(*, slug: str, component_id) -> tuple[BioSite, BioComponent]:
    """The published site and a visible, clickable component of it; 404 for anything else."""
    site = bio_site_published_get(slug=slug)
    component = (
        site.components.filter(_visible_now(timezone.now()), pk=component_id)
        .filter(type__in=CLICKABLE_TYPES)
        .first()
    )
    if component is None or not component.data.get("url"):
        raise Http404("No such link.")
    return site, component


def bio_sites_for_actor(*, actor, search: str = "") -> QuerySet[BioSite]:
    """The workspace's bio sites, for staff who may view content; none for anyone else."""
    if not user_allows(user=actor, permission=Permission.CONTENT_VIEW):
        return BioSite.objects.none()
    sites = BioSite.objects.all()
    if search:
        sites = sites.filter(Q(name__icontains=search) | Q(slug__icontains=search.lower()))
    return sites.order_by("name")


def bio_site_get_for_actor(*, actor, site_id) -> BioSite:
    """The site `site_id` if `actor` may view content here; 404 otherwise (never 403, so
    ids cannot be probed)."""
    site = bio_sites_for_actor(actor=actor).filter(pk=site_id).first()
    if site is None:
        raise Http404("No such bio site.")
    return site
