import datetime

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.errors import ApplicationError
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import (
    event_record,
    user_agent_device,
    user_agent_is_bot,
)

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
IPAD = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/124.0 Mobile Safari/537.36"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 13; SM-X710) Chrome/124.0 Safari/537.36"
ADDRESS = "203.0.113.77"


def _request(*, ua=CHROME, address=ADDRESS, path="/", **meta):
    return RequestFactory().get(path, HTTP_USER_AGENT=ua, REMOTE_ADDR=address, **meta)


def _record(request=None, **kwargs):
    kwargs.setdefault("kind", Event.PAGE_VIEW)
    kwargs.setdefault("subject_type", "bio_site")
    kwargs.setdefault("subject_id", "site-1")
    return event_record(request=request or _request(), **kwargs)


def _freeze(monkeypatch, moment: datetime.datetime):
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.mark.parametrize(
    "ua",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Twitterbot/1.0",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "TelegramBot (like TwitterBot)",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/124.0 Safari/537.36",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.31.0",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)",
    ],
)
def test_known_bots_are_not_recorded(ua):
    assert user_agent_is_bot(ua)
    assert _record(_request(ua=ua)) is None
    assert Event.objects.count() == 0


@pytest.mark.parametrize("ua", [CHROME, IPHONE, IPAD, ANDROID_PHONE, ANDROID_TABLET])
def test_browsers_are_not_bots(ua):
    assert not user_agent_is_bot(ua)


@pytest.mark.parametrize(
    ("ua", "device"),
    [
        (CHROME, "desktop"),
        (IPHONE, "mobile"),
        (ANDROID_PHONE, "mobile"),
        (IPAD, "tablet"),
        (ANDROID_TABLET, "tablet"),
    ],
)
def test_device_from_user_agent(ua, device):
    assert user_agent_device(ua) == device


def test_records_one_event_with_its_context(settings):
    settings.ANALYTICS_COUNTRY_HEADER = "HTTP_X_COUNTRY"
    request = _request(
        path="/?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
        ua=IPHONE,
        HTTP_REFERER="https://www.instagram.com/some/profile?x=1",
        HTTP_X_COUNTRY="de",
    )
    event = _record(
        request, kind=Event.CLICK, subject_id="abc", variant="B", metadata={"target": "link-1"}
    )

    event.refresh_from_db()
    assert (event.kind, event.subject_type, event.subject_id) == ("click", "bio_site", "abc")
    assert event.referrer_host == "instagram.com"
    assert (event.utm_source, event.utm_medium, event.utm_campaign) == (
        "newsletter",
        "email",
        "spring",
    )
    assert event.country == "DE"
    assert event.device == "mobile"
    assert event.variant == "B"
    assert event.metadata == {"target": "link-1"}
    assert len(event.visitor_hash) == 64


def test_default_country_header_and_unknown_countries_are_blank():
    assert _record(_request(HTTP_CF_IPCOUNTRY="FR")).country == "FR"
    assert _record(_request(HTTP_CF_IPCOUNTRY="XX")).country == ""
    assert _record(_request(HTTP_CF_IPCOUNTRY="T1")).country == ""
    assert _record(_request(HTTP_CF_IPCOUNTRY="<script>")).country == ""
    assert _record(_request()).country == ""


def test_malformed_referrer_is_ignored():
    assert _record(_request(HTTP_REFERER="http://[::1")).referrer_host == ""


def test_oversized_metadata_is_rejected_and_nothing_recorded():
    with pytest.raises(ApplicationError):
        _record(metadata={"blob": "x" * 5000})
    assert Event.objects.count() == 0


def test_no_raw_address_is_stored_in_any_column_or_in_the_cache():
    address = "198.51.100.23"
    event = _record(_request(address=address, HTTP_REFERER="https://example.org/"))

    row = Event.objects.filter(pk=event.pk).values().get()
    for column, value in row.items():
        assert address not in str(value), column
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match="*analytics*"))
    assert keys  # the salt is there, and it is not the address
    for key in keys:
        assert address.encode() not in key
        assert address.encode() not in (client.get(key) or b"")


def test_same_visitor_same_day_has_the_same_hash(monkeypatch):
    _freeze(monkeypatch, datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC))
    first = _record()
    _freeze(monkeypatch, datetime.datetime(2026, 3, 1, 23, 59, tzinfo=datetime.UTC))
    second = _record(kind=Event.CLICK)

    assert first.visitor_hash == second.visitor_hash


def test_other_address_or_browser_is_another_visitor():
    base = _record().visitor_hash
    assert _record(_request(address="203.0.113.78")).visitor_hash != base
    assert _record(_request(ua=IPHONE)).visitor_hash != base


def test_next_day_the_same_visitor_gets_a_new_hash_and_the_old_salt_is_gone(monkeypatch):
    _freeze(monkeypatch, datetime.datetime(2026, 3, 1, 23, 59, tzinfo=datetime.UTC))
    today = _record()
    assert cache.get("analytics:visitor-salt:2026-03-01")
    # The salt expires when its day ends, not later.
    client = cache._cache.get_client(write=True)
    ttl = client.ttl(cache.make_key("analytics:visitor-salt:2026-03-01"))
    assert 0 < ttl <= 60

    _freeze(monkeypatch, datetime.datetime(2026, 3, 2, 0, 1, tzinfo=datetime.UTC))
    tomorrow = _record()

    assert today.visitor_hash != tomorrow.visitor_hash


def test_client_address_comes_from_the_trusted_proxy_hop(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    one = _record(_request(address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"))
    two = _record(_request(address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6"))
    again = _record(_request(address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"))

    assert one.visitor_hash != two.visitor_hash
    assert one.visitor_hash == again.visitor_hash


def test_events_and_salts_are_isolated_between_workspaces(beta):
    in_alpha = _record(subject_id="shared-id")

    with tenant_context(beta):
        assert not Event.objects.exists()
        in_beta = _record(subject_id="shared-id")
        assert Event.objects.get().pk == in_beta.pk

    # The same visitor is not linkable across workspaces: each has its own salt.
    assert in_alpha.visitor_hash != in_beta.visitor_hash
    assert list(Event.objects.values_list("pk", flat=True)) == [in_alpha.pk]
