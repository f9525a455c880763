"""An agency's money, as pure arithmetic over `config.money.Money` (no queries here).

- The agency's **cost** for a client (what the platform bills the agency, wholesale) is
  the platform's current monthly per-feature price of the client's plan times the
  client's enabled features. A free plan costs nothing.
- The agency's **price** to the client is its own `AgencyPrice` for that plan:
  per-feature price times features, plus a flat monthly base. Without an AgencyPrice the
  agency resells at cost (price = cost, margin 0).
- The **margin** is price - cost.

Every amount of one agency shares one currency: mixing the platform's currency with
another in any sum is refused (`AgencyPricingError`), never converted.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from config.money import Money
from tenants.agency_errors import AgencyErrorCode, AgencyPricingError


@dataclass(frozen=True)
class AgencyPriceTerms:
    """An AgencyPrice row as money: what the agency charges per feature and as a base."""

    feature_price: Money
    base_price: Money

    @classmethod
    def from_minor_units(
        cls, *, feature_price_minor: int, base_price_minor: int, currency: str
    ) -> "AgencyPriceTerms":
        return cls(
            feature_price=Money.from_minor_units(feature_price_minor, currency),
            base_price=Money.from_minor_units(base_price_minor, currency),
        )


@dataclass(frozen=True)
class ClientPricing:
    """One client's monthly cost to the agency, price to the client, and margin."""

    features: int
    cost: Money
    price: Money
    margin: Money
    # False when the agency has no price for the client's plan (resold at cost).
    agency_priced: bool


@dataclass(frozen=True)
class PricingTotals:
    clients: int
    cost: Money
    price: Money
    margin: Money


def _same_currency(*amounts: Money) -> None:
    currencies = {amount.currency for amount in amounts}
    if len(currencies) > 1:
        raise AgencyPricingError(
            "Prices in different currencies cannot be combined: "
            f"{', '.join(sorted(c.upper() for c in currencies))}. Set the agency's prices in "
            "the platform's currency.",
            code=AgencyErrorCode.CURRENCY_MISMATCH,
        )


def _features(features: int) -> int:
    if not isinstance(features, int) or isinstance(features, bool) or features < 0:
        raise AgencyPricingError("A feature count is a whole number of zero or more.")
    return features


def wholesale_cost(*, per_feature: Money, features: int) -> Money:
    """What the platform charges the agency for a client per month."""
    return per_feature * _features(features)


def agency_price(*, terms: AgencyPriceTerms, features: int) -> Money:
    """What the agency charges its client per month."""
    _same_currency(terms.feature_price, terms.base_price)
    return terms.feature_price * _features(features) + terms.base_price


def client_pricing(
    *, per_feature: Money, features: int, terms: AgencyPriceTerms | None
) -> ClientPricing:
    """Cost, price and margin of one client. `per_feature` is the platform's monthly
    per-feature price of the client's plan; `terms` the agency's price for that plan."""
    cost = wholesale_cost(per_feature=per_feature, features=features)
    if terms is None:
        return ClientPricing(
            features=features,
            cost=cost,
            price=cost,
            margin=Money.zero(cost.currency),
            agency_priced=False,
        )
    _same_currency(per_feature, terms.feature_price, terms.base_price)
    price = agency_price(terms=terms, features=features)
    return ClientPricing(
        features=features, cost=cost, price=price, margin=price - cost, agency_priced=True
    )


def pricing_totals(rows: Iterable[ClientPricing], *, currency: str) -> PricingTotals:
    """The sums over an agency's clients (zero in `currency` when it has none)."""
    rows = list(rows)
    zero = Money.zero(currency)
    _same_currency(zero, *(row.cost for row in rows), *(row.price for row in rows))
    cost, price = zero, zero
    for row in rows:
        cost += row.cost
        price += row.price
    return PricingTotals(clients=len(rows), cost=cost, price=price, margin=price - cost)


def price_floor_problem(*, terms: AgencyPriceTerms, wholesale_per_feature: Money) -> str | None:
    """Why an agency's per-feature price cannot be accepted for a plan, or None: it is
    never below what the platform charges the agency for one feature (a client must not
    cost the agency more than it pays)."""
    if terms.feature_price.currency != wholesale_per_feature.currency:
        return (
            f"Use {wholesale_per_feature.currency.upper()}, the currency the platform bills you in."
        )
    if terms.feature_price < wholesale_per_feature:
        return (
            f"The price per feature must be at least {wholesale_per_feature}, what the "
            "platform charges you for it."
        )
    return None
