"""Proving a custom host by DNS: success, each failure, loss, re-checks and TLS.

DNS answers come from tenants.dns.MemoryResolver, configured per test: no network.
"""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tenants import tasks
from tenants.dns import MemoryResolver, resolver
from tenants.domains import (
    custom_domain_add,
    custom_domain_verify,
    dns_records_for,
    domain_add,
    domain_set_primary,
)
from tenants.errors import DomainError
from tenants.models import Domain
from tenants.services import workspace_archive
from tests.helpers import host_of

HOST = "shop.alpha-example.com"


@pytest.fixture
def dns(settings):
    settings.DNS_RESOLVER = "tenants.dns.MemoryResolver"
    MemoryResolver.reset()
    yield MemoryResolver
    MemoryResolver.reset()


def _publish(dns, domain, *, txt=True, cname=True):
    if txt:
        dns.add("TXT", f"_domain-verify.{domain.domain}", domain.verification_token)
    if cname:
        dns.add("CNAME", domain.domain, settings.PLATFORM_CNAME_TARGET)


def _status(client, host, path="/") -> int:
    return client.get(path, HTTP_HOST=host).status_code


@pytest.fixture
def pending(alpha, owner):
    return custom_domain_add(workspace=alpha, host=HOST, actor=owner)


def test_the_resolver_is_the_one_settings_name(dns):
    assert isinstance(resolver(), MemoryResolver)


def test_the_records_to_create_are_a_cname_and_a_txt_with_the_token(pending, settings):
    settings.PLATFORM_CNAME_TARGET = "edge.mewayz.test"

    records = {record.type: record for record in dns_records_for(pending)}

    assert (records["CNAME"].name, records["CNAME"].value) == (HOST, "edge.mewayz.test")
    assert (records["TXT"].name, records["TXT"].value) == (
        f"_domain-verify.{HOST}",
        pending.verification_token,
    )


def test_the_default_host_needs_no_records(alpha):
    default = Domain.objects.get(domain=host_of(alpha))

    assert dns_records_for(default) == []


def test_a_host_with_both_records_becomes_verified_and_routes(client, dns, pending, owner):
    assert _status(client, HOST) == 404
    _publish(dns, pending)

    domain = custom_domain_verify(domain=pending, actor=owner)

    domain.refresh_from_db()
    assert domain.is_verified is True
    assert domain.status == Domain.Status.VERIFIED
    assert domain.failure_reason == ""
    assert domain.verified_at is not None
    assert domain.last_checked_at is not None
    assert _status(client, HOST) == 301  # it routes: to alpha's primary host
    event = AuditEvent.objects.get(action="domain.verified", workspace_id=pending.tenant_id)
    assert event.actor == owner
    assert event.data == {"host": HOST}


def test_the_cname_target_is_the_setting(dns, pending, settings):
    settings.PLATFORM_CNAME_TARGET = "edge.mewayz.test"
    dns.add("TXT", f"_domain-verify.{HOST}", pending.verification_token)
    dns.add("CNAME", HOST, "edge.mewayz.test.")

    assert custom_domain_verify(domain=pending).is_verified is True


def test_a_cname_to_the_workspaces_own_address_is_accepted(dns, pending, alpha):
    dns.add("TXT", f"_domain-verify.{HOST}", pending.verification_token)
    dns.add("CNAME", HOST, host_of(alpha))

    assert custom_domain_verify(domain=pending).is_verified is True


def test_a_root_domain_with_an_address_record_is_proved_by_its_txt(dns, alpha, owner):
    apex = custom_domain_add(workspace=alpha, host="alpha-example.com", actor=owner)
    dns.add("TXT", "_domain-verify.alpha-example.com", apex.verification_token)
    dns.add("A", "alpha-example.com", "203.0.113.7")

    assert custom_domain_verify(domain=apex).is_verified is True


def test_quotes_typed_around_the_token_are_ignored(dns, pending):
    dns.add("TXT", f"_domain-verify.{HOST}", "v=spf1 -all", f'"{pending.verification_token}"')
    dns.add("CNAME", HOST, settings.PLATFORM_CNAME_TARGET)

    assert custom_domain_verify(domain=pending).is_verified is True


@pytest.mark.parametrize(
    ("records", "reason"),
    [
        ({"cname": True}, f"No TXT record found at _domain-verify.{HOST}."),
        ({"cname": True, "txt": "someone-elses-token"}, "does not hold this host's token"),
        ({"txt": True}, f"{HOST} has no CNAME record pointing to"),
        ({"txt": True, "cname": "elsewhere.example.net"}, "points to elsewhere.example.net"),
        ({}, "No TXT record found"),
    ],
    ids=["missing-txt", "wrong-token", "missing-cname", "wrong-cname", "nothing"],
)
def test_a_host_without_its_proof_fails_with_the_reason(
    client, dns, pending, owner, records, reason
):
    txt, cname = records.get("txt"), records.get("cname")
    if txt:
        dns.add("TXT", f"_domain-verify.{HOST}", pending.verification_token if txt is True else txt)
    if cname:
        dns.add("CNAME", HOST, settings.PLATFORM_CNAME_TARGET if cname is True else cname)

    domain = custom_domain_verify(domain=pending, actor=owner)

    domain.refresh_from_db()
    assert domain.is_verified is False
    assert domain.status == Domain.Status.FAILED
    assert reason in domain.failure_reason
    assert domain.last_checked_at is not None
    assert _status(client, HOST) == 404
    assert AuditEvent.objects.filter(action="domain.verification_failed", target_id=str(domain.pk))


def test_a_host_that_keeps_failing_is_audited_once(dns, pending):
    custom_domain_verify(domain=pending)
    custom_domain_verify(domain=pending)

    assert AuditEvent.objects.filter(action="domain.verification_failed").count() == 1


def test_a_verified_host_whose_proof_disappears_stops_routing(client, dns, pending, owner):
    _publish(dns, pending)
    custom_domain_verify(domain=pending)
    assert _status(client, HOST) == 301

    dns.remove("TXT", f"_domain-verify.{HOST}")
    domain = custom_domain_verify(domain=pending)

    domain.refresh_from_db()
    assert (domain.is_verified, domain.status) == (False, Domain.Status.FAILED)
    assert "No TXT record" in domain.failure_reason
    assert _status(client, HOST) == 404
    assert AuditEvent.objects.filter(action="domain.verification_lost", target_id=str(domain.pk))


def test_losing_the_primary_host_hands_primary_back_to_the_default_host(
    client, dns, pending, alpha, django_capture_on_commit_callbacks, monkeypatch
):
    from cms.tasks import site_hostname_sync

    _publish(dns, pending)
    custom_domain_verify(domain=pending)
    domain_set_primary(domain=Domain.objects.get(pk=pending.pk))
    assert client.get("/", HTTP_HOST=host_of(alpha))["Location"] == f"http://{HOST}/"
    synced = []
    monkeypatch.setattr(site_hostname_sync, "delay", lambda **kw: synced.append(kw["hostname"]))

    dns.reset()
    with django_capture_on_commit_callbacks(execute=True):
        custom_domain_verify(domain=Domain.objects.get(pk=pending.pk))

    assert Domain.objects.get(tenant=alpha, is_primary=True).domain == host_of(alpha)
    assert _status(client, host_of(alpha)) == 200
    assert _status(client, HOST) == 404
    assert synced == [host_of(alpha)]  # the Wagtail site moves back to the default host


def test_a_returning_proof_verifies_the_host_again(client, dns, pending):
    _publish(dns, pending)
    custom_domain_verify(domain=pending)
    dns.reset()
    custom_domain_verify(domain=pending)

    _publish(dns, pending)
    domain = custom_domain_verify(domain=pending)

    assert domain.is_verified is True
    assert _status(client, HOST) == 301


def test_dns_that_does_not_answer_changes_nothing(client, dns, pending):
    _publish(dns, pending)
    custom_domain_verify(domain=pending)
    checked_before = Domain.objects.get(pk=pending.pk).last_checked_at
    events_before = AuditEvent.objects.count()

    dns.fail(HOST)
    domain = custom_domain_verify(domain=pending)

    domain.refresh_from_db()
    assert domain.is_verified is True
    assert "did not answer in time" in domain.failure_reason
    assert domain.last_checked_at > checked_before
    assert _status(client, HOST) == 301
    assert AuditEvent.objects.count() == events_before


def test_dns_that_does_not_answer_leaves_a_pending_host_pending(dns, pending):
    dns.fail(HOST)

    domain = custom_domain_verify(domain=pending)

    assert (domain.is_verified, domain.status) == (False, Domain.Status.PENDING)
    assert "Nothing was changed" in domain.failure_reason


def test_a_later_success_clears_the_reason(dns, pending):
    custom_domain_verify(domain=pending)
    _publish(dns, pending)

    assert custom_domain_verify(domain=pending).failure_reason == ""


def test_the_default_host_is_never_checked(alpha, dns):
    with pytest.raises(DomainError) as caught:
        custom_domain_verify(domain=Domain.objects.get(domain=host_of(alpha)))

    assert caught.value.code == "domain_protected"


def test_the_audit_trail_names_the_identity_behind_a_staff_mirror(dns, pending, alpha, owner):
    _publish(dns, pending)
    with tenant_context(alpha):
        mirror = User.objects.get(identity_id=owner.uuid)
        custom_domain_verify(domain=pending, actor=mirror)

    event = AuditEvent.objects.get(action="domain.verified")
    assert event.actor == owner
    assert event.actor_email == owner.email


def test_tls_certificates_are_allowed_only_for_verified_hosts(client, dns, pending, alpha):
    def ask(host):
        return client.get("/internal/tls/ask", {"domain": host}, HTTP_HOST="web:8000").status_code

    assert ask(HOST) == 404  # pending
    _publish(dns, pending)
    custom_domain_verify(domain=pending)
    assert ask(HOST) == 200
    assert ask(HOST.upper() + ".") == 200
    assert ask(host_of(alpha)) == 200

    dns.reset()
    custom_domain_verify(domain=pending)
    assert ask(HOST) == 404  # proof lost
    assert ask("x" * 300) == 404


# ---- the scheduled re-check ----


def _domain(workspace, host, *, verified, checked_ago=None, created_ago=None, verified_ago=None):
    now = timezone.now()
    domain = domain_add(workspace=workspace, host=host, verified=verified)
    Domain.objects.filter(pk=domain.pk).update(
        status=Domain.Status.VERIFIED if verified else Domain.Status.FAILED,
        last_checked_at=now - checked_ago if checked_ago is not None else None,
        created_at=now - created_ago if created_ago is not None else domain.created_at,
        verified_at=now - verified_ago if verified_ago is not None else None,
    )
    return domain


def test_the_dispatcher_picks_the_hosts_that_are_due(alpha, beta, monkeypatch):
    hours, days = timedelta(hours=1), timedelta(days=1)
    due = [
        _domain(alpha, "stale.alpha-example.com", verified=True, checked_ago=7 * hours),
        # Checked by the previous run, a few minutes after it started.
        _domain(alpha, "last-run.alpha-example.com", verified=True, checked_ago=5.9 * hours),
        _domain(alpha, "new.alpha-example.com", verified=False, created_ago=2 * days),
        _domain(
            alpha,
            "lost.alpha-example.com",
            verified=False,
            created_ago=90 * days,
            verified_ago=1 * days,
        ),
    ]
    not_due = [
        _domain(alpha, "fresh.alpha-example.com", verified=True, checked_ago=1 * hours),
        _domain(alpha, "given-up.alpha-example.com", verified=False, created_ago=8 * days),
        # Verified by an operator, never by DNS.
        _domain(alpha, "operator.alpha-example.com", verified=True),
        _domain(beta, "archived.beta-example.com", verified=False, created_ago=1 * days),
    ]
    workspace_archive(workspace=beta)
    sent = []
    monkeypatch.setattr(
        tasks.custom_domain_verify_task,
        "delay",
        lambda **kwargs: sent.append((kwargs["domain_id"], connection.schema_name)),
    )

    with tenant_context(alpha):  # wherever the worker was, the tasks are sent from public
        count = tasks.custom_domains_recheck()

    assert count == len(due)
    assert sorted(sent) == sorted((domain.pk, "public") for domain in due)
    assert not {domain.pk for domain in not_due} & {domain_id for domain_id, _ in sent}
    default_hosts = Domain.objects.filter(domain__in=[host_of(alpha), host_of(beta)])
    assert not {domain.pk for domain in default_hosts} & {domain_id for domain_id, _ in sent}


def test_the_task_verifies_through_the_service(dns, pending):
    _publish(dns, pending)

    assert tasks.custom_domain_verify_task(pending.pk) == "verified"

    assert Domain.objects.get(pk=pending.pk).is_verified is True


def test_the_task_shrugs_at_a_host_removed_since_it_was_queued(dns, pending):
    domain_id = pending.pk
    pending.delete()

    assert tasks.custom_domain_verify_task(domain_id=domain_id) is None


def test_the_task_leaves_default_hosts_alone(dns, alpha):
    default = Domain.objects.get(domain=host_of(alpha))

    assert tasks.custom_domain_verify_task(domain_id=default.pk) is None


def test_beat_runs_the_dispatcher_every_six_hours():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["custom-domains-recheck"]

    assert entry["task"] == "tenants.tasks.custom_domains_recheck"
    assert entry["schedule"] == timedelta(hours=6)
    assert entry["task"] in app.tasks


def test_a_mirror_without_an_identity_is_recorded_as_no_actor(dns, pending, alpha):
    _publish(dns, pending)
    with tenant_context(alpha):
        stranger = User.objects.create(email="ghost@example.test", identity_id=uuid4())
        custom_domain_verify(domain=pending, actor=stranger)

    assert AuditEvent.objects.get(action="domain.verified").actor is None
