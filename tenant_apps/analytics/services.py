"""The one event recorder: page views, clicks and whatever later modules count.

Privacy: no raw address is stored or cached anywhere. A visitor is a daily hash of a
random salt, the user agent and the client address; the salt lives only in the
(tenant-scoped) cache and expires at the end of its day, so once yesterday's salt is
gone nobody, us included, can link yesterday's hashes to an address or to today's.
"""

import datetime
import hashlib
import json
import logging
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from config.errors import ApplicationError
from shared_apps.platform.services import client_address
from tenant_apps.analytics.models import Event

METADATA_MAX_BYTES = 2048
# The file Django's GeoIP2 looks for when GEOIP_PATH is a folder (unless GEOIP_COUNTRY
# names another).
GEOIP_COUNTRY_FILE = "GeoLite2-Country.mmdb"

logger = logging.getLogger(__name__)

# Crawlers, link-preview fetchers, headless browsers, monitors and scripting clients.
# "bot" alone covers Googlebot, bingbot, Slackbot, Twitterbot, Discordbot, TelegramBot...
_BOT_RE = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|facebookcatalog|meta-externalagent"
    r"|embedly|preview|whatsapp|skypeuripreview|vkshare|pinterest|headless|phantomjs"
    r"|lighthouse|pingdom|uptime|monitor|curl/|wget/|python-requests|python-urllib|httpx"
    r"|aiohttp|go-http-client|okhttp|java/|libwww|scrapy|feedfetcher|mediapartners",
    re.IGNORECASE,
)
_TABLET_RE = re.compile(r"ipad|tablet|kindle|silk/|playbook|android(?!.*mobile)", re.IGNORECASE)
_MOBILE_RE = re.compile(
    r"mobi|iphone|ipod|android|blackberry|opera mini|iemobile|windows phone", re.IGNORECASE
)
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
# Cloudflare's "unknown" and "Tor" pseudo-countries.
_NOT_COUNTRIES = {"XX", "T1"}


def user_agent_is_bot(user_agent: str) -> bool:
    """An empty user agent is a script, never a person's browser."""
    return not user_agent.strip() or bool(_BOT_RE.search(user_agent))


def user_agent_device(user_agent: str) -> str:
    if _TABLET_RE.search(user_agent):
        return Event.Device.TABLET
    if _MOBILE_RE.search(user_agent):
        return Event.Device.MOBILE
    return Event.Device.DESKTOP


def _seconds_left_in(day: datetime.date) -> int:
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
    return max(1, int((end - timezone.now()).total_seconds()))


def _daily_salt(day: datetime.date) -> str:
    """The salt for `day` (UTC), made on first use and expiring when the day ends.

    The key names the date, so rotation needs no job: a new day reads a new key, and the
    old one has expired by then. `add` makes concurrent first uses agree on one salt.
    """
    key = f"analytics:visitor-salt:{day.isoformat()}"
    salt = cache.get(key)
    if salt is None:
        candidate = secrets.token_hex(32)
        cache.add(key, candidate, timeout=_seconds_left_in(day))
        # Evicted between add and get: use ours rather than fail the visit.
        salt = cache.get(key) or candidate
    return salt


def visitor_hash(*, user_agent: str, address: str, day: datetime.date) -> str:
    salt = _daily_salt(day)
    return hashlib.sha256(f"{salt}\x00{user_agent}\x00{address}".encode()).hexdigest()


def _referrer_host(request: HttpRequest) -> str:
    try:
        host = urlsplit(request.META.get("HTTP_REFERER", "")).hostname or ""
    except ValueError:  # a malformed Referer is the visitor's problem, not ours
        return ""
    return host.removeprefix("www.")[:255]


def _country_code(value: str | None) -> str:
    country = (value or "").strip().upper()
    if _COUNTRY_RE.match(country) and country not in _NOT_COUNTRIES:
        return country
    return ""


# Opened GeoIP readers by configured location; None records "no usable database there",
# so a deployment without one checks the disk once per process, not once per visit.
_geoip_readers: dict[str, object | None] = {}


def _geoip_open(location: Path):
    name = getattr(settings, "GEOIP_COUNTRY", GEOIP_COUNTRY_FILE)
    path = location / name if location.is_dir() else location
    if not path.is_file():
        return None
    try:
        # Optional: only deployments that ship a database install geoip2.
        import geoip2.database
    except ImportError:
        return None
    try:
        return geoip2.database.Reader(str(path))
    # maxminddb's InvalidDatabaseError is a RuntimeError.
    except (OSError, ValueError, RuntimeError):
        logger.warning("The GeoIP database at %s could not be opened.", path)
        return None


def _geoip_reader():
    location = getattr(settings, "GEOIP_PATH", None)
    if not location:
        return None
    key = str(location)
    if key not in _geoip_readers:
        _geoip_readers[key] = _geoip_open(Path(location))
    return _geoip_readers[key]


def _country(request: HttpRequest) -> str:
    """The proxy's country header when it gives one, else a lookup of the client address
    in a local GeoLite2 Country database (settings.GEOIP_PATH, Django's GeoIP2 setting:
    the file or its folder) when one is installed, else "" (unknown)."""
    country = _country_code(request.META.get(settings.ANALYTICS_COUNTRY_HEADER))
    if country:
        return country
    reader = _geoip_reader()
    address = client_address(request)
    if reader is None or not address:
        return ""
    try:
        return _country_code(reader.country(address).country.iso_code)
    # Unknown or private addresses raise geoip2's AddressNotFoundError, malformed ones
    # ValueError: either way the country is unknown, and a visit is never refused for it.
    except Exception:
        return ""


def event_record(
    *,
    request: HttpRequest,
    kind: str,
    subject_type: str,
    subject_id: str,
    variant: str = "",
    metadata: dict | None = None,
) -> Event | None:
    """Record one event for the visitor making `request`; None when it is a known bot.

    Recording a click on a link of a page: subject is the page (so its CTR is clicks /
    views) and `metadata={"target": <link id>}` says which link (see selectors).

    Not wrapped in a transaction: it is one INSERT, and callers on the hot path (the
    public bio page, the click redirect) should not pay for a BEGIN/COMMIT around it.
    """
    metadata = metadata or {}
    if len(json.dumps(metadata, default=str)) > METADATA_MAX_BYTES:
        raise ApplicationError(f"Event metadata is limited to {METADATA_MAX_BYTES} bytes.")

    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if user_agent_is_bot(user_agent):
        return None

    now = timezone.now()
    day = now.astimezone(datetime.UTC).date()
    return Event.objects.create(
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject_id),
        occurred_at=now,
        visitor_hash=visitor_hash(
            user_agent=user_agent, address=client_address(request) or "", day=day
        ),
        referrer_host=_referrer_host(request),
        utm_source=request.GET.get("utm_source", "")[:100],
        utm_medium=request.GET.get("utm_medium", "")[:100],
        utm_campaign=request.GET.get("utm_campaign", "")[:100],
        country=_country(request),
        device=user_agent_device(user_agent),
        variant=variant[:64],
        metadata=metadata,
    )
