"""Agency pricing: the arithmetic (pure, exact Decimals) and the price list's rules."""

from decimal import Decimal

import pytest

from config.money import Money
from shared_apps.platform.models import AuditEvent
from tenants.agency_errors import AgencyErrorCode, AgencyPricingError
from tenants.agency_pricing import (
    AgencyPriceTerms,
    agency_price,
    client_pricing,
    price_floor_problem,
    pricing_totals,
    wholesale_cost,
)
from tenants.agency_selectors import agency_pricing_summary
from tenants.agency_services import agency_price_delete, agency_price_set
from tenants.models import AgencyPrice
from tests.tenants.agencies.conftest import HOST_A, signed_in


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "usd")


def terms(feature: int, base: int = 0, currency: str = "usd") -> AgencyPriceTerms:
    return AgencyPriceTerms.from_minor_units(
        feature_price_minor=feature, base_price_minor=base, currency=currency
    )


# --- arithmetic -----------------------------------------------------------------------------------


def test_wholesale_cost_is_the_platform_price_times_features():
    assert wholesale_cost(per_feature=usd("1.50"), features=7) == usd("10.50")


def test_the_agency_price_is_per_feature_times_features_plus_base():
    assert agency_price(terms=terms(199, 999), features=3) == usd("15.96")


def test_cost_price_and_margin_of_a_priced_client():
    pricing = client_pricing(per_feature=usd("1.00"), features=4, terms=terms(250, 500))

    assert (pricing.cost, pricing.price, pricing.margin) == (
        usd("4.00"),
        usd("15.00"),
        usd("11.00"),
    )
    assert pricing.margin.amount == Decimal("11.00")
    assert pricing.agency_priced


def test_a_client_without_an_agency_price_is_resold_at_cost():
    pricing = client_pricing(per_feature=usd("1.50"), features=3, terms=None)

    assert (pricing.cost, pricing.price, pricing.margin) == (usd("4.50"), usd("4.50"), usd("0.00"))
    assert not pricing.agency_priced


def test_a_free_plan_costs_nothing_and_the_base_fee_is_all_margin():
    pricing = client_pricing(per_feature=usd("0"), features=10, terms=terms(0, 1000))

    assert (pricing.cost, pricing.price, pricing.margin) == (usd("0"), usd("10.00"), usd("10.00"))


def test_a_client_with_no_features_pays_the_base_only():
    pricing = client_pricing(per_feature=usd("1.00"), features=0, terms=terms(300, 250))

    assert (pricing.cost, pricing.price, pricing.margin) == (usd("0"), usd("2.50"), usd("2.50"))


def test_totals_sum_every_client():
    rows = [
        client_pricing(per_feature=usd("1.00"), features=4, terms=terms(250, 500)),
        client_pricing(per_feature=usd("1.50"), features=3, terms=None),
        client_pricing(per_feature=usd("0"), features=5, terms=None),
    ]

    totals = pricing_totals(rows, currency="usd")

    assert totals.clients == 3
    assert (totals.cost, totals.price, totals.margin) == (usd("8.50"), usd("19.50"), usd("11.00"))


def test_totals_of_no_clients_are_zero_in_the_currency():
    totals = pricing_totals([], currency="eur")

    assert totals.cost == Money(Decimal("0"), "eur") and totals.margin.currency == "eur"


def test_mixed_currencies_are_refused():
    with pytest.raises(AgencyPricingError) as error:
        client_pricing(per_feature=usd("1.00"), features=2, terms=terms(200, 0, "eur"))
    assert error.value.code == AgencyErrorCode.CURRENCY_MISMATCH

    eur_row = client_pricing(per_feature=Money(Decimal("1"), "eur"), features=1, terms=None)
    with pytest.raises(AgencyPricingError):
        pricing_totals([eur_row], currency="usd")


@pytest.mark.parametrize("features", [-1, 1.5, True])
def test_a_feature_count_is_a_whole_number(features):
    with pytest.raises(AgencyPricingError):
        wholesale_cost(per_feature=usd("1.00"), features=features)


def test_the_price_floor_is_the_wholesale_per_feature_price():
    assert price_floor_problem(terms=terms(100), wholesale_per_feature=usd("1.00")) is None
    assert "at least $1.00" in price_floor_problem(
        terms=terms(99), wholesale_per_feature=usd("1.00")
    )
    assert "USD" in price_floor_problem(terms=terms(500, 0, "eur"), wholesale_per_feature=usd("1"))


# --- the price list -------------------------------------------------------------------------------


def test_the_owner_sets_a_price_and_sees_cost_price_and_margin(owner_a, agency_a, bloom):
    # bloom: Professional ($1.00 per feature), 3 features.
    agency_price_set(
        agency=agency_a,
        plan_code="professional",
        feature_price_minor=250,
        base_price_minor=500,
        actor=owner_a,
    )

    rows, totals = agency_pricing_summary(agency=agency_a)

    (row,) = [row for row in rows if row.client == bloom]
    assert (row.pricing.cost, row.pricing.price, row.pricing.margin) == (
        usd("3.00"),
        usd("12.50"),
        usd("9.50"),
    )
    # nw-yoga is on Free without a price: resold at cost, $0.
    assert (totals.cost, totals.price, totals.margin) == (usd("3.00"), usd("12.50"), usd("9.50"))
    assert AuditEvent.objects.filter(action="agency.price_set", actor=owner_a).exists()


@pytest.mark.parametrize(
    "feature,base,code",
    [
        ("12.50", 0, AgencyErrorCode.PRICE_INVALID),
        ("-1", 0, AgencyErrorCode.PRICE_INVALID),
        ("", 0, AgencyErrorCode.PRICE_INVALID),
        (1.5, 0, AgencyErrorCode.PRICE_INVALID),
        (250, "abc", AgencyErrorCode.PRICE_INVALID),
        (10**12, 0, AgencyErrorCode.PRICE_INVALID),
        (99, 0, AgencyErrorCode.PRICE_BELOW_COST),
    ],
)
def test_bad_prices_are_refused_and_nothing_is_saved(owner_a, agency_a, feature, base, code):
    with pytest.raises(AgencyPricingError) as error:
        agency_price_set(
            agency=agency_a,
            plan_code="professional",
            feature_price_minor=feature,
            base_price_minor=base,
            actor=owner_a,
        )

    assert error.value.code == code
    assert error.value.fields
    assert not AgencyPrice.objects.filter(agency=agency_a).exists()


def test_an_unknown_plan_is_refused(owner_a, agency_a):
    with pytest.raises(AgencyPricingError):
        agency_price_set(
            agency=agency_a, plan_code="platinum", feature_price_minor=500, actor=owner_a
        )


@pytest.mark.parametrize("who", ["admin_a", "staff_a", "owner_b"])
def test_only_the_agencys_owners_set_prices(request, agency_a, who):
    from config.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        agency_price_set(
            agency=agency_a,
            plan_code="professional",
            feature_price_minor=500,
            actor=request.getfixturevalue(who),
        )


def test_a_below_cost_price_shows_a_clear_error_on_the_page(owner_a, agency_a):
    response = signed_in(owner_a).post(
        "/dashboard/pricing/",
        {"plan_code": "enterprise", "feature_price_monthly_minor": "120"},
        HTTP_HOST=HOST_A,
    )

    assert response.status_code == 400
    assert "must be at least $1.50" in response.content.decode()
    assert not AgencyPrice.objects.filter(agency=agency_a).exists()


def test_the_pricing_page_previews_cost_price_and_margin(owner_a, agency_a):
    agency_price_set(
        agency=agency_a, plan_code="enterprise", feature_price_minor=300, actor=owner_a
    )

    html = signed_in(owner_a).get("/dashboard/pricing/", HTTP_HOST=HOST_A).content.decode()

    assert "cost $7.50, price $15.00, margin $7.50" in html


def test_deleting_a_price_resells_at_cost(owner_a, agency_a):
    agency_price_set(
        agency=agency_a, plan_code="enterprise", feature_price_minor=300, actor=owner_a
    )

    agency_price_delete(agency=agency_a, plan_code="enterprise", actor=owner_a)

    assert not AgencyPrice.objects.filter(agency=agency_a).exists()
