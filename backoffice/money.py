"""Money: one precision, one rounding rule, one zero and the shop's currency, for every amount.

Prices (a product's price and cost, a category's default, an order line's unit price) have
``PRICE`` digits; sums of prices (order totals, a customer's lifetime value) have ``TOTAL``
digits. Both keep cents; amounts are rounded half away from zero (``round_money``), in Python as
``ROUND(x, 2)`` does in SQL.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models

DECIMAL_PLACES = 2
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Keyword arguments of a DecimalField (model, form, serializer, filter) holding an amount.
PRICE = {"max_digits": 12, "decimal_places": DECIMAL_PLACES}
TOTAL = {"max_digits": 14, "decimal_places": DECIMAL_PLACES}
# The largest price a field of PRICE digits holds.
MAX_PRICE = Decimal(10) ** (PRICE["max_digits"] - DECIMAL_PLACES) - CENT
# ``output_field`` of query expressions computing a price or a total.
PRICE_FIELD = models.DecimalField(**PRICE)
TOTAL_FIELD = models.DecimalField(**TOTAL)


def round_money(amount):
    """``amount`` to whole cents, halves away from zero (2.345 -> 2.35)."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def has_cents_only(amount):
    """True when ``amount`` has no digits below the cent."""
    return amount == amount.quantize(CENT)


def currency():
    """The shop's ISO 4217 currency code (``SHOP_CURRENCY``, default EUR)."""
    return settings.SHOP_CURRENCY
