"""Writes to bio sites and their components.

Component positions are 0, 1, 2 … per site with no gaps. Every service that adds, moves
or removes a component locks the site row first, so two editors reordering at once are
serialised instead of interleaving their position rewrites.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from tenant_apps.bio_sites.components import component_data_validate
from tenant_apps.bio_sites.errors import (
    BioSiteInvalidError,
    BioSiteSlugTakenError,
    ComponentScheduleInvalidError,
)
from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenant_apps.bio_sites.page_cache import page_cache_invalidate
from tenant_apps.bio_sites.themes import THEMES
from tenants.css_sanitizer import CssSanitizeError, css_sanitize

_UNSET = object()

# First path segments the workspace host already uses: a bio site at /<slug>/ must not
# shadow them (config/urls_tenant.py and Wagtail's own prefixes).
RESERVED_SLUGS = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "b",
        "brand",
        "cms",
        "dashboard",
        "documents",
        "join",
        "media",
        "search",
        "sso",
        "static",
    }
)


def _site_locked(site: BioSite) -> BioSite:
    return BioSite.objects.select_for_update().get(pk=site.pk)


def _positions_compact(*, site: BioSite, ordered: list[BioComponent]) -> None:
    changed = []
    for index, component in enumerate(ordered):
        if component.position != index:
            component.position = index
            changed.append(component)
    if changed:
        # The (site, position) unique constraint is deferred to commit, so the
        # intermediate duplicates of a rewrite are allowed.
        BioComponent.objects.bulk_update(changed, ["position"])


def _site_name_clean(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise BioSiteInvalidError(fields={"name": ["Enter a name of 1 to 120 characters."]})
    return name


@transaction.atomic
def bio_site_create(*, name: str, slug: str, actor) -> BioSite:
    name = _site_name_clean(name)
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError:
        slug = ""
    if not slug or len(slug) > 60:
        raise BioSiteInvalidError(
            fields={"slug": ["Use 1 to 60 lowercase letters, numbers, hyphens or underscores."]}
        )
    if slug in RESERVED_SLUGS:
        raise BioSiteInvalidError(
            fields={"slug": [f"“{slug}” is used by the site itself. Choose another address."]}
        )
    if BioSite.objects.filter(slug=slug).exists():
        raise BioSiteSlugTakenError(
            fields={"slug": ["Another bio site already uses that address."]}
        )
    return BioSite.objects.create(name=name, slug=slug, seo_title=name[:70])


@transaction.atomic
def bio_site_settings_update(
    *,
    site: BioSite,
    actor,
    name: str | None = None,
    seo_title: str | None = None,
    seo_description: str | None = None,
    custom_css: str | None = None,
    theme: str | None = None,
    serves_root: bool | None = None,
) -> BioSite:
    fields: dict[str, list[str]] = {}
    update_fields = ["updated_at"]
    if theme is not None:
        if theme not in THEMES:
            fields["theme"] = ["Choose one of the listed themes."]
        site.theme = theme
        update_fields.append("theme")
    if serves_root is not None:
        if serves_root:
            # One site at the root: taking it moves it from whichever site had it.
            for previous in BioSite.objects.filter(serves_root=True).exclude(pk=site.pk):
                previous.serves_root = False
                previous.save(update_fields=["serves_root", "updated_at"])
                page_cache_invalidate(slug=previous.slug)
        site.serves_root = bool(serves_root)
        update_fields.append("serves_root")
    if name is not None:
        site.name = _site_name_clean(name)
        update_fields.append("name")
    if seo_title is not None:
        if len(seo_title.strip()) > 70:
            fields["seo_title"] = ["Use at most 70 characters."]
        site.seo_title = seo_title.strip()
        update_fields.append("seo_title")
    if seo_description is not None:
        if len(seo_description.strip()) > 160:
            fields["seo_description"] = ["Use at most 160 characters."]
        site.seo_description = seo_description.strip()
        update_fields.append("seo_description")
    if custom_css is not None:
        try:
            site.custom_css = css_sanitize(custom_css)
        except CssSanitizeError as error:
            fields["custom_css"] = error.problems
        update_fields.append("custom_css")
    if fields:
        raise BioSiteInvalidError(fields=fields)
    site.save(update_fields=update_fields)
    page_cache_invalidate(slug=site.slug)
    return site


@transaction.atomic
def bio_site_publish(*, site: BioSite, actor) -> BioSite:
    site.is_published = True
    site.published_at = timezone.now()
    site.save(update_fields=["is_published", "published_at", "updated_at"])
    page_cache_invalidate(slug=site.slug)
    return site


@transaction.atomic
def bio_site_unpublish(*, site: BioSite, actor) -> BioSite:
    site.is_published = False
    site.save(update_fields=["is_published", "updated_at"])
    page_cache_invalidate(slug=site.slug)
    return site


def _schedule_check(visible_from: datetime | None, visible_until: datetime | None) -> None:
    fields: dict[str, list[str]] = {}
    for key, value in (("visible_from", visible_from), ("visible_until", visible_until)):
        if value is not None and timezone.is_naive(value):
            fields[key] = ["Give a date and time with a time zone."]
    if not fields and visible_from and visible_until and visible_from >= visible_until:
        fields["visible_until"] = ["The end of the visibility window must be after its start."]
    if fields:
        raise ComponentScheduleInvalidError(fields=fields)


@transaction.atomic
def bio_component_add(
    *, site: BioSite, type_key: str, data: dict, actor, position: int | None = None
) -> BioComponent:
    """Adds a component at `position` (clamped; default: the end)."""
    cleaned = component_data_validate(type_key=type_key, data=data)
    site = _site_locked(site)
    ordered = list(site.components.order_by("position"))
    count = len(ordered)
    position = count if position is None else max(0, min(position, count))
    component = BioComponent.objects.create(site=site, type=type_key, data=cleaned, position=count)
    if position != count:
        ordered.insert(position, component)
        _positions_compact(site=site, ordered=ordered)
    page_cache_invalidate(slug=site.slug)
    return component


@transaction.atomic
def bio_component_update(
    *,
    component: BioComponent,
    actor,
    data: dict | None = None,
    is_visible: bool | None = None,
    visible_from=_UNSET,
    visible_until=_UNSET,
) -> BioComponent:
    """Changes a component's data and visibility. Its type never changes: a different
    type is a different component."""
    update_fields = ["updated_at"]
    if data is not None:
        component.data = component_data_validate(type_key=component.type, data=data)
        update_fields.append("data")
    if is_visible is not None:
        component.is_visible = bool(is_visible)
        update_fields.append("is_visible")
    if visible_from is not _UNSET or visible_until is not _UNSET:
        new_from = component.visible_from if visible_from is _UNSET else visible_from
        new_until = component.visible_until if visible_until is _UNSET else visible_until
        _schedule_check(new_from, new_until)
        component.visible_from, component.visible_until = new_from, new_until
        update_fields += ["visible_from", "visible_until"]
    component.save(update_fields=update_fields)
    page_cache_invalidate(slug=component.site.slug)
    return component


@transaction.atomic
def bio_component_move(*, component: BioComponent, position: int, actor) -> BioComponent:
    """Moves a component to `position` (clamped to the list); the others close up."""
    site = _site_locked(component.site)
    ordered = [c for c in site.components.order_by("position") if c.pk != component.pk]
    position = max(0, min(position, len(ordered)))
    ordered.insert(position, component)
    _positions_compact(site=site, ordered=ordered)
    component.refresh_from_db(fields=["position"])
    page_cache_invalidate(slug=site.slug)
    return component


@transaction.atomic
def bio_component_delete(*, component: BioComponent, actor) -> None:
    site = _site_locked(component.site)
    component.delete()
    _positions_compact(site=site, ordered=list(site.components.order_by("position")))
    page_cache_invalidate(slug=site.slug)
