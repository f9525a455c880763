"""The link-in-bio component types: one strict pydantic schema each, and one validator.

    component_data_validate(type_key=, data=) -> dict   # cleaned data, or an ApplicationError

Component data comes from the editor and the API as JSON and is rendered on the page
Mewayz serves most to anonymous visitors, so every schema refuses rather than repairs:
unknown fields, wrong types (no "5" for 5), `http:`/`javascript:` links, oversize text,
embeds from hosts other than the provider's own. Validation runs in pydantic's strict
JSON mode, so what is stored is exactly what a JSON client could have sent.

Each type carries a label, an icon name and a category for the editor's picker, and one
valid `example` (the tests validate every example, so the registry documents itself).
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from tenant_apps.bio_sites.errors import ComponentDataInvalidError, ComponentTypeUnknownError

MAX_URL_LENGTH = 2048

# --- shared field types -------------------------------------------------------------


def _https_url(value: str) -> str:
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(f"Use a web address of at most {MAX_URL_LENGTH} characters.")
    # Browsers strip or reinterpret these (`java\tscript:`, `https:\\evil.com`).
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in value):
        raise ValueError("Web addresses cannot contain spaces, backslashes or control characters.")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ValueError("Enter a valid web address, like https://example.com.") from None
    if parts.scheme.lower() != "https":
        raise ValueError("Enter a secure web address starting with https://.")
    host = parts.hostname or ""
    if "." not in host.strip("."):
        raise ValueError("Enter a full web address with a domain, like https://example.com.")
    if parts.username is not None or parts.password is not None:
        raise ValueError("Web addresses cannot contain a user name or password.")
    return value


def _host_matches(host: str, allowed: tuple[str, ...], *, subdomains: bool) -> bool:
    return any(host == a or (subdomains and host.endswith("." + a)) for a in allowed)


def _hosts_only(
    provider: str, hosts: tuple[str, ...], *, subdomains: bool = False
) -> Callable[[str], str]:
    def check(value: str) -> str:
        host = (urlsplit(value).hostname or "").lower()
        if not _host_matches(host, hosts, subdomains=subdomains):
            raise ValueError(f"Use a {provider} link (from {', '.join(hosts)}).")
        return value

    return check


def _hex_colour(value: str) -> str:
    if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value):
        raise ValueError("Use a hex colour like #1a2b3c or #abc.")
    return value.lower()


def _amount(value: str) -> str:
    # Amounts are decimal strings (config.money.Money is built from them when rendered);
    # a float would round.
    if not re.fullmatch(r"\d{1,9}(?:\.\d{1,2})?", value):
        raise ValueError("Enter an amount like 5 or 12.50.")
    try:
        if Decimal(value) <= 0:
            raise ValueError("Enter an amount greater than zero.")
    except InvalidOperation:
        raise ValueError("Enter an amount like 5 or 12.50.") from None
    return value


def _time_of_day(value: str) -> str:
    if not re.fullmatch(r"(?:[01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError("Use a 24-hour time like 09:00 or 17:30.")
    return value


def _timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("Use a time zone name like Europe/London.")
    return value


def _text(max_length: int, *, min_length: int = 1):
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    ]


def _matching(pattern: str, message: str):
    """A text field that must fully match `pattern`, refused with `message`."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    return Annotated[str, AfterValidator(check)]


def _embed(provider: str, *hosts: str, subdomains: bool = False):
    return Annotated[
        str,
        AfterValidator(_https_url),
        AfterValidator(_hosts_only(provider, hosts, subdomains=subdomains)),
    ]


HttpsUrl = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_https_url)]
HexColour = Annotated[str, AfterValidator(_hex_colour)]
Amount = Annotated[str, AfterValidator(_amount)]
Currency = _matching(r"[A-Z]{3}", "Use a three-letter currency code like USD or EUR.")
TimeOfDay = Annotated[str, AfterValidator(_time_of_day)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
Phone = _matching(r"\+[1-9]\d{6,14}", "Use an international phone number like +447700900123.")
Label = _text(80)
Title = _text(120)
ShortText = _text(280)
LongText = _text(2000)
OptionalText = _text(280, min_length=0)

YouTubeUrl = _embed(
    "YouTube",
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "www.youtube-nocookie.com",
)
VimeoUrl = _embed("Vimeo", "vimeo.com", "www.vimeo.com", "player.vimeo.com")
TikTokUrl = _embed("TikTok", "tiktok.com", "www.tiktok.com", "m.tiktok.com", "vm.tiktok.com")
SpotifyUrl = _embed("Spotify", "open.spotify.com")
AppleMusicUrl = _embed("Apple Music", "music.apple.com", "embed.music.apple.com")
SoundCloudUrl = _embed(
    "SoundCloud", "soundcloud.com", "m.soundcloud.com", "on.soundcloud.com", "w.soundcloud.com"
)
TwitchUrl = _embed("Twitch", "twitch.tv", "www.twitch.tv", "m.twitch.tv")
NewsletterUrl = _embed(
    "newsletter",
    "substack.com",
    "beehiiv.com",
    "kit.com",
    "convertkit.com",
    "list-manage.com",
    "buttondown.com",
    "buttondown.email",
    subdomains=True,
)
CalendarUrl = _embed(
    "calendar",
    "calendly.com",
    "cal.com",
    "calendar.google.com",
    "savvycal.com",
    "tidycal.com",
    subdomains=True,
)
DiscordUrl = _embed("Discord invite", "discord.gg", "discord.com")
AppStoreUrl = _embed("App Store", "apps.apple.com")
GooglePlayUrl = _embed("Google Play", "play.google.com")


class Alignment(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class Highlight(StrEnum):
    NONE = "none"
    GLOW = "glow"
    PULSE = "pulse"
    SHAKE = "shake"
    WOBBLE = "wobble"


class Icon(StrEnum):
    NONE = "none"
    LINK = "link"
    STAR = "star"
    HEART = "heart"
    CART = "cart"
    CALENDAR = "calendar"
    MAIL = "mail"
    PLAY = "play"
    MUSIC = "music"
    BOOK = "book"
    GIFT = "gift"
    DOWNLOAD = "download"
    PHONE = "phone"
    PIN = "pin"
    SPARKLES = "sparkles"


class SocialNetwork(StrEnum):
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    X = "x"
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"
    THREADS = "threads"
    PINTEREST = "pinterest"
    SNAPCHAT = "snapchat"
    TWITCH = "twitch"
    GITHUB = "github"
    SPOTIFY = "spotify"
    DISCORD = "discord"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    WEBSITE = "website"


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


# --- nested items -------------------------------------------------------------------


class LinkItem(_Schema):
    title: Label
    url: HttpsUrl


class SocialIcon(_Schema):
    network: SocialNetwork
    url: HttpsUrl


class ImageItem(_Schema):
    url: HttpsUrl
    alt: ShortText
    caption: OptionalText = ""


class Price(_Schema):
    amount: Amount
    currency: Currency


class ProductItem(_Schema):
    title: Title
    image_url: HttpsUrl | None = None
    price: Price | None = None
    url: HttpsUrl


class FaqItem(_Schema):
    question: _text(200)
    answer: LongText


class Badge(_Schema):
    label: _text(30)
    colour: HexColour | None = None


class Stat(_Schema):
    label: _text(40)
    value: _text(20)


class PodcastPlatform(StrEnum):
    APPLE_PODCASTS = "apple_podcasts"
    SPOTIFY = "spotify"
    YOUTUBE_MUSIC = "youtube_music"
    OVERCAST = "overcast"
    POCKET_CASTS = "pocket_casts"
    OTHER = "other"


class PodcastLink(_Schema):
    platform: PodcastPlatform
    url: HttpsUrl


class DayHours(_Schema):
    day: Weekday
    closed: bool = False
    opens: TimeOfDay | None = None
    closes: TimeOfDay | None = None

    @model_validator(mode="after")
    def _hours_given(self):
        if not self.closed and (self.opens is None or self.closes is None):
            raise ValueError("Give opening and closing times, or mark the day closed.")
        return self


# --- the registry -------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentType:
    key: str
    label: str
    icon: str
    category: str
    schema: type[_Schema]
    example: dict[str, Any]


COMPONENT_TYPES: dict[str, ComponentType] = {}


def _component(key: str, label: str, icon: str, category: str, example: dict[str, Any]):
    def register(schema: type[_Schema]) -> type[_Schema]:
        assert key not in COMPONENT_TYPES, key
        COMPONENT_TYPES[key] = ComponentType(key, label, icon, category, schema, example)
        return schema

    return register


# Links and buttons


@_component(
    "link", "Link", "link", "links", {"title": "My shop", "url": "https://shop.example.com"}
)
class LinkComponent(_Schema):
    title: Label
    url: HttpsUrl
    icon: Icon = Icon.NONE
    thumbnail_url: HttpsUrl | None = None
    highlight: Highlight = Highlight.NONE
    open_in_new_tab: bool = True


@_component(
    "button",
    "Button",
    "cursor-click",
    "links",
    {"label": "Book a call", "url": "https://example.com/book", "colour": "#ff5500"},
)
class ButtonComponent(_Schema):
    label: Label
    url: HttpsUrl
    style: Literal["filled", "outline", "soft"] = "filled"
    colour: HexColour | None = None
    text_colour: HexColour | None = None
    highlight: Highlight = Highlight.NONE


@_component(
    "link_group",
    "Link group",
    "collection",
    "links",
    {"title": "Resources", "links": [{"title": "Blog", "url": "https://example.com/blog"}]},
)
class LinkGroupComponent(_Schema):
    title: Label
    links: list[LinkItem] = Field(min_length=1, max_length=20)
    collapsed: bool = False


@_component(
    "email_link", "Email me", "mail", "links", {"label": "Say hi", "email": "hi@example.com"}
)
class EmailLinkComponent(_Schema):
    label: Label
    email: Annotated[
        _matching(
            r"[^@\s<>\"'?&]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
            "Enter an email address like name@example.com.",
        ),
        StringConstraints(max_length=254),
    ]
    subject: OptionalText = ""


# Profile


@_component(
    "header",
    "Header",
    "identification",
    "profile",
    {"title": "Ada Lovelace", "subtitle": "Mathematician"},
)
class HeaderComponent(_Schema):
    title: Title
    subtitle: OptionalText = ""
    alignment: Alignment = Alignment.CENTER


@_component(
    "avatar",
    "Avatar",
    "user-circle",
    "profile",
    {"image_url": "https://cdn.example.com/me.jpg", "alt": "Ada smiling"},
)
class AvatarComponent(_Schema):
    image_url: HttpsUrl
    alt: ShortText
    shape: Literal["circle", "rounded", "square"] = "circle"
    size: Literal["sm", "md", "lg"] = "md"


@_component("bio_text", "Bio", "document-text", "profile", {"text": "I write about engines."})
class BioTextComponent(_Schema):
    text: _text(1000)
    alignment: Alignment = Alignment.CENTER


@_component(
    "social_icons",
    "Social icons",
    "share",
    "profile",
    {"items": [{"network": "instagram", "url": "https://instagram.com/ada"}]},
)
class SocialIconsComponent(_Schema):
    items: list[SocialIcon] = Field(min_length=1, max_length=20)
    style: Literal["plain", "filled", "outline"] = "plain"
    colour: HexColour | None = None


@_component(
    "badge_row",
    "Badges",
    "badge-check",
    "profile",
    {"badges": [{"label": "Verified", "colour": "#00aa55"}]},
)
class BadgeRowComponent(_Schema):
    badges: list[Badge] = Field(min_length=1, max_length=12)


@_component(
    "stats", "Stats", "chart-bar", "profile", {"items": [{"label": "Followers", "value": "120k"}]}
)
class StatsComponent(_Schema):
    items: list[Stat] = Field(min_length=1, max_length=6)


# Media


@_component(
    "image",
    "Image",
    "photograph",
    "media",
    {"url": "https://cdn.example.com/a.jpg", "alt": "A sunset"},
)
class ImageComponent(_Schema):
    url: HttpsUrl
    alt: ShortText
    caption: OptionalText = ""
    link_url: HttpsUrl | None = None


@_component(
    "gallery",
    "Gallery",
    "view-grid",
    "media",
    {"images": [{"url": "https://cdn.example.com/1.jpg", "alt": "One"}], "columns": 2},
)
class GalleryComponent(_Schema):
    images: list[ImageItem] = Field(min_length=1, max_length=30)
    columns: int = Field(default=3, ge=1, le=4)


@_component(
    "carousel",
    "Carousel",
    "switch-horizontal",
    "media",
    {"slides": [{"url": "https://cdn.example.com/1.jpg", "alt": "One"}], "autoplay": True},
)
class CarouselComponent(_Schema):
    slides: list[ImageItem] = Field(min_length=1, max_length=20)
    autoplay: bool = False
    interval_seconds: int = Field(default=5, ge=2, le=30)


@_component("video_file", "Video", "film", "media", {"url": "https://cdn.example.com/clip.mp4"})
class VideoFileComponent(_Schema):
    url: HttpsUrl
    poster_url: HttpsUrl | None = None
    autoplay: bool = False
    muted: bool = True
    loop: bool = False


@_component(
    "audio_file",
    "Audio",
    "volume-up",
    "media",
    {"url": "https://cdn.example.com/song.mp3", "title": "Demo"},
)
class AudioFileComponent(_Schema):
    url: HttpsUrl
    title: Title
    artist: OptionalText = ""


@_component(
    "pdf_embed",
    "PDF",
    "document",
    "media",
    {"url": "https://cdn.example.com/guide.pdf", "title": "Guide"},
)
class PdfEmbedComponent(_Schema):
    url: HttpsUrl
    title: Title
    allow_download: bool = True


@_component(
    "file_download",
    "File download",
    "download",
    "media",
    {
        "title": "Free preset pack",
        "file_url": "https://cdn.example.com/presets.zip",
        "file_name": "presets.zip",
    },
)
class FileDownloadComponent(_Schema):
    title: Title
    file_url: HttpsUrl
    file_name: _matching(
        r"[A-Za-z0-9][A-Za-z0-9._ -]{0,120}",
        "Use a file name of letters, numbers, spaces, dots, hyphens and underscores.",
    )
    button_label: Label = "Download"


# Video and music embeds


@_component(
    "youtube",
    "YouTube video",
    "play",
    "video",
    {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"},
)
class YouTubeComponent(_Schema):
    url: YouTubeUrl
    title: OptionalText = ""
    start_seconds: int = Field(default=0, ge=0, le=86400)
    autoplay: bool = False


@_component("vimeo", "Vimeo video", "play", "video", {"url": "https://vimeo.com/76979871"})
class VimeoComponent(_Schema):
    url: VimeoUrl
    title: OptionalText = ""
    autoplay: bool = False


@_component(
    "tiktok",
    "TikTok video",
    "play",
    "video",
    {"url": "https://www.tiktok.com/@ada/video/7212345678901234567"},
)
class TikTokComponent(_Schema):
    url: TikTokUrl
    title: OptionalText = ""


@_component(
    "twitch", "Twitch channel", "status-online", "video", {"url": "https://www.twitch.tv/ada"}
)
class TwitchComponent(_Schema):
    url: TwitchUrl
    title: OptionalText = ""


@_component(
    "spotify",
    "Spotify",
    "music-note",
    "music",
    {"url": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"},
)
class SpotifyComponent(_Schema):
    url: SpotifyUrl
    compact: bool = False
    theme: Literal["dark", "light"] = "dark"


@_component(
    "apple_music",
    "Apple Music",
    "music-note",
    "music",
    {"url": "https://music.apple.com/us/album/1440833098"},
)
class AppleMusicComponent(_Schema):
    url: AppleMusicUrl
    compact: bool = False


@_component(
    "soundcloud", "SoundCloud", "music-note", "music", {"url": "https://soundcloud.com/ada/demo"}
)
class SoundCloudComponent(_Schema):
    url: SoundCloudUrl
    show_artwork: bool = True


@_component(
    "podcast",
    "Podcast",
    "microphone",
    "music",
    {
        "title": "Engines weekly",
        "links": [{"platform": "spotify", "url": "https://open.spotify.com/show/abc"}],
    },
)
class PodcastComponent(_Schema):
    title: Title
    cover_url: HttpsUrl | None = None
    feed_url: HttpsUrl | None = None
    links: list[PodcastLink] = Field(min_length=1, max_length=10)


# Commerce


@_component(
    "product_card",
    "Product",
    "shopping-bag",
    "commerce",
    {
        "title": "Notebook",
        "url": "https://shop.example.com/notebook",
        "price": {"amount": "12.50", "currency": "EUR"},
    },
)
class ProductCardComponent(ProductItem):
    description: _text(500, min_length=0) = ""
    button_label: Label = "Buy"


@_component(
    "product_grid",
    "Product grid",
    "view-grid-add",
    "commerce",
    {"products": [{"title": "Mug", "url": "https://shop.example.com/mug"}]},
)
class ProductGridComponent(_Schema):
    title: OptionalText = ""
    products: list[ProductItem] = Field(min_length=1, max_length=24)
    columns: int = Field(default=2, ge=1, le=4)


@_component(
    "course_card",
    "Course",
    "academic-cap",
    "commerce",
    {"title": "Intro to engines", "url": "https://learn.example.com/engines", "lessons_count": 12},
)
class CourseCardComponent(_Schema):
    title: Title
    url: HttpsUrl
    description: _text(500, min_length=0) = ""
    image_url: HttpsUrl | None = None
    lessons_count: int | None = Field(default=None, ge=1, le=1000)
    price: Price | None = None


@_component(
    "booking_link",
    "Booking",
    "calendar",
    "commerce",
    {"title": "30-minute call", "url": "https://cal.com/ada/30min", "duration_minutes": 30},
)
class BookingLinkComponent(_Schema):
    title: Title
    url: HttpsUrl
    duration_minutes: int | None = Field(default=None, ge=5, le=480)
    price: Price | None = None


@_component(
    "tip_jar",
    "Tip jar",
    "heart",
    "commerce",
    {"heading": "Buy me a coffee", "currency": "USD", "suggested_amounts": ["3", "5", "10"]},
)
class TipJarComponent(_Schema):
    heading: Title
    message: OptionalText = ""
    currency: Currency
    suggested_amounts: list[Amount] = Field(min_length=1, max_length=6)
    allow_custom_amount: bool = True


@_component(
    "payment_link",
    "Payment link",
    "credit-card",
    "commerce",
    {
        "title": "Consulting hour",
        "url": "https://buy.stripe.com/test_123",
        "price": {"amount": "99", "currency": "USD"},
    },
)
class PaymentLinkComponent(_Schema):
    title: Title
    url: HttpsUrl
    price: Price
    button_label: Label = "Pay"


@_component(
    "countdown_offer",
    "Limited offer",
    "fire",
    "commerce",
    {
        "title": "Launch sale",
        "ends_at": "2030-01-01T00:00:00Z",
        "offer_text": "30% off",
        "url": "https://shop.example.com/sale",
    },
)
class CountdownOfferComponent(_Schema):
    title: Title
    ends_at: AwareDatetime
    offer_text: ShortText
    url: HttpsUrl
    button_label: Label = "Get the offer"


@_component(
    "app_store_badges",
    "App store badges",
    "device-mobile",
    "commerce",
    {"app_store_url": "https://apps.apple.com/app/id123456789"},
)
class AppStoreBadgesComponent(_Schema):
    app_store_url: AppStoreUrl | None = None
    google_play_url: GooglePlayUrl | None = None

    @model_validator(mode="after")
    def _at_least_one(self):
        if self.app_store_url is None and self.google_play_url is None:
            raise ValueError("Add an App Store link, a Google Play link or both.")
        return self


# Forms and audience


@_component("email_signup", "Email signup", "mail-open", "forms", {"heading": "Join my newsletter"})
class EmailSignupComponent(_Schema):
    heading: Title
    description: OptionalText = ""
    button_label: Label = "Subscribe"
    success_message: ShortText = "Thanks for subscribing!"
    consent_text: OptionalText = ""


@_component(
    "sms_signup",
    "SMS signup",
    "chat-alt",
    "forms",
    {
        "heading": "Get texts",
        "consent_text": "I agree to receive marketing texts. Reply STOP to opt out.",
    },
)
class SmsSignupComponent(_Schema):
    heading: Title
    button_label: Label = "Sign up"
    # Required: SMS marketing needs express consent wording next to the field.
    consent_text: _text(500)
    success_message: ShortText = "You're on the list!"


@_component("contact_form", "Contact form", "annotation", "forms", {"heading": "Get in touch"})
class ContactFormComponent(_Schema):
    heading: Title
    fields: list[Literal["name", "email", "phone", "subject", "message"]] = Field(
        default_factory=lambda: ["name", "email", "message"], min_length=1, max_length=5
    )
    button_label: Label = "Send"
    success_message: ShortText = "Thanks, I'll get back to you soon."

    @model_validator(mode="after")
    def _fields_unique_with_email(self):
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("List each form field once.")
        if "email" not in self.fields and "phone" not in self.fields:
            raise ValueError("Include an email or phone field so you can reply.")
        return self


@_component(
    "newsletter_embed",
    "Newsletter embed",
    "newspaper",
    "forms",
    {"url": "https://ada.substack.com/embed"},
)
class NewsletterEmbedComponent(_Schema):
    url: NewsletterUrl
    height: int = Field(default=320, ge=100, le=1000)


@_component(
    "calendar_embed",
    "Calendar embed",
    "calendar",
    "forms",
    {"url": "https://calendly.com/ada/intro"},
)
class CalendarEmbedComponent(_Schema):
    url: CalendarUrl
    height: int = Field(default=630, ge=300, le=1200)


# Messaging and communities


@_component(
    "whatsapp", "WhatsApp", "chat", "social", {"phone": "+447700900123", "label": "Message me"}
)
class WhatsAppComponent(_Schema):
    phone: Phone
    label: Label = "Chat on WhatsApp"
    prefilled_message: OptionalText = ""


@_component("telegram", "Telegram", "paper-airplane", "social", {"username": "ada_lovelace"})
class TelegramComponent(_Schema):
    username: _matching(
        r"[A-Za-z][A-Za-z0-9_]{4,31}", "Use a Telegram username of 5 to 32 letters, numbers or _."
    )
    label: Label = "Message me on Telegram"


@_component(
    "discord_invite", "Discord invite", "user-group", "social", {"url": "https://discord.gg/abc123"}
)
class DiscordInviteComponent(_Schema):
    url: DiscordUrl
    label: Label = "Join the Discord"


@_component(
    "github_repo", "GitHub repository", "code", "social", {"owner": "django", "repo": "django"}
)
class GithubRepoComponent(_Schema):
    owner: _matching(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}", "Use a GitHub user or organisation name.")
    repo: _matching(r"[A-Za-z0-9._-]{1,100}", "Use a GitHub repository name.")
    show_stars: bool = True


@_component(
    "testimonial",
    "Testimonial",
    "chat-alt-2",
    "social",
    {"quote": "Changed how I work.", "author": "Grace H.", "rating": 5},
)
class TestimonialComponent(_Schema):
    quote: _text(1000)
    author: Label
    role: OptionalText = ""
    avatar_url: HttpsUrl | None = None
    rating: int | None = Field(default=None, ge=1, le=5)


# Content


@_component("heading", "Heading", "hashtag", "content", {"text": "My work", "level": 2})
class HeadingComponent(_Schema):
    text: Title
    level: Literal[2, 3, 4] = 2
    alignment: Alignment = Alignment.CENTER


@_component("text_block", "Text", "menu-alt-2", "content", {"text": "Welcome to my page."})
class TextBlockComponent(_Schema):
    text: _text(5000)
    alignment: Alignment = Alignment.LEFT


@_component(
    "quote",
    "Quote",
    "chat",
    "content",
    {"text": "Imagination is the discovering faculty.", "attribution": "Ada"},
)
class QuoteComponent(_Schema):
    text: _text(500)
    attribution: OptionalText = ""


@_component(
    "faq",
    "FAQ",
    "question-mark-circle",
    "content",
    {"items": [{"question": "Do you ship abroad?", "answer": "Yes, worldwide."}]},
)
class FaqComponent(_Schema):
    title: OptionalText = ""
    items: list[FaqItem] = Field(min_length=1, max_length=50)


@_component(
    "countdown",
    "Countdown",
    "clock",
    "content",
    {"title": "Launch", "ends_at": "2030-01-01T09:00:00+01:00"},
)
class CountdownComponent(_Schema):
    title: Title
    ends_at: AwareDatetime
    expired_text: OptionalText = "It's here!"


@_component(
    "rss_feed", "RSS feed", "rss", "content", {"feed_url": "https://blog.example.com/feed.xml"}
)
class RssFeedComponent(_Schema):
    feed_url: HttpsUrl
    max_items: int = Field(default=5, ge=1, le=20)
    show_dates: bool = True


@_component(
    "announcement_bar", "Announcement", "speakerphone", "content", {"text": "New course out now!"}
)
class AnnouncementBarComponent(_Schema):
    text: _text(200)
    url: HttpsUrl | None = None
    background_colour: HexColour = "#111827"
    text_colour: HexColour = "#ffffff"
    dismissible: bool = True


@_component(
    "qr_code",
    "QR code",
    "qrcode",
    "content",
    {"target_url": "https://example.com", "caption": "Scan me"},
)
class QrCodeComponent(_Schema):
    target_url: HttpsUrl
    caption: OptionalText = ""
    foreground: HexColour = "#000000"
    background: HexColour = "#ffffff"


# Places


@_component("map", "Map", "map", "places", {"query": "10 Downing Street, London", "zoom": 15})
class MapComponent(_Schema):
    query: _text(300)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    zoom: int = Field(default=14, ge=1, le=20)

    @model_validator(mode="after")
    def _both_coordinates(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("Give both latitude and longitude, or neither.")
        return self


@_component(
    "location",
    "Location",
    "location-marker",
    "places",
    {"name": "Studio", "address": "1 Main St, Springfield"},
)
class LocationComponent(_Schema):
    name: Title
    address: _text(300)
    map_url: HttpsUrl | None = None


@_component(
    "opening_hours",
    "Opening hours",
    "clock",
    "places",
    {
        "timezone": "Europe/London",
        "days": [
            {"day": "mon", "opens": "09:00", "closes": "17:00"},
            {"day": "sun", "closed": True},
        ],
    },
)
class OpeningHoursComponent(_Schema):
    timezone: TimeZone
    days: list[DayHours] = Field(min_length=1, max_length=7)

    @model_validator(mode="after")
    def _days_unique(self):
        days = [d.day for d in self.days]
        if len(set(days)) != len(days):
            raise ValueError("List each day once.")
        return self


# Layout


@_component("divider", "Divider", "minus", "layout", {"style": "dashed"})
class DividerComponent(_Schema):
    style: Literal["solid", "dashed", "dotted"] = "solid"
    colour: HexColour | None = None


@_component("spacer", "Spacer", "arrows-expand", "layout", {"height": 24})
class SpacerComponent(_Schema):
    height: int = Field(default=16, ge=4, le=200)


# --- validation ---------------------------------------------------------------------

_MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": lambda ctx: "This field is required.",
    "extra_forbidden": lambda ctx: "Unknown field; remove it.",
    "string_too_long": lambda ctx: f"Use at most {ctx['max_length']} characters.",
    "string_too_short": lambda ctx: (
        "This field cannot be empty."
        if ctx["min_length"] == 1
        else f"Use at least {ctx['min_length']} characters."
    ),
    "too_long": lambda ctx: f"Add at most {ctx['max_length']} items.",
    "too_short": lambda ctx: f"Add at least {ctx['min_length']} item(s).",
    "enum": lambda ctx: f"Choose one of {ctx['expected']}.",
    "literal_error": lambda ctx: f"Choose one of {ctx['expected']}.",
    "string_pattern_mismatch": lambda ctx: "This value is not in the expected format.",
}


def _field_errors(error: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "__all__"
        ctx = item.get("ctx") or {}
        if item["type"] == "value_error":
            message = str(ctx.get("error") or item["msg"])
        elif item["type"] in _MESSAGES:
            message = _MESSAGES[item["type"]](ctx)
        else:
            message = item["msg"] + "."
        fields.setdefault(path, []).append(message)
    return fields


def component_type_label(type_key: str) -> str:
    """The type's label ("Link", "Email signup"); the key itself for a retired type."""
    kind = COMPONENT_TYPES.get(type_key)
    return kind.label if kind else type_key


def component_title(*, type_key: str, data: dict) -> str:
    """A short human name for a component: its own title or label, else its type's label."""
    for key in ("title", "label", "name", "heading", "question", "text"):
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, str) and value.strip():
            value = value.strip()
            return value if len(value) <= 40 else value[:39] + "…"
    return component_type_label(type_key)


def component_type_get(*, type_key: str) -> ComponentType:
    component_type = COMPONENT_TYPES.get(type_key) if isinstance(type_key, str) else None
    if component_type is None:
        # The key is not echoed: it is caller input and this message may be shown as-is.
        raise ComponentTypeUnknownError(
            fields={"type": ["Unknown component type; choose one from the component list."]}
        )
    return component_type


def component_data_validate(*, type_key: str, data: Any) -> dict[str, Any]:
    """`data` cleaned by `type_key`'s schema (JSON-ready, defaults filled in), or
    ComponentTypeUnknownError / ComponentDataInvalidError with `fields` keyed by path
    (`url`, `links.0.url`)."""
    component_type = component_type_get(type_key=type_key)
    if not isinstance(data, dict):
        raise ComponentDataInvalidError(fields={"__all__": ["Component data must be an object."]})
    try:
        payload = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError):
        raise ComponentDataInvalidError(
            fields={
                "__all__": [
                    "Component data must contain only text, numbers, booleans, lists and objects."
                ]
            }
        ) from None
    try:
        cleaned = component_type.schema.model_validate_json(payload)
    except ValidationError as error:
        raise ComponentDataInvalidError(fields=_field_errors(error)) from None
    return cleaned.model_dump(mode="json")
