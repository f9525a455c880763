"""Reads of bio sites: for the dashboard (authorising) and for the public page and its
click redirect (published sites only)."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tenant_apps.bio_sites.components import COMPONENT_TYPES
from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenants.roles import Permission, user_allows

# Component types whose whole component is one outbound link, kept in `data["url"]`.
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

# Component types whose outbound links are items of a list (or named slots): a click
# names the item by its index. `component_link_targets` is the one place that says
# which address each index is, for the page's links and the redirect alike.
ITEM_LINK_TYPES = frozenset(
    {
        "link_group",
        "social_icons",
        "product_grid",
        "app_store_badges",
        "podcast",
    }
)

# Forms that post to the submission view.
SUBMISSION_TYPES = frozenset({"email_signup", "sms_signup", "contact_form"})

# Categories with a template of their own; the rest use the generic one.
_CATEGORY_TEMPLATES = frozenset(
    {
        "links",
        "profile",
        "content",
        "layout",
        "media",
        "video",
        "music",
        "commerce",
        "forms",
        "social",
        "places",
    }
)


def _map_query(data: dict) -> dict[str, str]:
    if data.get("latitude") is not None and data.get("longitude") is not None:
        return {"api": "1", "query": f"{data['latitude']},{data['longitude']}"}
    return {"api": "1", "query": data["query"]}


def _single_target(data: dict, key: str) -> list[str | None]:
    return [data.get(key) or None]


def component_link_targets(*, type_key: str, data: dict) -> list[str | None]:
    """The outbound addresses of a component, by item index (None: an empty slot).

    Every address is either stored in the component's validated data (https only) or
    built from validated fields (a WhatsApp number, a Telegram or GitHub name), so the
    click redirect can never be pointed anywhere else. Mail links are not here: they
    open the visitor's mail app, not a page, and stay direct `mailto:` links.
    """
    if type_key in CLICKABLE_TYPES:
        return _single_target(data, "url")
    match type_key:
        case "link_group":
            return [item["url"] for item in data.get("links", ())]
        case "social_icons":
            return [item["url"] for item in data.get("items", ())]
        case "product_grid":
            return [item["url"] for item in data.get("products", ())]
        case "app_store_badges":
            return [data.get("app_store_url"), data.get("google_play_url")]
        case "podcast":
            return [item["url"] for item in data.get("links", ())] + [data.get("feed_url")]
        case "file_download":
            return _single_target(data, "file_url")
        case "pdf_embed":
            return _single_target(data, "url") if data.get("allow_download") else []
        case "image":
            return _single_target(data, "link_url")
        case "location":
            return _single_target(data, "map_url")
        case "youtube" | "vimeo" | "tiktok" | "twitch" | "spotify" | "apple_music" | "soundcloud":
            # The provider's own page: the fallback link when an address embeds nothing.
            return _single_target(data, "url")
        case "announcement_bar" | "discord_invite":
            return _single_target(data, "url")
        case "rss_feed":
            return _single_target(data, "feed_url")
        case "whatsapp":
            query = f"?{urlencode({'text': data['prefilled_message']})}"
            digits = data["phone"].lstrip("+")
            return [f"https://wa.me/{digits}{query if data.get('prefilled_message') else ''}"]
        case "telegram":
            return [f"https://t.me/{data['username']}"]
        case "github_repo":
            return [f"https://github.com/{data['owner']}/{data['repo']}"]
        case "map":
            return [f"https://www.google.com/maps/search/?{urlencode(_map_query(data))}"]
    return []


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


def _clickable(component: BioComponent) -> bool:
    """Whether the whole component is one link through the redirect (list components
    link each item instead)."""
    if component.type in ITEM_LINK_TYPES:
        return False
    targets = component_link_targets(type_key=component.type, data=component.data)
    return bool(targets and targets[0])


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
                clickable=_clickable(component),
            )
        )
    return shown, next_change


def bio_component_click_target(
    *, slug: str, component_id, item: int | None = None
) -> tuple[BioSite, BioComponent, str]:
    """The published site, a visible component of it and the address a click on it (or
    on its item `item`, for list components) forwards to; 404 for anything else: no
    such component, no link there, an index out of range or given to a one-link
    component (or missing for a list one)."""
    site = bio_site_published_get(slug=slug)
    component = site.components.filter(_visible_now(timezone.now()), pk=component_id).first()
    if component is None or (item is None) == (component.type in ITEM_LINK_TYPES):
        raise Http404("No such link.")
    targets = component_link_targets(type_key=component.type, data=component.data)
    index = item or 0
    url = targets[index] if index < len(targets) else None
    if not url:
        raise Http404("No such link.")
    return site, component, url


def bio_component_submission_target(*, slug: str, component_id) -> tuple[BioSite, BioComponent]:
    """The published site and a visible form component of it; 404 for anything else."""
    site = bio_site_published_get(slug=slug)
    component = (
        site.components.filter(_visible_now(timezone.now()), pk=component_id)
        .filter(type__in=SUBMISSION_TYPES)
        .first()
    )
    if component is None:
        raise Http404("No such form.")
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


def bio_component_get_for_site(*, site: BioSite, component_id) -> BioComponent:
    """A component of `site` (already authorised by bio_site_get_for_actor); 404 for a
    component of any other site."""
    component = site.components.filter(pk=component_id).first()
    if component is None:
        raise Http404("No such component.")
    return component


def bio_site_preview_components(
    *, site: BioSite, component_id=None, data: dict | None = None
) -> list[PublicComponent]:
    """What a visitor would see now, with component `component_id` showing `data` (already
    validated, not saved) instead of its stored data: the editor's live preview."""
    components, _ = bio_site_public_components(site=site)
    if component_id is None or data is None:
        return components
    return [
        PublicComponent(
            id=component.id,
            type=component.type,
            category=component.category,
            template=component.template,
            data=data,
            clickable=component.type in CLICKABLE_TYPES and bool(data.get("url")),
        )
        if component.id == str(component_id)
        else component
        for component in components
    ]


def bio_revision_latest(*, site: BioSite):
    """The change the editor's undo would revert, or None."""
    return site.revisions.order_by("-id").only("id", "summary", "created_at").first()
