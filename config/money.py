"""The one money type. Amounts are Decimal with a currency; integer minor units only
at the Stripe boundary (`to_minor_units` / `from_minor_units`)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2
# ISO 4217 currencies whose minor unit is not a hundredth (Stripe's list of
# zero-decimal currencies); everything else uses cents.
ZERO_DECIMAL_CURRENCIES = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)


@dataclass(frozen=True, order=True)
class Money:
    amount: Decimal
    currency: str = "usd"

    def __post_init__(self):
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money amounts are Decimal, never float.")
        object.__setattr__(self, "currency", self.currency.lower())
        object.__setattr__(
            self, "amount", self.amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        )

    def __add__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> "Money":
        if isinstance(factor, float):
            raise TypeError("Multiply money by int or Decimal, never float.")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def _same_currency(self, other: "Money") -> None:
        if self.currency != other.currency:
            raise ValueError(f"Cannot mix {self.currency} and {other.currency}.")

    @classmethod
    def zero(cls, currency: str = "usd") -> "Money":
        return cls(Decimal("0"), currency)

    def to_minor_units(self) -> int:
        """Stripe's integer amount (cents, or units for zero-decimal currencies)."""
        if self.currency in ZERO_DECIMAL_CURRENCIES:
            return int(self.amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        return int((self.amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    @classmethod
    def from_minor_units(cls, value: int, currency: str) -> "Money":
        currency = currency.lower()
        if currency in ZERO_DECIMAL_CURRENCIES:
            return cls(Decimal(value), currency)
        return cls(Decimal(value) / 100, currency)

    def __str__(self) -> str:
        symbol = {"usd": "$", "eur": "€", "gbp": "£"}.get(self.currency)
        return (
            f"{symbol}{self.amount:,.2f}"
            if symbol
            else f"{self.amount:,.2f} {self.currency.upper()}"
        )
