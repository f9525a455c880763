"""A Celery task sent from workspace A runs in A's schema, never in public.

A real Celery worker process runs against the test database and the real Redis broker.
"""

import time

import pytest
from django_tenants.utils import tenant_context
from wagtail.models import Site

from cms.tasks import site_hostname_sync
from tenants.domains import domain_add, domain_set_primary
from tenants.errors import DomainError
from tests.helpers import host_of


def _site_hostname(workspace) -> str:
    with tenant_context(workspace):
        return Site.objects.get(is_default_site=True).hostname


def _restore(workspace):
    # The worker committed its change outside the test's transaction: undo it the same way.
    with tenant_context(workspace):
        site_hostname_sync.delay(hostname=host_of(workspace), port=80).get(timeout=30)


def test_task_sent_in_a_workspace_runs_in_that_schema(celery_worker, beta):
    with tenant_context(beta):
        result = site_hostname_sync.delay(hostname=host_of(beta), port=80)

    assert result.get(timeout=30) == "ws_beta"


def test_primary_domain_change_moves_only_that_workspaces_site(
    celery_worker, alpha, beta, django_capture_on_commit_callbacks
):
    domain = domain_add(workspace=alpha, host="www.alpha-example.com", verified=True)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            domain_set_primary(domain=domain)

        deadline = time.monotonic() + 30
        while _site_hostname(alpha) != "www.alpha-example.com" and time.monotonic() < deadline:
            time.sleep(0.1)

        assert _site_hostname(alpha) == "www.alpha-example.com"
        assert _site_hostname(beta) == host_of(beta)
    finally:
        _restore(alpha)


def test_nothing_is_sent_if_the_transaction_rolls_back(alpha, django_capture_on_commit_callbacks):
    domain = domain_add(workspace=alpha, host="www2.alpha-example.com", verified=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        domain_set_primary(domain=domain)

    # Sent only on commit: the test's transaction never commits, so nothing ran.
    assert len(callbacks) >= 1
    assert _site_hostname(alpha) == host_of(alpha)


def test_unverified_domain_cannot_become_primary(alpha):
    domain = domain_add(workspace=alpha, host="pending.alpha-example.com")

    with pytest.raises(DomainError):
        domain_set_primary(domain=domain)
