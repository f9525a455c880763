"""The webhook endpoint: Stripe's signature, one row per event id, a task on commit.

Payloads are signed with Stripe's scheme (t=…,v1=HMAC-SHA256) and posted through the
real middleware on the platform host.
"""

# ruff: noqa: F811  (pytest passes the imported fixtures as same-named arguments)

import json
import time

from shared_apps.billing.models import StripeEvent
from tests.fakes.stripe_api import (  # noqa: F401  (fixtures, injected by name)
    STRIPE_TEST_WEBHOOK_SECRET,
    WEBHOOK_PATH,
    event_payload,
    stripe_api,
    stripe_api_server,
    stripe_tasks_eager,
    webhook_post,
    webhook_sign,
)
from tests.helpers import error_code, host_of

THREE_DAYS_SECONDS = 3 * 86400


def _event(**kwargs) -> dict:
    # A type billing does not handle: storing and queueing are what is under test here.
    return event_payload("customer.created", {"id": "cus_fake1", "object": "customer"}, **kwargs)


def test_a_signed_event_is_stored_and_processed_only_after_commit(
    client, stripe_api, stripe_tasks_eager, platform_host, django_capture_on_commit_callbacks
):
    event = _event()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = webhook_post(client, event, host=platform_host)

    assert response.status_code == 200
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert (stored.type, stored.status, stored.livemode) == ("customer.created", "received", False)
    assert int(stored.created_at_stripe.timestamp()) == event["created"]
    assert stored.payload == event
    assert len(callbacks) == 1  # the task is sent once the row is committed

    callbacks[0]()

    stored.refresh_from_db()
    assert stored.status == StripeEvent.Status.IGNORED  # no handler for this type
    assert stored.attempts == 1


def test_a_wrong_signature_is_refused_and_changes_nothing(
    client, stripe_api, platform_host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = webhook_post(client, _event(), host=platform_host, secret="whsec_someone_else")

    assert response.status_code == 400
    assert error_code(response) == "stripe_signature_invalid"
    assert not StripeEvent.objects.exists()
    assert callbacks == []


def test_a_body_changed_after_signing_is_refused(client, stripe_api, platform_host):
    payload = json.dumps(_event())
    header = webhook_sign(payload)
    tampered = payload.replace('"livemode": false', '"livemode": true')

    response = client.post(
        WEBHOOK_PATH,
        data=tampered,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_missing_signature_is_refused(client, stripe_api, platform_host):
    response = client.post(
        WEBHOOK_PATH,
        data=json.dumps(_event()),
        content_type="application/json",
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_signature_older_than_the_tolerance_is_refused(client, stripe_api, platform_host):
    # A captured delivery replayed six minutes later (Stripe's tolerance is five)
    response = webhook_post(client, _event(), host=platform_host, timestamp=time.time() - 360)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_an_event_days_old_with_a_fresh_signature_is_accepted(client, stripe_api, platform_host):
    # Stripe retries for three days, signing each delivery afresh
    event = _event(created=int(time.time()) - THREE_DAYS_SECONDS)

    response = webhook_post(client, event, host=platform_host)

    assert response.status_code == 200
    assert StripeEvent.objects.filter(event_id=event["id"]).exists()


def test_a_duplicate_delivery_is_acknowledged_and_queues_nothing(
    client, stripe_api, platform_host, django_capture_on_commit_callbacks
):
    event = _event()
    webhook_post(client, event, host=platform_host)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = webhook_post(client, event, host=platform_host)

    assert response.status_code == 200
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert callbacks == []


def test_a_signed_body_that_is_not_json_is_refused(client, stripe_api, platform_host):
    payload = "not json"

    response = client.post(
        WEBHOOK_PATH,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=webhook_sign(payload),
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 400


def test_the_signing_secret_may_come_from_the_vault(client, stripe_api, platform_host, settings):
    from shared_apps.platform.vault import secret_set

    settings.STRIPE_WEBHOOK_SECRET = ""
    secret_set(name="stripe_webhook_secret", value=STRIPE_TEST_WEBHOOK_SECRET, actor=None)

    response = webhook_post(client, _event(), host=platform_host)

    assert response.status_code == 200


def test_without_a_secret_stripe_is_asked_to_retry_later(
    client, stripe_api, platform_host, settings
):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = webhook_post(client, _event(), host=platform_host)

    # 503: Stripe keeps the event and retries for three days; a 400 would drop it
    assert response.status_code == 503
    assert error_code(response) == "stripe_not_configured"
    assert not StripeEvent.objects.exists()


def test_workspace_hosts_do_not_serve_the_webhook(client, stripe_api, alpha):
    response = webhook_post(client, _event(), host=host_of(alpha))

    assert response.status_code == 404
    assert not StripeEvent.objects.exists()


def test_only_post_is_accepted(client, stripe_api, platform_host):
    response = client.get(WEBHOOK_PATH, HTTP_HOST=platform_host)

    assert response.status_code == 405
