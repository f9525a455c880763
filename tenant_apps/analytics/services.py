"""The one event recorder: page views, clicks and whatever later modules count.

Privacy: no raw address is stored or cached anywhere. A visitor is a daily hash of a
random salt, the user agent and the client address; the salt lives only in the
(tenant-scoped) cache and expires at the end of its day, so once yesterday's salt is
gone nobody, us included, can link yesterday's hashes to an address or to today's.
"""

import datetime
import functools
import hashlib
import json
import logging
import re
import secrets
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string

from config.cache import redis_client
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


@functools.lru_cache(maxsize=4096)
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
    click redirect) should not pay for a BEGIN/COMMIT around it.
    """
    event = _event_build(
        request=request,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        variant=variant,
        metadata=_metadata_checked(metadata),
        occurred_at=timezone.now(),
    )
    if event is not None:
        event.save(force_insert=True)
    return event


def _metadata_checked(metadata: dict | None) -> dict:
    metadata = metadata or {}
    if len(json.dumps(metadata, default=str)) > METADATA_MAX_BYTES:
        raise ApplicationError(f"Event metadata is limited to {METADATA_MAX_BYTES} bytes.")
    return metadata


def _event_build(
    *,
    request: HttpRequest,
    kind: str,
    subject_type: str,
    subject_id: str,
    variant: str,
    metadata: dict,
    occurred_at: datetime.datetime,
) -> Event | None:
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if user_agent_is_bot(user_agent):
        return None
    day = occurred_at.astimezone(datetime.UTC).date()
    return Event(
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject_id),
        occurred_at=occurred_at,
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


# --- Deferred events: pages served from the cache ------------------------------------
#
# A page served from the cache must not wait on the database, and a Celery task per view
# cost more than the rest of the request (bench/bio_page.py). So such pages defer: the
# visit's few recorded headers go onto a Redis list of the workspace (one pipelined
# write), and a task drains the list in batches through the same builder as
# event_record. The client address waits in that list only until the drain hashes it
# (seconds, normally; the list expires after a day if nothing drains it), exactly as it
# used to wait in the task queue; no address is ever written to the database.

PENDING_KEY = "analytics:pending"
PENDING_TTL_SECONDS = 24 * 60 * 60
DRAIN_BATCH = 500
# What the recorder reads of a request; nothing else of a visit is kept.
_DEFERRED_META = ("HTTP_USER_AGENT", "HTTP_REFERER")


def _pending_schemas_key() -> str:
    # Not schema-prefixed: it lists the schemas that have something to drain.
    return f"analytics:{settings.CACHES['default']['KEY_PREFIX']}:pending-schemas"


def event_deferred_capture(
    *,
    request: HttpRequest,
    kind: str,
    subject_type: str,
    subject_id: str = "",
    variant: str = "",
    metadata: dict | None = None,
    resolver: str = "",
    ref: dict | None = None,
) -> str | None:
    """The deferred record of an event (None for a known bot), for event_deferred_push.

    A page served from the cache may not know its subject before it has read the cache;
    to defer in that same round trip it names a `resolver` (declared by an app, see
    event_deferred_record) and a `ref` (JSON values) that the resolver turns into the
    subject and variant when the record is drained."""
    if user_agent_is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return None
    meta = {key: request.META[key] for key in _DEFERRED_META if key in request.META}
    meta["REMOTE_ADDR"] = client_address(request) or ""
    country_header = settings.ANALYTICS_COUNTRY_HEADER
    if country_header in request.META:
        meta[country_header] = request.META[country_header]
    return json.dumps(
        {
            "at": timezone.now().timestamp(),
            "kind": kind,
            "subject_type": subject_type,
            "subject_id": str(subject_id),
            "variant": variant,
            "metadata": _metadata_checked(metadata),
            "resolver": resolver,
            "ref": ref or {},
            "meta": meta,
            "query": {k: v for k, v in request.GET.items() if k.startswith("utm_")},
        }
    )


def event_deferred_push(pipeline, record: str) -> None:
    """Add the commands that queue `record` (event_deferred_capture) to a Redis pipeline
    the caller executes, in the current workspace."""
    key = cache.make_key(PENDING_KEY)
    pipeline.rpush(key, record)
    pipeline.expire(key, PENDING_TTL_SECONDS)
    pipeline.sadd(_pending_schemas_key(), connection.schema_name)


@functools.cache
def _resolvers() -> dict:
    """{name: function} from every app's `analytics_deferred_resolvers` ({name: dotted
    path}). A resolver takes a list of refs and returns, for each, (subject_type,
    subject_id, variant) or None to drop that record (its subject is gone)."""
    found = {}
    for config in django_apps.get_app_configs():
        for name, path in getattr(config, "analytics_deferred_resolvers", {}).items():
            found[name] = import_string(path)
    return found


def _records_resolved(records: list[dict]) -> list[dict]:
    by_resolver: dict[str, list[dict]] = {}
    for record in records:
        if record.get("resolver"):
            by_resolver.setdefault(record["resolver"], []).append(record)
    dropped = set()
    for name, pending in by_resolver.items():
        resolver = _resolvers().get(name)
        answers = resolver([r["ref"] for r in pending]) if resolver else [None] * len(pending)
        for record, answer in zip(pending, answers, strict=True):
            if answer is None:
                dropped.add(id(record))
            else:
                record["subject_type"], record["subject_id"], record["variant"] = answer
    return [record for record in records if id(record) not in dropped]


def _record_load(raw: bytes) -> dict | None:
    try:
        record = json.loads(raw)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        # Only event_deferred_capture writes here; a record it could not have written is
        # dropped rather than blocking every record behind it.
        logger.warning("Dropped an unreadable deferred analytics event.")
        return None
    return record


def _event_from_record(record: dict) -> Event | None:
    try:
        request = HttpRequest()
        request.META = dict(record["meta"])
        request.GET = QueryDict(urlencode(record["query"]))
        occurred_at = datetime.datetime.fromtimestamp(record["at"], datetime.UTC)
        return _event_build(
            request=request,
            kind=record["kind"],
            subject_type=record["subject_type"],
            subject_id=record["subject_id"],
            variant=record["variant"],
            metadata=record["metadata"],
            occurred_at=occurred_at,
        )
    except (ValueError, KeyError, TypeError):
        logger.warning("Dropped an unreadable deferred analytics event.")
        return None


def event_deferred_record(*, batch: int = DRAIN_BATCH) -> int:
    """Write the current workspace's deferred events, oldest first, `batch` at a time;
    returns how many were written. Safe to run concurrently: each batch is taken off
    the list atomically, so no event is written twice."""
    key = cache.make_key(PENDING_KEY)
    client = redis_client()
    written = 0
    while True:
        pipe = client.pipeline(transaction=True)
        pipe.lrange(key, 0, batch - 1)
        pipe.ltrim(key, batch, -1)
        rows, _trimmed = pipe.execute()
        records = _records_resolved([r for r in map(_record_load, rows) if r is not None])
        events = [event for event in map(_event_from_record, records) if event is not None]
        if events:
            Event.objects.bulk_create(events)
            written += len(events)
        if len(rows) < batch:
            return written


def event_deferred_schemas_take() -> list[str]:
    """The schemas that deferred events since the last call, removed from the set in the
    same step (a schema that defers again afterwards is listed again)."""
    pipe = redis_client().pipeline(transaction=True)
    pipe.smembers(_pending_schemas_key())
    pipe.delete(_pending_schemas_key())
    members, _deleted = pipe.execute()
    return sorted(member.decode() for member in members)
