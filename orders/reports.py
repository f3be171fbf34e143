"""Shop-wide figures the dashboard shows; each one is a single aggregate query."""

from decimal import Decimal

from django.db.models import Avg, Count, Sum
from django.db.models.functions import Coalesce, TruncDate

from backoffice.money import round_money
from orders.choices import OrderStatus
from orders.models import Order
from orders.querysets import MONEY_FIELD, ZERO


def _revenue_orders(start, end):
    return Order.objects.revenue().placed_between(start, end).with_totals()


def revenue_between(start, end):
    """Sum of the totals of orders placed in [start, end) that count as revenue."""
    total = _revenue_orders(start, end).aggregate(v=Coalesce(Sum("total"), ZERO, output_field=MONEY_FIELD))["v"]
    return round_money(total)


def average_order_value(start, end):
    """Mean total of revenue orders placed in [start, end); 0.00 when there are none."""
    value = _revenue_orders(start, end).aggregate(v=Avg("total", output_field=MONEY_FIELD))["v"]
    return round_money(value or Decimal("0"))


def orders_by_status(start=None, end=None):
    """``{status: count}`` for every status, zeros included, in lifecycle order."""
    orders = Order.objects.all()
    if start is not None and end is not None:
        orders = orders.placed_between(start, end)
    counts = dict(orders.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in OrderStatus.values}


def daily_revenue(start, end):
    """``{date: (revenue, order count)}`` for each day in [start, end) that had revenue (one query).

    The revenue is the unrounded sum of the day's order totals, so that sums over several days
    can be rounded once, as ``revenue_between`` rounds (the dashboard adds the days up).
    """
    rows = (
        _revenue_orders(start, end)
        .annotate(day=TruncDate("placed_at"))
        .order_by()
        .values("day")
        .annotate(v=Sum("total"), n=Count("pk"))
    )
    return {row["day"]: (Decimal(row["v"] or 0), row["n"]) for row in rows}


def revenue_by_day(start, end):
    """``[(date, revenue)]`` for each day in [start, end) that had revenue."""
    return [(day, round_money(revenue)) for day, (revenue, _n) in sorted(daily_revenue(start, end).items())]
