"""Quotes are exact: the per-feature price of the version that applies, times the features."""

from decimal import Decimal

import pytest

from config.money import Money
from shared_apps.billing.errors import BillingError
from shared_apps.billing.selectors import plan_quote
from shared_apps.billing.services import feature_kill_switch_set
from tests.shared_apps.billing.support import ENTERPRISE, FREE, PROFESSIONAL, plan

THREE = ["crm", "store", "courses"]
TEN = ["bio_sites", "pages", "custom_domain", "courses", "community", "store",
       "marketplace", "crm", "email_marketing", "social_scheduling"]  # fmt: skip


@pytest.mark.parametrize(
    ("plan_code", "interval", "keys", "per_feature", "total"),
    [
        (FREE, "month", THREE, "0.00", "0.00"),
        (FREE, "year", TEN, "0.00", "0.00"),
        (PROFESSIONAL, "month", THREE, "1.00", "3.00"),
        (PROFESSIONAL, "year", THREE, "10.00", "30.00"),
        (ENTERPRISE, "month", THREE, "1.50", "4.50"),
        (ENTERPRISE, "year", THREE, "15.00", "45.00"),
        (ENTERPRISE, "month", [*THREE, "whitelabel"], "1.50", "6.00"),
        (PROFESSIONAL, "month", ["crm"], "1.00", "1.00"),
    ],
)  # fmt: skip
def test_quote_is_exact(db, plan_code, interval, keys, per_feature, total):
    quote = plan_quote(plan=plan(plan_code), interval=interval, feature_keys=keys)

    assert quote.per_feature == Money(Decimal(per_feature), "usd")
    assert quote.total == Money(Decimal(total), "usd")
    assert isinstance(quote.total.amount, Decimal)
    assert quote.quantity == len(set(keys))


def test_every_feature_on_enterprise_yearly(db):
    from shared_apps.billing.catalog import FEATURES

    quote = plan_quote(plan=plan(ENTERPRISE), interval="year", feature_keys=list(FEATURES))

    assert quote.quantity == 18
    assert quote.total == Money(Decimal("270.00"))


def test_duplicates_count_once(db):
    quote = plan_quote(plan=plan(PROFESSIONAL), interval="month", feature_keys=["crm", "crm"])

    assert quote.total == Money(Decimal("1.00"))
    assert quote.feature_keys == ("crm",)


def test_free_plan_allows_ten_features_not_eleven(db):
    assert plan_quote(plan=plan(FREE), interval="month", feature_keys=TEN).quantity == 10

    with pytest.raises(BillingError) as error:
        plan_quote(plan=plan(FREE), interval="month", feature_keys=[*TEN, "ai"])

    assert error.value.fields["features"] == [
        "The Free plan includes up to 10 features; you chose 11."
    ]


def test_unknown_features_are_named(db):
    with pytest.raises(BillingError) as error:
        plan_quote(plan=plan(PROFESSIONAL), interval="month", feature_keys=["crm", "teleport"])

    assert error.value.fields == {"features": ["Unknown feature: teleport."]}


def test_features_the_plan_does_not_offer_are_refused(db):
    with pytest.raises(BillingError) as error:
        plan_quote(plan=plan(PROFESSIONAL), interval="month", feature_keys=["whitelabel"])

    assert error.value.fields["features"] == ["Not part of the Professional plan: White label."]


def test_a_bad_interval_is_a_field_error(db):
    with pytest.raises(BillingError) as error:
        plan_quote(plan=plan(PROFESSIONAL), interval="weekly", feature_keys=["crm"])

    assert "interval" in error.value.fields


def test_a_paid_plan_needs_at_least_one_feature(db):
    with pytest.raises(BillingError) as error:
        plan_quote(plan=plan(PROFESSIONAL), interval="month", feature_keys=[])

    assert error.value.fields["features"] == [
        "Choose at least one feature for the Professional plan."
    ]
    assert plan_quote(plan=plan(FREE), interval="month", feature_keys=[]).total.amount == 0


def test_killed_features_cannot_be_newly_chosen(db, owner):
    feature_kill_switch_set(key="ai", disabled=True, actor=owner, reason="provider outage")

    with pytest.raises(BillingError) as error:
        plan_quote(plan=plan(PROFESSIONAL), interval="month", feature_keys=["ai", "crm"])

    assert error.value.fields["features"] == [
        "Temporarily unavailable on the platform: AI helpers."
    ]
    # A workspace that already has it may keep it chosen while the switch is on.
    kept = plan_quote(
        plan=plan(PROFESSIONAL),
        interval="month",
        feature_keys=["ai", "crm"],
        allow_killed=frozenset({"ai"}),
    )
    assert kept.total == Money(Decimal("2.00"))


def test_all_problems_are_reported_at_once(db):
    with pytest.raises(BillingError) as error:
        plan_quote(plan=plan(FREE), interval="daily", feature_keys=["whitelabel", "nope"])

    assert set(error.value.fields) == {"interval", "features"}
    assert len(error.value.fields["features"]) == 2
