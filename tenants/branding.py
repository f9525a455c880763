"""A workspace's (or an agency's) brand: what is stored, how it is checked, and the
defaults it falls back to.

Stored in `Workspace.branding` / `Agency.branding` (JSON); the logo and favicon are image
fields on the model. The design system reads colours, font and radius as CSS custom
properties (tenants.theme), mail reads the sender and footer, pages read the names and
links. Every value is checked against a strict rule because branding is stored input
that ends up in CSS, HTML attributes and mail headers.

    branding_problems(data, sender_domains=…) -> {field: [message, …]}   # empty: valid
    branding_clean(data) -> the normalised dict to store (call after no problems)
    branding_warnings(data) -> advice that does not block saving (contrast)
    branding_with_defaults(stored) -> every key, invalid values replaced by defaults

`custom_css` is never part of `branding_with_defaults`: it reaches a page only through
tenants.theme, which sanitises it again on the way out.
"""

import re
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from tenants.css_sanitizer import MAX_CSS_BYTES, CssSanitizeError, css_sanitize

# System font stacks only: a brand font never makes a visitor's browser call a font host
# (privacy, speed, and no third party named in a white-labelled page). Stacks after
# modernfontstacks.com.
FONT_STACKS: dict[str, tuple[str, str]] = {
    "system": (
        "System UI",
        'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    ),
    "humanist": (
        "Humanist sans",
        'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, sans-serif',
    ),
    "geometric": (
        "Geometric sans",
        'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif',
    ),
    "rounded": (
        "Rounded sans",
        'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, Manjari, '
        '"Arial Rounded MT", "Arial Rounded MT Bold", Calibri, source-sans-pro, sans-serif',
    ),
    "classic-serif": (
        "Classic serif",
        'Charter, "Bitstream Charter", "Sitka Text", Cambria, serif',
    ),
    "old-style": (
        "Old-style serif",
        '"Iowan Old Style", "Palatino Linotype", "URW Palladio L", P052, serif',
    ),
    "slab": (
        "Slab serif",
        'Rockwell, "Rockwell Nova", "Roboto Slab", "DejaVu Serif", "Sitka Small", serif',
    ),
    "mono": (
        "Monospace",
        'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, '
        '"DejaVu Sans Mono", monospace',
    ),
}
FONT_CHOICES = [(key, label) for key, (label, _) in FONT_STACKS.items()]

# Known networks → the hosts a profile link may point at (www. and m. are accepted too).
SOCIAL_NETWORKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "instagram": ("Instagram", ("instagram.com",)),
    "facebook": ("Facebook", ("facebook.com", "fb.com")),
    "x": ("X (Twitter)", ("x.com", "twitter.com")),
    "tiktok": ("TikTok", ("tiktok.com",)),
    "youtube": ("YouTube", ("youtube.com", "youtu.be")),
    "linkedin": ("LinkedIn", ("linkedin.com",)),
    "pinterest": ("Pinterest", ("pinterest.com",)),
    "threads": ("Threads", ("threads.net", "threads.com")),
    "bluesky": ("Bluesky", ("bsky.app",)),
    "github": ("GitHub", ("github.com",)),
    "whatsapp": ("WhatsApp", ("wa.me", "whatsapp.com")),
    # Any host: Mastodon servers and personal sites have no fixed domain.
    "mastodon": ("Mastodon", ()),
    "website": ("Website", ()),
}

DEFAULT_BRANDING = {
    "display_name": "",
    "primary_color": "#4f46e5",
    "secondary_color": "#0ea5e9",
    "background_color": "#ffffff",
    "text_color": "#0f172a",
    "font": "system",
    "radius": "12px",
    "tagline": "",
    "footer_text": "",
    "email_sender_name": "",
    "email_sender_address": "",
    "social_links": {},
}
# Set by the branding services from the uploaded files (not editable): they version the
# logo and favicon URLs, and tell mail whether there is a logo to show.
ASSET_VERSION_KEYS = ("logo_version", "favicon_version")
# The fields only a white-labelled workspace may set (tenants.branding_views gates them).
WHITE_LABEL_FIELDS = ("email_sender_name", "email_sender_address", "custom_css")

MIN_TEXT_CONTRAST = 3.0  # below this text is hard to read for anyone: refused
GOOD_TEXT_CONTRAST = 4.5  # WCAG AA for body text: below it we warn
MAX_RADIUS_PX = 32
MAX_SOCIAL_URL_LENGTH = 300

_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_RADIUS = re.compile(r"(\d{1,2})px")
_VERSION = re.compile(r"[0-9a-f]{8,64}")
# Plain text: no markup, no control characters (a footer or sender name ends up in HTML,
# and a sender name in a mail header, where CR/LF would inject headers).
_PLAIN = re.compile(r"[^<>\x00-\x1f\x7f]*")
_LEGACY_FONT_FAMILY = re.compile(r"[A-Za-z0-9 ,'\-]{1,120}")
_email_validator = EmailValidator()


def _text_rule(max_length: int, label: str, extra_forbidden: str = ""):
    def check(value) -> list[str]:
        if not isinstance(value, str):
            return [f"{label} must be text."]
        if len(value) > max_length:
            return [f"{label} can be at most {max_length} characters (it has {len(value)})."]
        if not _PLAIN.fullmatch(value) or any(ch in value for ch in extra_forbidden):
            forbidden = "< > " + " ".join(extra_forbidden) if extra_forbidden else "< or >"
            return [f"{label} must be plain text on one line, without {forbidden.strip()}."]
        return []

    return check


def _color_rule(label: str):
    def check(value) -> list[str]:
        if not isinstance(value, str) or not _COLOR.fullmatch(value):
            return [f"{label} must be a hex colour such as #4f46e5."]
        return []

    return check


def _font_rule(value) -> list[str]:
    if value not in FONT_STACKS:
        return [f"Choose one of the fonts offered ({', '.join(FONT_STACKS)})."]
    return []


def _radius_rule(value) -> list[str]:
    match = _RADIUS.fullmatch(value) if isinstance(value, str) else None
    if not match or int(match.group(1)) > MAX_RADIUS_PX:
        return [f"Corner radius must be between 0px and {MAX_RADIUS_PX}px, e.g. 12px."]
    return []


def _email_rule(value) -> list[str]:
    if not isinstance(value, str):
        return ["The sender address must be text."]
    if value == "":
        return []
    try:
        _email_validator(value)
    except ValidationError:
        return ["Enter a valid email address, such as hello@yourdomain.com."]
    if parseaddr(value)[1] != value or any(ch in value for ch in '\r\n<>",;'):
        return ["Enter a bare email address, such as hello@yourdomain.com."]
    return []


def _social_rule(value) -> list[str]:
    if not isinstance(value, dict):
        return ["Social links must map a network to its https:// address."]
    problems = []
    for network, url in value.items():
        problem = social_link_problem(network=network, url=url)
        if problem:
            problems.append(problem)
    return problems


def social_link_problem(*, network, url) -> str | None:
    if network not in SOCIAL_NETWORKS:
        return f"{network!s:.40}: not a network we know ({', '.join(SOCIAL_NETWORKS)})."
    label, hosts = SOCIAL_NETWORKS[network]
    if not isinstance(url, str) or not url:
        return f"{label}: enter the full https:// address of your profile."
    if len(url) > MAX_SOCIAL_URL_LENGTH:
        return f"{label}: the address is too long (at most {MAX_SOCIAL_URL_LENGTH} characters)."
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"{label}: that is not a valid address."
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or "." not in host or _PLAIN.fullmatch(url) is None:
        example = f"https://{hosts[0]}/you" if hosts else "https://example.com"
        return f"{label}: the address must start with https:// (e.g. {example})."
    if any(ch in url for ch in " \"'\\`"):
        return f"{label}: the address may not contain spaces or quotes."
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        return f"{label}: the address must be on {' or '.join(hosts)}."
    return None


def _custom_css_rule(value) -> list[str]:
    if not isinstance(value, str):
        return ["Custom CSS must be text."]
    try:
        css_sanitize(value)
    except CssSanitizeError as error:
        return error.problems
    return []


def _version_rule(value) -> list[str]:
    if not isinstance(value, str) or not _VERSION.fullmatch(value):
        return ["Invalid asset version."]
    return []


def _legacy_font_family_rule(value) -> list[str]:
    if not isinstance(value, str) or not _LEGACY_FONT_FAMILY.fullmatch(value):
        return ["Invalid value."]
    return []


_RULES = {
    "display_name": _text_rule(60, "The display name"),
    "primary_color": _color_rule("The primary colour"),
    "secondary_color": _color_rule("The secondary colour"),
    # The key secondary_color had before it was renamed; still read and accepted.
    "accent_color": _color_rule("The secondary colour"),
    "background_color": _color_rule("The background colour"),
    "text_color": _color_rule("The text colour"),
    "font": _font_rule,
    # Before `font` chose from FONT_STACKS, a free-form stack was stored; still accepted
    # (and ignored for display: the stacks are the only fonts now).
    "font_family": _legacy_font_family_rule,
    "radius": _radius_rule,
    "tagline": _text_rule(160, "The tagline"),
    "footer_text": _text_rule(280, "The footer text"),
    "email_sender_name": _text_rule(60, "The sender name", extra_forbidden='"@,;'),
    "email_sender_address": _email_rule,
    "social_links": _social_rule,
    "custom_css": _custom_css_rule,
    "logo_version": _version_rule,
    "favicon_version": _version_rule,
}


def _valid(key: str, value) -> bool:
    rule = _RULES.get(key)
    return rule is not None and not rule(value)


# ---------- Contrast (WCAG 2 relative luminance) ----------


def _rgb(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(color: str) -> str:
    """Black or white, whichever reads better on `color` (text on a primary button)."""
    white, ink = "#ffffff", "#111827"
    return white if contrast_ratio(color, white) >= contrast_ratio(color, ink) else ink


def normalize_color(color: str) -> str:
    r, g, b = _rgb(color)
    return f"#{r:02x}{g:02x}{b:02x}"


def _effective(data: dict, key: str) -> str:
    value = data.get(key)
    if key == "secondary_color" and value is None:
        value = data.get("accent_color")
    return value if _valid(key, value) else DEFAULT_BRANDING[key]


# ---------- Public API ----------


def branding_problems(branding: dict, *, sender_domains=None) -> dict[str, list[str]]:
    """Per field, what is wrong with `branding` (empty when it may be stored).

    `sender_domains`: when given (the services pass the workspace's verified hosts), the
    sender address must be at one of them or at a parent domain of one: mail sent from a
    domain the workspace has not proved would fail SPF/DKIM and land in spam, or worse,
    impersonate someone else."""
    if not isinstance(branding, dict):
        return {"__all__": ["Branding must be an object of settings."]}
    problems: dict[str, list[str]] = {}
    for key, value in branding.items():
        rule = _RULES.get(key)
        if rule is None:
            problems[key] = ["Unknown branding setting."]
        elif found := rule(value):
            problems[key] = found
    address = branding.get("email_sender_address")
    if sender_domains is not None and address and "email_sender_address" not in problems:
        domain = address.rsplit("@", 1)[1].lower()
        allowed = {d.lower().rstrip(".") for d in sender_domains}
        if not any(domain == host or host.endswith("." + domain) for host in allowed):
            verified = ", ".join(sorted(allowed)) or "none yet"
            problems["email_sender_address"] = [
                f"Mail can only be sent from a domain you have verified ({verified}) "
                "or its parent domain. Verify the domain under Domains first, then set up "
                "SPF and DKIM for it with your mail provider."
            ]
    text, background = _effective(branding, "text_color"), _effective(branding, "background_color")
    ratio = contrast_ratio(text, background)
    if ratio < MIN_TEXT_CONTRAST and not ({"text_color", "background_color"} & problems.keys()):
        key = "text_color" if "text_color" in branding else "background_color"
        problems.setdefault(key, []).append(
            f"The text and background colours are too close (contrast {ratio:.1f}:1): "
            f"choose colours with at least {MIN_TEXT_CONTRAST:.0f}:1 so text stays readable."
        )
    return problems


def branding_warnings(branding: dict) -> dict[str, list[str]]:
    """Advice that does not block saving."""
    warnings: dict[str, list[str]] = {}
    text = _effective(branding, "text_color")
    background = _effective(branding, "background_color")
    primary = _effective(branding, "primary_color")
    ratio = contrast_ratio(text, background)
    if MIN_TEXT_CONTRAST <= ratio < GOOD_TEXT_CONTRAST:
        warnings["text_color"] = [
            f"Text contrast is {ratio:.1f}:1. Small text is easiest to read at "
            f"{GOOD_TEXT_CONTRAST}:1 or more (WCAG AA)."
        ]
    if contrast_ratio(primary, background) < MIN_TEXT_CONTRAST:
        warnings["primary_color"] = [
            "The primary colour is hard to tell apart from the background: links and "
            "outlines in it may be hard to see."
        ]
    return warnings


def branding_clean(branding: dict) -> dict:
    """The values to store, normalised (lowercase #rrggbb colours, trimmed text, the
    legacy `accent_color` stored as `secondary_color`). Call on valid input only."""
    cleaned = {}
    for key, value in branding.items():
        if key in ("accent_color", "font_family"):
            continue
        if key.endswith("_color"):
            value = normalize_color(value)
        elif key == "social_links":
            value = {network: url.strip() for network, url in value.items() if url}
        elif key == "custom_css":
            value = value.replace("\r\n", "\n").strip()
        elif isinstance(value, str):
            value = value.strip()
        cleaned[key] = value
    if "secondary_color" not in cleaned and _valid("accent_color", branding.get("accent_color")):
        cleaned["secondary_color"] = normalize_color(branding["accent_color"])
    return cleaned


def branding_valid_subset(branding: dict | None) -> dict:
    """The stored settings that pass their own rule (legacy keys dropped, `accent_color`
    read as `secondary_color`): what an update starts from."""
    stored = branding if isinstance(branding, dict) else {}
    valid = {
        key: value
        for key, value in stored.items()
        if key not in ("accent_color", "font_family") and _valid(key, value)
    }
    if "secondary_color" not in valid and _valid("accent_color", stored.get("accent_color")):
        valid["secondary_color"] = normalize_color(stored["accent_color"])
    return valid


def branding_with_defaults(branding: dict | None) -> dict:
    """Stored branding over the defaults; anything invalid falls back to the default.

    Also derived for templates: `accent_color` (= secondary, for older templates),
    `font_family` (the chosen stack), `on_primary` (text colour on primary buttons) and,
    when files were uploaded, `logo_version` / `favicon_version`."""
    stored = branding if isinstance(branding, dict) else {}
    merged = {key: value for key, value in DEFAULT_BRANDING.items() if key != "social_links"}
    for key in DEFAULT_BRANDING:
        if key in ("social_links", "secondary_color"):
            continue
        if _valid(key, stored.get(key)):
            merged[key] = stored[key]
    merged["secondary_color"] = _effective(stored, "secondary_color")
    for key in ("primary_color", "secondary_color", "background_color", "text_color"):
        merged[key] = normalize_color(merged[key])
    links = stored.get("social_links")
    merged["social_links"] = (
        {
            network: url
            for network, url in links.items()
            if social_link_problem(network=network, url=url) is None
        }
        if isinstance(links, dict)
        else {}
    )
    for key in ASSET_VERSION_KEYS:
        if _valid(key, stored.get(key)):
            merged[key] = stored[key]
    merged["accent_color"] = merged["secondary_color"]
    merged["font_family"] = FONT_STACKS[merged["font"]][1]
    merged["on_primary"] = readable_on(merged["primary_color"])
    return merged


def social_links_display(brand: dict) -> list[dict]:
    """The valid links in the catalogue's order, with their labels, for templates."""
    links = brand.get("social_links") or {}
    return [
        {"network": key, "label": label, "url": links[key]}
        for key, (label, _) in SOCIAL_NETWORKS.items()
        if key in links
    ]


__all__ = [
    "DEFAULT_BRANDING",
    "FONT_CHOICES",
    "FONT_STACKS",
    "MAX_CSS_BYTES",
    "SOCIAL_NETWORKS",
    "WHITE_LABEL_FIELDS",
    "branding_clean",
    "branding_problems",
    "branding_valid_subset",
    "branding_warnings",
    "branding_with_defaults",
    "contrast_ratio",
    "social_links_display",
]
