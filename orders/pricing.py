"""Discounts by customer tier: one table, used in Python and in SQL alike."""

from decimal import Decimal

from django.db.models import Case, DecimalField, Value, When

from backoffice.money import ZERO, round_money
from orders.choices import CustomerTier

RATE_FIELD = DecimalField(max_digits=5, decimal_places=4)

TIER_DISCOUNT_RATES = {
    CustomerTier.REGULAR: ZERO,
    CustomerTier.SILVER: Decimal("0.05"),
    CustomerTier.GOLD: Decimal("0.10"),
    CustomerTier.VIP: Decimal("0.15"),
}


def discount_rate_for(tier):
    return TIER_DISCOUNT_RATES.get(tier, ZERO)


def discount_rate_expression(tier_field="tier"):
    """``CASE tier WHEN 'silver' THEN 0.05 ... END`` built from the table above."""
    return Case(
        *[When(**{tier_field: tier}, then=Value(rate)) for tier, rate in TIER_DISCOUNT_RATES.items()],
        default=Value(ZERO),
        output_field=RATE_FIELD,
    )


def apply_discount(subtotal, rate):
    """The total the customer pays: subtotal less the rate, rounded to cents."""
    return round_money(Decimal(subtotal) * (Decimal(1) - Decimal(rate)))


def order_totals(lines, rate):
    """``(subtotal, total, line_count)`` of ``[(quantity, unit_price)]`` at ``rate``.

    What ``OrderQuerySet.with_totals()`` computes in SQL (``ROUND(subtotal * (1 - rate), 2)``),
    in Python: the figures an order stores when it is placed (``Order.placed_subtotal`` ...).
    """
    lines = list(lines)
    subtotal = sum((quantity * Decimal(unit_price) for quantity, unit_price in lines), ZERO)
    return round_money(subtotal), apply_discount(subtotal, rate), len(lines)
