"""Writes to bio sites and their components.

Component positions are 0, 1, 2 … per site with no gaps. Every service that adds, moves
or removes a component locks the site row first, so two editors reordering at once are
serialised instead of interleaving their position rewrites.

Content changes (settings and components, not publishing) first record the site's state
as a BioRevision, so the editor can undo the last change (`bio_site_undo`).
"""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from config.errors import ApplicationError
from tenant_apps.bio_sites.components import (
    component_data_validate,
    component_title,
    component_type_label,
)
from tenant_apps.bio_sites.errors import (
    BioSiteInvalidError,
    BioSiteSlugTakenError,
    ComponentScheduleInvalidError,
    NothingToUndoError,
)
from tenant_apps.bio_sites.models import BioComponent, BioRevision, BioSite
from tenant_apps.bio_sites.page_cache import page_cache_invalidate
from tenant_apps.bio_sites.themes import THEMES
from tenants.css_sanitizer import CssSanitizeError, css_sanitize

_UNSET = object()

# Undo reaches back this many changes per site; older revisions are dropped.
REVISIONS_KEPT = 20

OG_IMAGE_MAX_BYTES = 5 * 1024 * 1024
# Pillow's format names; social networks render these three in link previews.
OG_IMAGE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}

# The site fields a revision restores: what the editor and the settings page change.
_SNAPSHOT_SITE_FIELDS = (
    "name",
    "theme",
    "seo_title",
    "seo_description",
    "custom_css",
    "serves_root",
)

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


def _quoted(component: BioComponent) -> str:
    title = component_title(type_key=component.type, data=component.data)
    return f"‘{title}’"  # noqa: RUF001 - typographic quotes, shown to people


def _type_label(type_key: str) -> str:
    label = component_type_label(type_key)
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def _snapshot(site: BioSite) -> dict:
    return {
        "site": {field: getattr(site, field) for field in _SNAPSHOT_SITE_FIELDS}
        | {"og_image": site.og_image.name or ""},
        "components": [
            {
                "id": str(component.pk),
                "type": component.type,
                "data": component.data,
                "position": component.position,
                "is_visible": component.is_visible,
                "visible_from": component.visible_from.isoformat()
                if component.visible_from
                else None,
                "visible_until": component.visible_until.isoformat()
                if component.visible_until
                else None,
            }
            for component in site.components.order_by("position")
        ],
    }


def _revision_record(
    *, site: BioSite, actor, summary: str, snapshot: dict | None = None
) -> BioRevision:
    """Keeps the state of `site` before a change (`snapshot`, default: now). Call it with
    the site row locked and once the change is validated, so a refused change leaves no
    revision behind."""
    revision = BioRevision.objects.create(
        site=site,
        summary=summary[:200],
        snapshot=snapshot if snapshot is not None else _snapshot(site),
        actor=_actor_or_none(actor),
    )
    stale = site.revisions.order_by("-id").values_list("pk", flat=True)[REVISIONS_KEPT:]
    BioRevision.objects.filter(pk__in=list(stale)).delete()
    return revision


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) is not None else None


def _site_name_clean(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise BioSiteInvalidError(fields={"name": ["Enter a name of 1 to 120 characters."]})
    return name


def bio_site_slug_problem(*, slug: str) -> tuple[str, type[ApplicationError]] | None:
    """Why `slug` cannot be a new site's address (message, error class), or None. The
    create form's live check asks this too, so it and the create never disagree."""
    try:
        validate_slug(slug)
    except ValidationError:
        slug = ""
    if not slug or len(slug) > 60:
        return (
            "Use 1 to 60 lowercase letters, numbers, hyphens or underscores.",
            BioSiteInvalidError,
        )
    if slug in RESERVED_SLUGS:
        return f"“{slug}” is used by the site itself. Choose another address.", BioSiteInvalidError
    if BioSite.objects.filter(slug=slug).exists():
        return "Another bio site already uses that address.", BioSiteSlugTakenError
    return None


@transaction.atomic
def bio_site_create(*, name: str, slug: str, actor) -> BioSite:
    name = _site_name_clean(name)
    slug = (slug or "").strip().lower()
    problem = bio_site_slug_problem(slug=slug)
    if problem is not None:
        message, error_class = problem
        raise error_class(fields={"slug": [message]})
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
    og_image=None,
) -> BioSite:
    """Changes the given settings (None: unchanged). `og_image`: an uploaded PNG, JPEG
    or WebP image of at most 5 MB, or False to remove the current one."""
    _site_locked(site)
    snapshot_before = _snapshot(site)
    fields: dict[str, list[str]] = {}
    update_fields = ["updated_at"]
    if og_image is not None:
        if og_image is False:
            site.og_image = ""
        else:
            problem = _og_image_problem(og_image)
            if problem:
                fields["og_image"] = [problem]
            else:
                site.og_image = og_image
        update_fields.append("og_image")
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
    _revision_record(
        site=site, actor=actor, summary="Changed the page settings", snapshot=snapshot_before
    )
    site.save(update_fields=update_fields)
    page_cache_invalidate(slug=site.slug)
    return site


def _og_image_problem(upload) -> str | None:
    if upload.size is not None and upload.size > OG_IMAGE_MAX_BYTES:
        return "Use an image of at most 5 MB."
    upload.seek(0)
    try:
        # Django's own image check: Pillow opens and verifies the file.
        checked = forms.ImageField().clean(upload)
    except ValidationError as error:
        return error.messages[0]
    image_format = getattr(getattr(checked, "image", None), "format", None)
    if image_format not in OG_IMAGE_FORMATS:
        return "Use a PNG, JPEG or WebP image."
    upload.seek(0)
    return None


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
    _revision_record(site=site, actor=actor, summary=f"Added {_type_label(type_key)}")
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
    summary = f"Edited {_quoted(component)}"
    cleaned = None
    if data is not None:
        cleaned = component_data_validate(type_key=component.type, data=data)
    if visible_from is not _UNSET or visible_until is not _UNSET:
        new_from = component.visible_from if visible_from is _UNSET else visible_from
        new_until = component.visible_until if visible_until is _UNSET else visible_until
        _schedule_check(new_from, new_until)
        if cleaned is None:
            summary = f"Scheduled {_quoted(component)}"
    if is_visible is not None and cleaned is None:
        summary = f"{'Showed' if is_visible else 'Hid'} {_quoted(component)}"
    site = _site_locked(component.site)
    _revision_record(site=site, actor=actor, summary=summary)
    if cleaned is not None:
        component.data = cleaned
        update_fields.append("data")
    if is_visible is not None:
        component.is_visible = bool(is_visible)
        update_fields.append("is_visible")
    if visible_from is not _UNSET or visible_until is not _UNSET:
        component.visible_from, component.visible_until = new_from, new_until
        update_fields += ["visible_from", "visible_until"]
    component.save(update_fields=update_fields)
    page_cache_invalidate(slug=site.slug)
    return component


@transaction.atomic
def bio_component_move(*, component: BioComponent, position: int, actor) -> BioComponent:
    """Moves a component to `position` (clamped to the list); the others close up."""
    site = _site_locked(component.site)
    ordered = [c for c in site.components.order_by("position") if c.pk != component.pk]
    position = max(0, min(position, len(ordered)))
    current = site.components.filter(pk=component.pk).values_list("position", flat=True).first()
    if current != position:
        _revision_record(site=site, actor=actor, summary=f"Moved {_quoted(component)}")
    ordered.insert(position, component)
    _positions_compact(site=site, ordered=ordered)
    component.refresh_from_db(fields=["position"])
    page_cache_invalidate(slug=site.slug)
    return component


@transaction.atomic
def bio_component_delete(*, component: BioComponent, actor) -> None:
    site = _site_locked(component.site)
    _revision_record(site=site, actor=actor, summary=f"Deleted {_type_label(component.type)}")
    component.delete()
    _positions_compact(site=site, ordered=list(site.components.order_by("position")))
    page_cache_invalidate(slug=site.slug)


@transaction.atomic
def bio_component_duplicate(*, component: BioComponent, actor) -> BioComponent:
    """A copy of `component` (data, visibility and schedule) placed right after it."""
    site = _site_locked(component.site)
    _revision_record(site=site, actor=actor, summary=f"Duplicated {_quoted(component)}")
    ordered = list(site.components.order_by("position"))
    index = next(i for i, c in enumerate(ordered) if c.pk == component.pk)
    copy = BioComponent.objects.create(
        site=site,
        type=component.type,
        data=ordered[index].data,
        position=len(ordered),
        is_visible=ordered[index].is_visible,
        visible_from=ordered[index].visible_from,
        visible_until=ordered[index].visible_until,
    )
    ordered.insert(index + 1, copy)
    _positions_compact(site=site, ordered=ordered)
    copy.refresh_from_db(fields=["position"])
    page_cache_invalidate(slug=site.slug)
    return copy


@transaction.atomic
def bio_site_undo(*, site: BioSite, actor) -> BioRevision:
    """Puts the site back exactly as its latest revision recorded it (settings, and
    components with their original ids, data, order and visibility), then forgets that
    revision. NothingToUndoError when there is none.

    Components still present are updated in place rather than recreated, so what hangs
    off them (A/B tests, submissions) survives an undo."""
    site = _site_locked(site)
    revision = site.revisions.order_by("-id").first()
    if revision is None:
        raise NothingToUndoError()
    saved_site = revision.snapshot.get("site", {})
    if saved_site.get("serves_root"):
        for previous in BioSite.objects.filter(serves_root=True).exclude(pk=site.pk):
            previous.serves_root = False
            previous.save(update_fields=["serves_root", "updated_at"])
            page_cache_invalidate(slug=previous.slug)
    for field in _SNAPSHOT_SITE_FIELDS:
        if field in saved_site:
            setattr(site, field, saved_site[field])
    if "og_image" in saved_site:
        site.og_image = saved_site["og_image"]
    site.save()

    saved = revision.snapshot.get("components", [])
    existing = {str(c.pk): c for c in site.components.all()}
    keep = {entry["id"] for entry in saved}
    BioComponent.objects.filter(site=site).exclude(pk__in=keep).delete()
    changed, created = [], []
    for index, entry in enumerate(sorted(saved, key=lambda e: e["position"])):
        values = {
            "type": entry["type"],
            "data": entry["data"],
            "position": index,
            "is_visible": entry["is_visible"],
            "visible_from": _datetime_or_none(entry.get("visible_from")),
            "visible_until": _datetime_or_none(entry.get("visible_until")),
        }
        component = existing.get(entry["id"])
        if component is None:
            created.append(BioComponent(id=entry["id"], site=site, **values))
        else:
            for key, value in values.items():
                setattr(component, key, value)
            changed.append(component)
    if changed:
        BioComponent.objects.bulk_update(changed, list(values))
    if created:
        BioComponent.objects.bulk_create(created)
    revision.delete()
    page_cache_invalidate(slug=site.slug)
    return revision


def _datetime_or_none(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


@transaction.atomic
def bio_site_delete(*, site: BioSite, actor) -> None:
    """Deletes the site with its components, revisions, tests and submissions."""
    site = _site_locked(site)
    slug = site.slug
    site.delete()
    page_cache_invalidate(slug=slug)
