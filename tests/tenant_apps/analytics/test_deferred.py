"""Deferred events: what pages served from the cache queue (event_deferred_capture and
event_deferred_push, in the Redis round trip that reads the page), written by
the drain (event_deferred_record) that beat's dispatcher sends into each workspace."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from config.cache import redis_client
from config.errors import ApplicationError
from tenant_apps.analytics import tasks
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import (
    PENDING_KEY,
    _pending_schemas_key,
    event_deferred_capture,
    event_deferred_push,
    event_deferred_record,
    event_deferred_schemas_take,
)

pytestmark = pytest.mark.django_db

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"
ADDRESS = "203.0.113.77"


def _defer(*, ua=IPHONE, address=ADDRESS, subject_id="site-1", path="/?utm_source=ig", **kwargs):
    request = RequestFactory().get(
        path,
        HTTP_USER_AGENT=ua,
        REMOTE_ADDR=address,
        HTTP_REFERER="https://l.instagram.com/x",
        HTTP_CF_IPCOUNTRY="NL",
    )
    kwargs.setdefault("kind", Event.PAGE_VIEW)
    record = event_deferred_capture(
        request=request, subject_type="bio_site", subject_id=subject_id, **kwargs
    )
    if record is not None:  # None: a known bot, dropped before anything is queued
        pipeline = redis_client().pipeline(transaction=False)
        event_deferred_push(pipeline, record)
        pipeline.execute()


def test_a_deferred_event_is_written_by_the_drain_like_a_recorded_one():
    _defer(variant="v1", metadata={"target": "abc"})
    assert Event.objects.count() == 0

    assert event_deferred_record() == 1
    event = Event.objects.get()
    assert (event.kind, event.subject_id, event.variant) == (Event.PAGE_VIEW, "site-1", "v1")
    assert (event.utm_source, event.referrer_host, event.country) == ("ig", "l.instagram.com", "NL")
    assert event.device == Event.Device.MOBILE and event.metadata == {"target": "abc"}
    assert len(event.visitor_hash) == 64 and ADDRESS not in event.visitor_hash
    # The list is empty afterwards: the address is gone from Redis too.
    assert redis_client().llen(_pending_key()) == 0


def _pending_key() -> str:
    return cache.make_key(PENDING_KEY)


def test_the_drain_writes_in_batches_and_never_twice():
    for n in range(7):
        _defer(address=f"198.51.100.{n}")
    assert event_deferred_record(batch=3) == 7
    assert event_deferred_record(batch=3) == 0
    assert Event.objects.count() == 7
    assert Event.objects.values("visitor_hash").distinct().count() == 7


def test_bots_are_never_deferred_and_oversize_metadata_is_refused():
    _defer(ua="Mozilla/5.0 (compatible; Googlebot/2.1)")
    with pytest.raises(ApplicationError):
        _defer(metadata={"blob": "x" * 5000})
    assert event_deferred_record() == 0


def test_an_unreadable_record_is_dropped_without_blocking_the_rest():
    redis_client().rpush(_pending_key(), b"{not json")
    _defer()
    assert event_deferred_record() == 1
    assert Event.objects.count() == 1


def test_each_workspace_drains_only_its_own_events(alpha, beta):
    _defer(subject_id="alpha-site")
    with tenant_context(beta):
        _defer(subject_id="beta-site")

    assert event_deferred_record() == 1
    assert list(Event.objects.values_list("subject_id", flat=True)) == ["alpha-site"]
    with tenant_context(beta):
        assert event_deferred_record() == 1
        assert list(Event.objects.values_list("subject_id", flat=True)) == ["beta-site"]


def test_the_dispatcher_sends_one_drain_into_each_workspace_with_events(alpha, beta):
    _defer()
    with tenant_context(beta):
        _defer()
    sent_in = []
    with (
        tenant_context(beta),  # the dispatcher runs from beat, in any schema
        mock.patch.object(
            tasks.analytics_deferred_record_task,
            "delay",
            side_effect=lambda **kw: sent_in.append(connection.schema_name),
        ),
    ):
        connection.set_schema_to_public()
        assert tasks.analytics_deferred_dispatch() == 2
        # Taken: a second run has nothing to send until a workspace defers again.
        assert tasks.analytics_deferred_dispatch() == 0
    assert sorted(sent_in) == sorted([alpha.schema_name, beta.schema_name])


def test_schemas_that_are_no_workspace_are_skipped(alpha):
    redis_client().sadd(_pending_schemas_key(), "no_such_schema")
    _defer()
    with mock.patch.object(tasks.analytics_deferred_record_task, "delay") as delay:
        connection.set_schema_to_public()
        assert tasks.analytics_deferred_dispatch() == 1
    assert delay.call_count == 1
    assert event_deferred_schemas_take() == []
