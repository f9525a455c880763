"""/healthz and /readyz answer on every host, before routing."""

import pytest
from django.test import override_settings

from tests.helpers import host_of


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "10.1.2.3:8000", "unknown.test"])
def test_healthz_answers_on_every_host(client, db, host):
    response = client.get("/healthz", HTTP_HOST=host)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_postgres_redis_and_the_broker(client, alpha):
    response = client.get("/readyz", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"postgres", "redis", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_reports_an_unreachable_broker_as_503(client, db, monkeypatch):
    from config.celery import app

    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:9/0")

    response = client.get("/readyz", HTTP_HOST="localhost")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["postgres"]["ok"] is True


@override_settings(DEBUG=False)
def test_health_endpoints_do_not_touch_sessions(client, db):
    response = client.get("/healthz", HTTP_HOST="localhost")

    assert "sessionid" not in response.cookies
