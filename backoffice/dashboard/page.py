"""The admin's start page: KPIs, a revenue chart and short lists (UNFOLD["DASHBOARD_CALLBACK"]).

Every figure comes from an aggregate or a short, limited query in the database: the page makes
the same number of queries whatever the number of orders. Periods are whole local days ending
today: "7 days" is today and the six days before, compared with the seven days before those.

The revenue figures (three periods and their previous periods, the average order value and the
chart) all come from one query: revenue and order count per day over the last 60 days
(``daily_revenue``), added up here in Python. Sums are rounded once, at the end, as
``orders.reports`` does, so each figure equals its ``reports`` counterpart to the cent.
"""

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.money import ZERO, round_money
from inventory.models import Product
from orders import reports
from orders.choices import STATUS_LABELS, OrderStatus
from orders.models import Customer, Order, OrderLine

PERIODS = [(1, _("Revenue today")), (7, _("Revenue, last 7 days")), (30, _("Revenue, last 30 days"))]
CHART_DAYS = 30
# The longest comparison needs this many days: the last 30 and the 30 before them.
DAILY_DAYS = max(2 * max(days for days, _title in PERIODS), CHART_DAYS)
TOP_PRODUCTS = 10
LATEST_ORDERS = 10
LOW_STOCK_ROWS = 10


@dataclass
class Kpi:
    title: str
    value: str
    link: str
    change: Decimal | None = None  # percent against the previous period; None when that was zero
    footer: str = ""

    @property
    def change_text(self):
        if self.change is None:
            return ""
        return f"{self.change:+.1f}%"


def day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def percent_change(current, previous):
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(Decimal("0.1"))


def _changelist(name, **params):
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _period(today, days):
    """([start, end) of the last ``days`` days ending today, [start, end) of the days before)."""
    end = day_start(today + timedelta(days=1))
    start = day_start(today - timedelta(days=days - 1))
    previous_start = day_start(today - timedelta(days=2 * days - 1))
    return (start, end), (previous_start, start)


@dataclass
class Day:
    revenue: Decimal = Decimal("0")  # unrounded sum of the day's order totals
    orders: int = 0


def daily_revenue(today):
    """``{date: Day}`` for the ``DAILY_DAYS`` days ending today that had revenue (one query)."""
    start = day_start(today - timedelta(days=DAILY_DAYS - 1))
    end = day_start(today + timedelta(days=1))
    return {
        day: Day(revenue=revenue, orders=orders) for day, (revenue, orders) in reports.daily_revenue(start, end).items()
    }


def _days_total(by_day, last_day, days):
    """(unrounded revenue, order count) of the ``days`` days ending with ``last_day``."""
    revenue, orders = Decimal("0"), 0
    for offset in range(days):
        day = by_day.get(last_day - timedelta(days=offset))
        if day is not None:
            revenue += day.revenue
            orders += day.orders
    return revenue, orders


def revenue_kpis(today, by_day):
    kpis = []
    for days, title in PERIODS:
        current = round_money(_days_total(by_day, today, days)[0])
        previous = round_money(_days_total(by_day, today - timedelta(days=days), days)[0])
        first_day = today - timedelta(days=days - 1)
        link = _changelist(
            "orders_order", revenue="yes", placed_at_from=first_day.isoformat(), placed_at_to=today.isoformat()
        )
        kpis.append(
            Kpi(
                title=str(title),
                value=f"{current:,.2f}",
                link=link,
                change=percent_change(current, previous),
                footer=str(_("previous period: %(value)s") % {"value": f"{previous:,.2f}"}),
            )
        )
    return kpis


def other_kpis(today, by_day):
    (start, end), _previous = _period(today, 30)
    first_day = (today - timedelta(days=29)).isoformat()
    revenue, orders = _days_total(by_day, today, 30)
    average = round_money(revenue / orders if orders else Decimal("0"))
    new_customers = Customer.objects.shoppers().joined_between(start, end).count()
    return [
        Kpi(
            title=str(_("Average order value, last 30 days")),
            value=f"{average:,.2f}",
            link=_changelist("orders_order", revenue="yes", placed_at_from=first_day, placed_at_to=today.isoformat()),
        ),
        Kpi(
            title=str(_("New customers, last 30 days")),
            value=str(new_customers),
            link=_changelist("orders_customer", created_at_from=first_day, created_at_to=today.isoformat()),
        ),
    ]


def status_counts():
    labels = dict(OrderStatus.choices)
    return [
        {
            "status": status,
            "label": labels[status],
            "count": count,
            "link": _changelist("orders_order", status__exact=status),
        }
        for status, count in reports.orders_by_status().items()
    ]


def revenue_chart(today, by_day):
    days = [today - timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]
    values = [round_money(by_day[day].revenue) if day in by_day else ZERO for day in days]
    data = {
        "labels": [day.strftime("%d %b") for day in days],
        "datasets": [{"label": str(_("Revenue")), "data": [float(v) for v in values]}],
    }
    return json.dumps(data), list(zip(days, values))


def top_products(today):
    """The products with most units on revenue orders placed in the last 30 days."""
    (start, end), _previous = _period(today, 30)
    rows = (
        OrderLine.objects.filter(order__in=Order.objects.revenue().placed_between(start, end))
        .values("product_id", "product__sku", "product__name")
        .annotate(units=Sum("quantity"))
        .order_by("-units", "product__name")[:TOP_PRODUCTS]
    )
    return [
        {
            "sku": row["product__sku"],
            "name": row["product__name"],
            "units": row["units"],
            "link": reverse("admin:inventory_product_change", args=[row["product_id"]]),
        }
        for row in rows
    ]


def low_stock_products():
    products = Product.objects.low_stock().select_related("category").order_by("stock", "name", "pk")
    return [
        {
            "sku": p.sku,
            "name": p.name,
            "stock": p.stock,
            "link": reverse("admin:inventory_product_change", args=[p.pk]),
        }
        for p in products[:LOW_STOCK_ROWS]
    ]


def latest_orders():
    orders = (
        Order.objects.exclude(placed_at=None)
        .with_totals()
        .select_related("customer")
        .order_by("-placed_at", "-pk")[:LATEST_ORDERS]
    )
    return [
        {
            "number": o.number,
            "customer": o.customer.full_name or o.customer.email,
            "status": o.status,
            "status_label": o.get_status_display(),
            "status_type": STATUS_LABELS.get(o.status, "default"),
            "placed_at": o.placed_at,
            "total": f"{round_money(o.total):,.2f}",
            "link": reverse("admin:orders_order_change", args=[o.pk]),
        }
        for o in orders
    ]


def dashboard_figures(request, today=None):
    """Everything the dashboard shows, as plain data (the tests read it directly)."""
    today = today or timezone.localdate()
    user = request.user
    figures = {"today": today}
    if user.has_perm("orders.view_order"):
        by_day = daily_revenue(today)
        chart_json, chart_rows = revenue_chart(today, by_day)
        figures.update(
            revenue_kpis=revenue_kpis(today, by_day),
            other_kpis=other_kpis(today, by_day),
            status_counts=status_counts(),
            chart_json=chart_json,
            chart_rows=chart_rows,
            latest_orders=latest_orders(),
            top_products=top_products(today),
        )
    if user.has_perm("inventory.view_product"):
        figures["low_stock"] = low_stock_products()
        figures["low_stock_link"] = _changelist("inventory_product", availability="low")
    return figures


def dashboard_callback(request, context):
    context.update(dashboard_figures(request))
    return context
