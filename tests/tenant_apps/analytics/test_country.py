"""Where a visit's country comes from: the proxy's header, else a local GeoIP database
when one is installed, else nowhere (blank)."""

import sys
from types import SimpleNamespace

import pytest
from django.test import RequestFactory, override_settings

from tenant_apps.analytics import services
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_record

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36"


class FakeReader:
    """Stands in for geoip2.database.Reader (no database ships with the tests)."""

    def __init__(self, countries: dict[str, str | None]):
        self.countries = countries
        self.asked: list[str] = []

    def country(self, address: str):
        self.asked.append(address)
        if address not in self.countries:
            raise LookupError(f"{address} is not in the database")  # like AddressNotFoundError
        return SimpleNamespace(country=SimpleNamespace(iso_code=self.countries[address]))


@pytest.fixture(autouse=True)
def _fresh_readers(monkeypatch):
    monkeypatch.setattr(services, "_geoip_readers", {})


def _record(address="203.0.113.5", **meta) -> Event:
    request = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=address, **meta)
    return event_record(request=request, kind=Event.PAGE_VIEW, subject_type="t", subject_id="1")


@override_settings(ANALYTICS_COUNTRY_HEADER="HTTP_X_COUNTRY", GEOIP_PATH=None)
def test_the_proxy_header_gives_the_country():
    assert _record(HTTP_X_COUNTRY="de").country == "DE"
    assert _record(HTTP_X_COUNTRY="XX").country == ""
    assert _record(HTTP_X_COUNTRY="Germany").country == ""
    assert _record().country == ""


def test_without_a_database_file_the_country_is_blank(tmp_path):
    with override_settings(GEOIP_PATH=str(tmp_path)):  # a folder without the .mmdb
        assert _record().country == ""
    with override_settings(GEOIP_PATH=str(tmp_path / "GeoLite2-Country.mmdb")):
        assert _record().country == ""
    # Looked for once per location, then remembered as absent.
    assert services._geoip_readers == {
        str(tmp_path): None,
        str(tmp_path / "GeoLite2-Country.mmdb"): None,
    }


def test_a_database_file_without_the_geoip2_package_is_passed_over(tmp_path, monkeypatch):
    (tmp_path / "GeoLite2-Country.mmdb").write_bytes(b"never read without geoip2")
    # None in sys.modules makes `import geoip2.database` raise ImportError.
    monkeypatch.setitem(sys.modules, "geoip2", None)
    monkeypatch.setitem(sys.modules, "geoip2.database", None)

    with override_settings(GEOIP_PATH=str(tmp_path)):
        assert _record().country == ""
    assert services._geoip_readers == {str(tmp_path): None}


def test_the_database_answers_when_the_header_is_missing(tmp_path):
    reader = FakeReader({"203.0.113.5": "FR", "203.0.113.6": None, "203.0.113.7": "xx"})
    services._geoip_readers[str(tmp_path)] = reader

    with override_settings(GEOIP_PATH=str(tmp_path), ANALYTICS_COUNTRY_HEADER="HTTP_CF_IPCOUNTRY"):
        assert _record("203.0.113.5").country == "FR"
        # The header wins: the proxy saw the visitor, the database only guesses.
        assert _record("203.0.113.5", HTTP_CF_IPCOUNTRY="JP").country == "JP"
        # A header with no country (Cloudflare's XX) falls back to the database.
        assert _record("203.0.113.5", HTTP_CF_IPCOUNTRY="XX").country == "FR"
        assert _record("203.0.113.6").country == ""  # known address, no country
        assert _record("203.0.113.7").country == ""  # never trust its shape either
        assert _record("198.51.100.1").country == ""  # not in the database: no error
    assert reader.asked == [
        "203.0.113.5",
        "203.0.113.5",
        "203.0.113.6",
        "203.0.113.7",
        "198.51.100.1",
    ]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_database_is_asked_about_the_client_address_not_the_proxys(tmp_path):
    reader = FakeReader({"192.0.2.44": "BR"})
    services._geoip_readers[str(tmp_path)] = reader

    with override_settings(GEOIP_PATH=str(tmp_path)):
        event = _record("10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.44")

    assert event.country == "BR"
    assert reader.asked == ["192.0.2.44"]
