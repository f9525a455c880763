"""Helpers of the public bio page's templates (bio_sites/page.html and components/)."""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import qrcode
import qrcode.image.svg
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from config.money import Money
from tenant_apps.bio_sites.qr import BORDER_MODULES
from tenant_apps.bio_sites.routing import bio_site_path
from tenants.selectors import workspace_primary_host, workspace_url

register = template.Library()

# What a theme value may hold inside the page's <style> element: colours, gradients,
# var() and font stacks with quoted names. Nothing that could end the declaration, the
# rule or the element.
_CSS_VALUE = re.compile(r"[\w\s#%.,()'\"+\-/*]+")


@register.filter
def bio_css_value(value) -> str:
    """A theme's CSS value, unescaped (HTML escaping would break quoted font names in a
    <style> element); values outside the allowed characters are dropped."""
    value = str(value)
    return mark_safe(value) if _CSS_VALUE.fullmatch(value) else ""  # noqa: S308 - checked above


@register.simple_tag
def bio_qr_svg(target_url: str, foreground: str, background: str, label: str = "") -> str:
    """The QR code of `target_url` as inline SVG, drawn at render time (so it is cached
    with the page and needs no request of its own). The colours are validated hex
    colours; the path data is the library's output; everything goes through format_html."""
    image = qrcode.make(
        target_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=BORDER_MODULES,
    )
    size = image.units(image.pixel_size, text=False)
    return format_html(
        '<svg class="bio-qr" viewBox="0 0 {size} {size}" role="img" aria-label="{label}"'
        ' xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="{bg}"/>'
        '<path d="{d}" fill="{fg}"/></svg>',
        size=size,
        label=label or "QR code",
        bg=background,
        fg=foreground,
        d=image.path.get("d"),
    )


@register.simple_tag(takes_context=True)
def bio_canonical_url(context, site) -> str:
    """The page's address on the workspace's primary host (never the request's Host)."""
    workspace = getattr(context.get("request"), "workspace", None)
    if workspace is None:
        return ""
    return workspace_url(workspace=workspace, path=bio_site_path(site))


@register.filter
def bio_get(mapping, key):
    """`mapping[key]`, or None (forms coming back with errors, per field)."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def bio_host(url: str) -> str:
    """The host of a stored address, for a link's caption."""
    return (urlsplit(url).hostname or "").removeprefix("www.")


@register.simple_tag
def bio_money(amount: str, currency: str) -> str:
    """A stored decimal-string amount with its currency, as Money prints it."""
    return str(Money(Decimal(amount), currency))


@register.simple_tag
def bio_datetime(value: str) -> str:
    """A stored ISO date-time, readable without a script, in the offset it was stored
    with (the page is shared by visitors in every time zone; the script then shows a
    live countdown, which needs no zone)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return moment.strftime("%-d %B %Y, %H:%M %Z").strip() or str(value)


# --- embeds -------------------------------------------------------------------------
#
# Every embed address is rebuilt from ids read out of the stored, host-checked URL
# (components.py): the page never frames an address a visitor or an editor typed.

# Cross-origin players need scripts and their own origin; none may navigate the page.
_PLAYER_SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups"
# Booking and newsletter forms also submit and may open a payment or confirmation tab.
_FORM_SANDBOX = (
    "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"
)
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_LIST = re.compile(r"[A-Za-z0-9_-]{10,64}")
_SPOTIFY_KINDS = frozenset({"track", "album", "playlist", "episode", "show", "artist"})
_SPOTIFY_ID = re.compile(r"[A-Za-z0-9]{10,40}")
_TWITCH_NAME = re.compile(r"[A-Za-z0-9_]{2,25}")


@dataclass(frozen=True)
class Embed:
    src: str
    title: str
    # Either a fixed height in pixels, or an aspect ratio ("16 / 9") for video.
    height: int | None = None
    ratio: str | None = None
    sandbox: str | None = _PLAYER_SANDBOX
    allow: str = "autoplay; encrypted-media; picture-in-picture; fullscreen"


def _youtube(data: dict) -> Embed | None:
    parts = urlsplit(data["url"])
    query = parse_qs(parts.query)
    segments = [s for s in parts.path.split("/") if s]
    video = None
    if parts.hostname == "youtu.be" and segments:
        video = segments[0]
    elif segments[:1] == ["watch"]:
        video = (query.get("v") or [""])[0]
    elif len(segments) >= 2 and segments[0] in {"embed", "shorts", "live", "v"}:
        video = segments[1]
    params = {"rel": "0"}
    if data.get("start_seconds"):
        params["start"] = str(data["start_seconds"])
    if data.get("autoplay"):
        # Browsers only autoplay muted video.
        params.update(autoplay="1", mute="1")
    if video and _YOUTUBE_ID.fullmatch(video):
        src = f"https://www.youtube-nocookie.com/embed/{video}?{urlencode(params)}"
    else:
        playlist = (query.get("list") or [""])[0]
        if not _YOUTUBE_LIST.fullmatch(playlist):
            return None
        params["list"] = playlist
        src = f"https://www.youtube-nocookie.com/embed/videoseries?{urlencode(params)}"
    return Embed(src=src, title=data.get("title") or "YouTube video", ratio="16 / 9")


def _vimeo(data: dict) -> Embed | None:
    video = next((s for s in urlsplit(data["url"]).path.split("/") if s.isdigit()), None)
    if video is None:
        return None
    params = {"dnt": "1"}
    if data.get("autoplay"):
        params.update(autoplay="1", muted="1")
    return Embed(
        src=f"https://player.vimeo.com/video/{video}?{urlencode(params)}",
        title=data.get("title") or "Vimeo video",
        ratio="16 / 9",
    )


def _tiktok(data: dict) -> Embed | None:
    match = re.search(r"/video/(\d{5,25})", urlsplit(data["url"]).path)
    if match is None:  # a vm.tiktok.com short link: only TikTok knows its video
        return None
    return Embed(
        src=f"https://www.tiktok.com/embed/v2/{match.group(1)}",
        title=data.get("title") or "TikTok video",
        ratio="9 / 16",
    )


def _twitch(data: dict, host: str) -> Embed | None:
    segments = [s for s in urlsplit(data["url"]).path.split("/") if s]
    # Twitch refuses to play unless told the embedding host (`parent`).
    params = {"parent": host, "autoplay": "false"}
    if len(segments) >= 2 and segments[0] == "videos" and segments[1].isdigit():
        params["video"] = segments[1]
    elif segments and _TWITCH_NAME.fullmatch(segments[0]):
        params["channel"] = segments[0]
    else:
        return None
    return Embed(
        src=f"https://player.twitch.tv/?{urlencode(params)}",
        title=data.get("title") or "Twitch stream",
        ratio="16 / 9",
    )


def _spotify(data: dict) -> Embed | None:
    segments = [s for s in urlsplit(data["url"]).path.split("/") if s]
    if segments and segments[0].startswith("intl-"):
        segments = segments[1:]
    if len(segments) < 2 or segments[0] not in _SPOTIFY_KINDS:
        return None
    if not _SPOTIFY_ID.fullmatch(segments[1]):
        return None
    theme = "&theme=0" if data.get("theme") == "light" else ""
    return Embed(
        src=f"https://open.spotify.com/embed/{segments[0]}/{segments[1]}?utm_source=generator{theme}",
        title="Spotify player",
        height=152 if data.get("compact") else 352,
    )


def _apple_music(data: dict) -> Embed:
    parts = urlsplit(data["url"])
    query = f"?{parts.query}" if parts.query else ""
    return Embed(
        src=f"https://embed.music.apple.com{parts.path}{query}",
        title="Apple Music player",
        height=175 if data.get("compact") else 450,
        allow="autoplay *; encrypted-media *; fullscreen *; clipboard-write",
    )


def _soundcloud(data: dict) -> Embed:
    params = {
        "url": data["url"],
        "visual": "true" if data.get("show_artwork", True) else "false",
        "show_teaser": "false",
    }
    return Embed(
        src=f"https://w.soundcloud.com/player/?{urlencode(params)}",
        title="SoundCloud player",
        height=300 if data.get("show_artwork", True) else 166,
    )


def _map(data: dict) -> Embed:
    lat, lon = data.get("latitude"), data.get("longitude")
    if lat is not None and lon is not None:
        # OpenStreetMap needs a box; this one spans roughly the zoom's visible area.
        span = 360 / (2 ** data.get("zoom", 14))
        box = f"{lon - span},{lat - span / 2},{lon + span},{lat + span / 2}"
        src = (
            "https://www.openstreetmap.org/export/embed.html?"
            f"{urlencode({'bbox': box, 'layer': 'mapnik', 'marker': f'{lat},{lon}'})}"
        )
    else:
        params = {"q": data["query"], "z": str(data.get("zoom", 14)), "output": "embed"}
        src = f"https://maps.google.com/maps?{urlencode(params)}"
    return Embed(src=src, title=f"Map: {data['query']}", height=320)


def _framed(data: dict, title: str, default_height: int) -> Embed:
    return Embed(
        src=data["url"],
        title=title,
        height=data.get("height", default_height),
        sandbox=_FORM_SANDBOX,
        allow="payment; clipboard-write",
    )


@register.simple_tag(takes_context=True)
def bio_embed(context, component) -> Embed | None:
    """How to frame an embed component, or None when its URL names nothing playable
    (the template then shows a plain link)."""
    data = component.data
    match component.type:
        case "youtube":
            return _youtube(data)
        case "vimeo":
            return _vimeo(data)
        case "tiktok":
            return _tiktok(data)
        case "twitch":
            workspace = getattr(context.get("request"), "workspace", None)
            return _twitch(data, workspace_primary_host(workspace=workspace)) if workspace else None
        case "spotify":
            return _spotify(data)
        case "apple_music":
            return _apple_music(data)
        case "soundcloud":
            return _soundcloud(data)
        case "map":
            return _map(data)
        case "calendar_embed":
            return _framed(data, "Booking calendar", 630)
        case "newsletter_embed":
            return _framed(data, "Newsletter signup", 320)
        case "pdf_embed":
            # No sandbox: browsers refuse to show PDFs inside a sandboxed frame.
            return Embed(src=data["url"], title=data["title"], height=560, sandbox=None, allow="")
    return None
