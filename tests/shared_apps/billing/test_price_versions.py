"""Prices change by adding versions; subscribers keep theirs until renewal."""

from decimal import Decimal

import pytest

from config.money import Money
from shared_apps.billing.errors import BillingError
from shared_apps.billing.models import PlanPrice
from shared_apps.billing.selectors import plan_price_current, workspace_quote
from shared_apps.billing.services import plan_price_change, subscription_renew_price
from shared_apps.platform.models import AuditEvent
from tests.shared_apps.billing.support import (
    PROFESSIONAL,
    choose,
    plan,
    stripe_confirms_payment,
    subscription_of,
)


def test_a_price_change_adds_a_version_and_never_edits_one(db, owner):
    professional = plan(PROFESSIONAL)
    first = plan_price_current(plan=professional)

    second = plan_price_change(
        plan=professional, price_monthly=Decimal("2.00"), price_yearly=Decimal("20.00"), actor=owner
    )

    first.refresh_from_db()
    assert (first.version, first.price_monthly, first.price_yearly) == (
        1, Decimal("1.00"), Decimal("10.00")
    )  # fmt: skip
    assert (second.version, second.price_monthly, second.created_by) == (2, Decimal("2.00"), owner)
    assert plan_price_current(plan=professional) == second
    event = AuditEvent.objects.get(action="billing.plan_price_changed")
    assert event.data["to"] == {"monthly": "2.00", "yearly": "20.00"}
    assert event.actor == owner


def test_the_same_prices_add_no_version(db, owner):
    professional = plan(PROFESSIONAL)

    plan_price_change(
        plan=professional, price_monthly=Decimal("1.00"), price_yearly=Decimal("10"), actor=owner
    )

    assert PlanPrice.objects.filter(plan=professional).count() == 1


@pytest.mark.parametrize(
    ("monthly", "field"),
    [
        (Decimal("-1"), "price_monthly"),
        (Decimal("1.005"), "price_monthly"),
        ("abc", "price_monthly"),
    ],
)
def test_invalid_prices_are_refused(db, owner, monthly, field):
    with pytest.raises(BillingError) as error:
        plan_price_change(
            plan=plan(PROFESSIONAL), price_monthly=monthly, price_yearly=Decimal("10"), actor=owner
        )

    assert field in error.value.fields
    assert PlanPrice.objects.filter(plan=plan(PROFESSIONAL)).count() == 1


def test_floats_are_never_money(db, owner):
    with pytest.raises(TypeError):
        plan_price_change(plan=plan(PROFESSIONAL), price_monthly=1.5, price_yearly=15, actor=owner)


def test_a_subscriber_keeps_its_price_until_renewal(alpha, beta, owner):
    choose(alpha, "crm", "store", plan_code=PROFESSIONAL)
    stripe_confirms_payment(alpha)
    plan_price_change(
        plan=plan(PROFESSIONAL), price_monthly=Decimal("2.00"), price_yearly=Decimal("20.00"),
        actor=owner,
    )  # fmt: skip

    # Alpha adds a feature: still billed at version 1.
    result = choose(alpha, "crm", "store", "courses", plan_code=PROFESSIONAL)
    assert result.quote.price.version == 1
    assert result.quote.total == Money(Decimal("3.00"))
    assert subscription_of(alpha).price.version == 1
    # A new subscriber (beta) pays the new price.
    quote = workspace_quote(
        workspace=beta, plan=plan(PROFESSIONAL), interval="month", feature_keys=["crm", "store"]
    )
    assert quote.total == Money(Decimal("4.00"))

    # At renewal alpha moves to the current version.
    assert subscription_renew_price(subscription=subscription_of(alpha)) is True
    assert subscription_of(alpha).price.version == 2
    quote = workspace_quote(
        workspace=alpha,
        plan=plan(PROFESSIONAL),
        interval="month",
        feature_keys=["crm", "store", "courses"],
    )
    assert quote.total == Money(Decimal("6.00"))
    assert AuditEvent.objects.filter(action="billing.price_renewed", workspace_id=alpha.pk).exists()
    assert subscription_renew_price(subscription=subscription_of(alpha)) is False


def test_switching_interval_starts_on_the_current_version(alpha, owner):
    choose(alpha, "crm", plan_code=PROFESSIONAL)
    stripe_confirms_payment(alpha)
    plan_price_change(
        plan=plan(PROFESSIONAL), price_monthly=Decimal("2.00"), price_yearly=Decimal("20.00"),
        actor=owner,
    )  # fmt: skip

    result = choose(alpha, "crm", plan_code=PROFESSIONAL, interval="year")

    assert result.quote.price.version == 2
    assert result.quote.total == Money(Decimal("20.00"))
