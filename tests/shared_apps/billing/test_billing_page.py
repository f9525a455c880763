"""The billing page on the workspace host: owners only; exact price; Stripe handed off."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from shared_apps.billing.models import Invoice, Subscription
from shared_apps.billing.selectors import workspace_quote
from shared_apps.platform.models import AuditEvent
from tests.helpers import add_member, client_for_member, host_of
from tests.shared_apps.billing.support import (
    PROFESSIONAL,
    choose,
    install_fake_stripe,
    plan,
    remove_stripe,
    states,
    stripe_confirms_payment,
    subscription_of,
)

URL = "/dashboard/billing/"


@pytest.fixture
def fake_stripe(monkeypatch):
    return install_fake_stripe(monkeypatch)


@pytest.fixture
def no_stripe(monkeypatch):
    remove_stripe(monkeypatch)


def _total(response) -> str:
    return re.search(r'data-total="([^"]+)"', response.content.decode()).group(1)


def test_the_owner_sees_plans_features_and_the_current_price(staff_client, alpha, owner):
    choose(alpha, "crm", "store", actor=owner)

    response = staff_client.get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Free", "Professional", "Enterprise", "$1.50", "$15.00", "Link-in-bio",
                 "Contacts, deals and pipelines.", "Sell", "Invoices"):  # fmt: skip
        assert text in content
    assert _total(response) == "0.00"
    assert re.search(r'value="crm" checked', content)
    assert response.context["active_module"] == "billing"


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_only_owners_may_open_it(alpha, role):
    member = add_member(alpha, role)
    client = client_for_member(member, alpha)

    assert client.get(URL, HTTP_HOST=host_of(alpha)).status_code == 403
    choice = {"plan": "free", "interval": "month"}
    assert client.post(URL, choice, HTTP_HOST=host_of(alpha)).status_code == 403
    assert client.get(URL + "quote/", HTTP_HOST=host_of(alpha)).status_code == 403
    assert client.post(URL + "portal/", HTTP_HOST=host_of(alpha)).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, alpha):
    response = client.get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_live_quote_is_the_services_quote(staff_client, alpha):
    response = staff_client.get(
        URL + "quote/",
        {"plan": PROFESSIONAL, "interval": "year", "features": ["crm", "store", "ai"]},
        HTTP_HOST=host_of(alpha),
    )

    quote = workspace_quote(
        workspace=alpha,
        plan=plan(PROFESSIONAL),
        interval="year",
        feature_keys=["crm", "store", "ai"],
    )
    assert response.status_code == 200
    assert Decimal(_total(response)) == quote.total.amount == Decimal("30.00")
    assert "3 features \u00d7 $10.00 per feature per year" in response.content.decode()
    assert response.templates[0].name == "billing/_quote.html"


def test_the_live_quote_explains_what_is_wrong(staff_client, alpha):
    eleven = ["bio_sites", "pages", "custom_domain", "courses", "community", "store",
              "marketplace", "crm", "email_marketing", "social_scheduling", "ai"]  # fmt: skip

    response = staff_client.get(
        URL + "quote/", {"plan": "free", "interval": "month", "features": eleven},
        HTTP_HOST=host_of(alpha),
    )  # fmt: skip

    assert response.status_code == 400
    assert "The Free plan includes up to 10 features; you chose 11." in response.content.decode()


def test_confirming_a_free_choice_saves_it(staff_client, alpha):
    response = staff_client.post(
        URL,
        {"plan": "free", "interval": "month", "features": ["crm", "pages"]},
        HTTP_HOST=host_of(alpha),
        REMOTE_ADDR="198.51.100.7",
    )

    assert response.status_code == 302
    assert states(alpha) == {"crm": "active", "pages": "active"}
    event = AuditEvent.objects.get(action="billing.plan_changed", workspace_id=alpha.pk)
    assert event.ip_address == "198.51.100.7"
    assert event.actor.email == "owner@session.test"


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"plan": "free", "interval": "month", "features": ["whitelabel"]},
         "Not part of the Free plan: White label."),
        ({"plan": "gold", "interval": "month", "features": ["crm"]}, "Choose one of the plans."),
        ({"plan": "free", "interval": "weekly", "features": ["crm"]},
         "Choose monthly or yearly billing."),
        ({"plan": "free", "interval": "month", "features": ["teleport"]},
         "Unknown feature: teleport."),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_with_field_errors_and_changes_nothing(
    staff_client, alpha, owner, data, field_error
):
    choose(alpha, "crm", actor=owner)
    audit_count = AuditEvent.objects.count()

    response = staff_client.post(URL, data, HTTP_HOST=host_of(alpha))

    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert states(alpha) == {"crm": "active"}
    assert subscription_of(alpha).plan.code == "free"
    assert AuditEvent.objects.count() == audit_count


def test_a_paid_plan_goes_to_stripe_checkout(staff_client, alpha, fake_stripe):
    response = staff_client.post(
        URL,
        {"plan": PROFESSIONAL, "interval": "month", "features": ["crm", "store"]},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.test/c/pay_123"
    ((name, call),) = fake_stripe.calls
    assert name == "checkout"
    assert call["subscription"].status == Subscription.Status.INCOMPLETE
    assert call["actor"].email == "owner@session.test"
    # Stripe sends the owner back to the workspace's own primary host.
    assert call["success_url"] == f"http://{host_of(alpha)}/dashboard/billing/?checkout=done"
    assert call["cancel_url"] == f"http://{host_of(alpha)}/dashboard/billing/?checkout=canceled"


def test_an_unfinished_payment_can_be_resumed(staff_client, alpha, owner, fake_stripe):
    choose(alpha, "crm", plan_code=PROFESSIONAL, actor=owner)

    response = staff_client.post(URL + "checkout/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 303
    assert fake_stripe.names() == ["checkout"]
    page = staff_client.get(URL, HTTP_HOST=host_of(alpha)).content.decode()
    assert "Continue to payment" in page
    assert "Awaiting payment" in page


def test_a_paying_workspace_syncs_stripe_instead(staff_client, alpha, owner, fake_stripe):
    choose(alpha, "crm", plan_code=PROFESSIONAL, actor=owner)
    stripe_confirms_payment(alpha)

    response = staff_client.post(
        URL,
        {"plan": PROFESSIONAL, "interval": "month", "features": ["crm", "ai"]},
        HTTP_HOST=host_of(alpha),
    )

    assert response.status_code == 302
    assert fake_stripe.names() == ["sync"]
    assert states(alpha) == {"crm": "active", "ai": "active"}


def test_without_the_stripe_side_the_choice_waits_for_payment(staff_client, alpha, no_stripe):
    response = staff_client.post(
        URL,
        {"plan": PROFESSIONAL, "interval": "month", "features": ["crm"]},
        HTTP_HOST=host_of(alpha),
        follow=True,
    )

    assert response.status_code == 200
    assert "Online payment is not available yet" in response.content.decode()
    assert states(alpha) == {"crm": "pending"}


def test_the_portal_button_opens_stripes_portal(staff_client, alpha, owner, fake_stripe):
    choose(alpha, "crm", plan_code=PROFESSIONAL, actor=owner)
    stripe_confirms_payment(alpha)
    assert (
        "Manage payment methods and invoices"
        in staff_client.get(URL, HTTP_HOST=host_of(alpha)).content.decode()
    )

    response = staff_client.post(URL + "portal/", HTTP_HOST=host_of(alpha))

    assert (response.status_code, response["Location"]) == (
        303, "https://billing.stripe.test/p/session_123"
    )  # fmt: skip
    assert fake_stripe.calls[0][1]["return_url"] == f"http://{host_of(alpha)}/dashboard/billing/"


def test_no_portal_before_a_first_payment(staff_client, alpha, fake_stripe):
    response = staff_client.post(URL + "portal/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert fake_stripe.calls == []


def _invoice(workspace, number: str, amount: str) -> Invoice:
    return Invoice.objects.create(
        workspace=workspace,
        stripe_invoice_id=f"in_{number}",
        number=number,
        status="paid",
        amount_due=Decimal(amount),
        amount_paid=Decimal(amount),
        hosted_invoice_url=f"https://invoice.stripe.test/{number}",
        created_at_stripe=timezone.now(),
    )


def test_invoices_are_listed_for_this_workspace_only(staff_client, alpha, beta):
    _invoice(alpha, "ALPHA-0001", "3.00")
    _invoice(beta, "BETA-0001", "45.00")

    content = staff_client.get(URL, HTTP_HOST=host_of(alpha)).content.decode()

    assert "ALPHA-0001" in content
    assert "$3.00" in content
    assert "https://invoice.stripe.test/ALPHA-0001" in content
    assert "BETA-0001" not in content
    assert "$45.00" not in content


def test_a_subscriber_sees_its_price_until_renewal_and_the_next_one(staff_client, alpha, owner):
    from shared_apps.billing.services import plan_price_change

    choose(alpha, "crm", plan_code=PROFESSIONAL, actor=owner)
    stripe_confirms_payment(alpha)
    plan_price_change(
        plan=plan(PROFESSIONAL), price_monthly=Decimal("2.00"), price_yearly=Decimal("20.00"),
        actor=owner,
    )  # fmt: skip

    content = staff_client.get(URL, HTTP_HOST=host_of(alpha)).content.decode()

    assert "You pay $1.00 per feature until your renewal; then $2.00." in content
    assert re.search(r'data-total="1.00"', content)  # adding features still bills v1
