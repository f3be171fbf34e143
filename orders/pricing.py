"""Discounts by customer tier: one table, used in Python and in SQL alike."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, DecimalField, Value, When

from orders.choices import CustomerTier

CENT = Decimal("0.01")
RATE_FIELD = DecimalField(max_digits=5, decimal_places=4)

TIER_DISCOUNT_RATES = {
    CustomerTier.REGULAR: Decimal("0.00"),
    CustomerTier.SILVER: Decimal("0.05"),
    CustomerTier.GOLD: Decimal("0.10"),
    CustomerTier.VIP: Decimal("0.15"),
}


def discount_rate_for(tier):
    return TIER_DISCOUNT_RATES.get(tier, Decimal("0.00"))


def discount_rate_expression(tier_field="tier"):
    """``CASE tier WHEN 'silver' THEN 0.05 ... END`` built from the table above."""
    return Case(
        *[When(**{tier_field: tier}, then=Value(rate)) for tier, rate in TIER_DISCOUNT_RATES.items()],
        default=Value(Decimal("0.00")),
        output_field=RATE_FIELD,
    )


def round_money(amount):
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def apply_discount(subtotal, rate):
    """The total the customer pays: subtotal less the rate, rounded to cents."""
    return round_money(Decimal(subtotal) * (Decimal(1) - Decimal(rate)))
