"""The platform bills the agency (the real stripe SDK against the fake Stripe API), and an
agency's client has no checkout of its own."""

from datetime import date
from decimal import Decimal

import pytest

from shared_apps.billing.agency_billing import agency_invoice_create, previous_month
from shared_apps.billing.models import AgencyInvoice, Subscription
from shared_apps.billing.stripe_billing import (
    BillingStripeError,
    StripeUnavailableError,
    checkout_session_create,
)
from shared_apps.billing.tasks import agency_invoices_issue
from shared_apps.platform.models import AuditEvent
from tenants.agency_services import agency_status_set
from tests.helpers import add_member, client_for_member, host_of
from tests.tenants.agencies.conftest import HOST_A, signed_in

MAY = (date(2026, 5, 1), date(2026, 6, 1))


def test_the_agency_is_invoiced_for_its_clients_at_wholesale(stripe_api, agency_a, bloom):
    invoice = agency_invoice_create(agency=agency_a, period_start=MAY[0], period_end=MAY[1])

    # bloom: Professional, 3 features at $1.00; nw-yoga is free (nothing to bill).
    assert invoice.status == "open"
    assert invoice.amount_total == Decimal("3.00")
    (line,) = invoice.lines.all()
    assert (line.workspace_id, line.features, line.amount) == (bloom.pk, 3, Decimal("3.00"))
    (customer,) = stripe_api.of_type("customer")
    assert customer["name"] == "Northwind Digital"
    (item,) = stripe_api.of_type("invoiceitem")
    assert item["amount"] == 300 and "Bloom Florist" in item["description"]
    stripe_invoice = stripe_api.get(invoice.stripe_invoice_id)
    assert (stripe_invoice["status"], stripe_invoice["amount_due"]) == ("open", 300)
    assert stripe_invoice["customer"] == customer["id"]
    assert invoice.number == stripe_invoice["number"]
    assert AuditEvent.objects.filter(action="billing.agency_invoice_issued").exists()


def test_invoicing_a_period_twice_bills_once(stripe_api, agency_a, world):
    first = agency_invoice_create(agency=agency_a, period_start=MAY[0], period_end=MAY[1])
    requests = len(stripe_api.requests)

    second = agency_invoice_create(agency=agency_a, period_start=MAY[0], period_end=MAY[1])

    assert second.pk == first.pk
    assert len(stripe_api.requests) == requests  # nothing asked of Stripe again
    assert len(stripe_api.of_type("invoice")) == 1
    assert AgencyInvoice.objects.filter(agency=agency_a).count() == 1


def test_a_run_that_died_half_way_resumes_without_duplicates(stripe_api, agency_a, world):
    stripe_api.fail_next(500, after_processing=True)  # the customer is made, its answer lost
    with pytest.raises(StripeUnavailableError):
        agency_invoice_create(agency=agency_a, period_start=MAY[0], period_end=MAY[1])

    invoice = agency_invoice_create(agency=agency_a, period_start=MAY[0], period_end=MAY[1])

    assert invoice.status == "open"
    assert len(stripe_api.of_type("customer")) == 1
    assert len(stripe_api.of_type("invoiceitem")) == 1
    keys = [r.idempotency_key for r in stripe_api.requests if r.method == "POST"]
    assert all(key and key.startswith("mewayz:agency_") for key in keys)


def test_an_agency_with_nothing_due_gets_no_stripe_invoice(stripe_api, agency_a, bloom):
    from shared_apps.billing.models import Plan
    from shared_apps.billing.services import workspace_plan_change

    workspace_plan_change(
        workspace=bloom, plan=Plan.objects.get(code="free"), interval="month",
        feature_keys=["pages"], actor=None,
    )  # fmt: skip

    invoice = agency_invoice_create(agency=agency_a, period_start=MAY[0], period_end=MAY[1])

    assert invoice.status == "nothing_due"
    assert stripe_api.requests == []


def test_a_period_must_end_after_it_starts(stripe_api, agency_a):
    from config.errors import ApplicationError

    with pytest.raises(ApplicationError):
        agency_invoice_create(agency=agency_a, period_start=MAY[1], period_end=MAY[0])
    assert not AgencyInvoice.objects.exists()


def test_previous_month_is_the_calendar_month_before():
    assert previous_month(today=date(2026, 3, 1)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert previous_month(today=date(2026, 1, 17)) == (date(2025, 12, 1), date(2026, 1, 1))


def test_the_monthly_task_bills_every_active_agency(
    stripe_api, stripe_tasks_eager, agency_a, agency_b, platform_owner
):
    agency_status_set(agency=agency_b, status="suspended", actor=platform_owner)

    sent = agency_invoices_issue.apply().get()

    assert sent >= 1
    assert AgencyInvoice.objects.filter(agency=agency_a).count() == 1
    assert not AgencyInvoice.objects.filter(agency=agency_b).exists()


def test_the_owner_sees_the_wholesale_statement_and_invoices(stripe_api, owner_a, agency_a, bloom):
    agency_invoice_create(agency=agency_a, period_start=MAY[0], period_end=MAY[1])

    html = signed_in(owner_a).get("/dashboard/billing/", HTTP_HOST=HOST_A).content.decode()

    assert f'data-line="{bloom.pk}"' in html
    assert "data-total>$3.00<" in html
    assert "MWZ-" in html  # the invoice's number


# --- the client's own billing page ----------------------------------------------------------------


def test_a_clients_billing_page_names_its_agency_instead_of_checkout(bloom, client_member):
    client = client_for_member(client_member, bloom)

    html = client.get("/dashboard/billing/", HTTP_HOST=host_of(bloom)).content.decode()

    assert "Your plan is managed by Northwind Digital" in html
    assert "/dashboard/billing/checkout/" not in html
    assert 'action="/dashboard/billing/"' not in html


@pytest.mark.parametrize("path", ["/dashboard/billing/", "/dashboard/billing/checkout/"])
def test_a_client_cannot_change_its_plan_or_check_out(bloom, client_member, path):
    client = client_for_member(client_member, bloom)

    response = client.post(
        path, {"plan": "enterprise", "interval": "month", "features": ["pages"]},
        HTTP_HOST=host_of(bloom),
    )  # fmt: skip

    assert response.status_code == 409
    assert "managed by Northwind Digital" in response.content.decode()
    assert Subscription.objects.get(workspace=bloom).plan.code == "professional"


def test_checkout_is_refused_for_an_agency_client(stripe_api, bloom, client_member):
    subscription = Subscription.objects.get(workspace=bloom)

    with pytest.raises(BillingStripeError) as error:
        checkout_session_create(
            subscription=subscription, actor=client_member, success_url="x", cancel_url="y"
        )

    assert "managed by Northwind Digital" in error.value.message
    assert error.value.status == 409
    assert stripe_api.requests == []


def test_a_workspace_of_no_agency_still_checks_out(alpha):
    owner = add_member(alpha, "owner")

    html = (
        client_for_member(owner, alpha)
        .get("/dashboard/billing/", HTTP_HOST=host_of(alpha))
        .content.decode()
    )

    assert "managed by" not in html
    assert 'action="/dashboard/billing/"' in html
