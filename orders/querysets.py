"""Query building for customers and orders."""

from decimal import Decimal

from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils.text import smart_split, unescape_string_literal

from backoffice import money
from orders.choices import REVENUE_STATUSES, OrderStatus
from orders.pricing import RATE_FIELD, discount_rate_expression

MONEY_FIELD = money.TOTAL_FIELD
ZERO = Value(money.ZERO, output_field=MONEY_FIELD)
# What a customer search looks in: the command palette (``containing``) and the customer admin.
CUSTOMER_TEXT_FIELDS = ("email", "first_name", "last_name", "phone")


def _model(name):
    from django.apps import apps

    return apps.get_model("orders", name)


def units_sold_from_lines():
    """A product annotation: units on lines of orders that count as sales (placed to delivered).

    ``Product.objects.annotate(units_sold_from_lines=units_sold_from_lines())``: what the stored
    ``Product.units_sold`` counter must equal, for checks and tests, and the definition
    ``orders.recount.recount_units_sold`` writes. Lists read the counter instead (this is a
    correlated sum over every line of every product shown). Here, not on the product's queryset:
    it knows the order statuses, and the catalogue does not import orders.
    """
    sold = (
        _model("OrderLine")
        .objects.filter(product=OuterRef("pk"), order__status__in=REVENUE_STATUSES)
        .order_by()
        .values("product")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    return Coalesce(Subquery(sold), 0)


class CustomerQuerySet(models.QuerySet):
    def shoppers(self):
        """Customers who are not staff: no user account, or a user who is not staff.

        Staff have a profile, not a customer record (``orders.signals``); one linked to a staff
        user by hand stays out of the customer list and the dashboard's counts all the same.
        """
        return self.filter(Q(user__isnull=True) | Q(user__is_staff=False))

    def containing(self, term):
        """Customers whose e-mail, first or last name or phone contains ``term`` (any case)."""
        query = Q()
        for name in CUSTOMER_TEXT_FIELDS:
            query |= Q(**{f"{name}__icontains": term})
        return self.filter(query)

    def joined_between(self, start, end):
        """Customers created in [start, end)."""
        return self.filter(created_at__gte=start, created_at__lt=end)

    def with_discount_rate(self):
        return self.annotate(discount_rate=discount_rate_expression("tier"))

    def with_order_stats_from_orders(self):
        """``order_count``, ``lifetime_value``, ``last_order_at``, ``last_order_number``, computed.

        The figures the customer row stores (``Customer.order_count`` ...), counted from the
        orders: for tests and checks (stored == computed), and the definition
        ``orders.recount.recount_customer_stats()`` writes. Annotated as ``computed_*`` so they
        do not clash with the fields. Orders count once placed (drafts do not; cancelled and
        refunded ones do); lifetime value sums the totals of orders that count as revenue (placed,
        paid, shipped, delivered), as stored at placement (``Order.placed_total``); the last order
        is the newest placed one (placed_at, then number, descending). Each figure is its own
        correlated subquery; on PostgreSQL each is an index-only scan of ``order_customer_cover_idx``.
        """
        Order = _model("Order")
        placed = Order.objects.filter(customer=OuterRef("pk")).exclude(status=OrderStatus.DRAFT).order_by()
        count = placed.values("customer").annotate(n=Count("*")).values("n")  # COUNT(*): index-only
        value = (
            Order.objects.filter(customer=OuterRef("pk"), status__in=REVENUE_STATUSES)
            .order_by()
            .values("customer")
            .annotate(v=Sum("placed_total"))
            .values("v")
        )
        # Ties of placed_at broken by the (unique) number, which the index holds; the pk it does not.
        last = placed.order_by("-placed_at", "-number")
        return self.annotate(
            computed_order_count=Coalesce(Subquery(count), 0),
            computed_lifetime_value=Coalesce(Subquery(value, output_field=MONEY_FIELD), ZERO),
            computed_last_order_at=Subquery(last.values("placed_at")[:1]),
            computed_last_order_number=Subquery(last.values("number")[:1]),
        )

    def with_has_orders(self):
        """``has_orders``: the customer has placed at least one order (drafts do not count).

        From the stored ``order_count``: no subquery.
        """
        return self.annotate(has_orders=ExpressionWrapper(Q(order_count__gt=0), output_field=BooleanField()))

    def ordered_since(self, since):
        """Customers with an order placed at or after ``since`` (the stored last order's date).

        Only placed orders have a ``placed_at``, so this is "an order placed since", as before.
        """
        return self.filter(last_order_at__gte=since)

    def never_ordered(self):
        return self.filter(order_count=0)

    def have_ordered(self):
        """Customers with at least one placed order (on the stored, indexed ``order_count``)."""
        return self.filter(order_count__gt=0)


class OrderQuerySet(models.QuerySet):
    def with_totals(self):
        """``subtotal``, ``effective_discount_rate``, ``total`` and ``line_count``.

        A placed order stores its figures when it is placed (``placed_subtotal``, ``placed_total``,
        ``placed_line_count``: its lines and prices never change after that); those are returned
        as they are. Only a draft (or a row loaded without them) computes them here: the subtotal
        is a subquery over the lines, so that joins elsewhere never multiply it, and the total is
        rounded as ``orders.pricing.order_totals`` rounds the stored one. ``COALESCE`` evaluates
        the subqueries only when the stored figure is NULL. The rate is the one kept at
        placement; a draft has none yet and shows its customer's tier rate. No join: a placed
        order's figures come from its own row.
        """
        lines = _model("OrderLine").objects.filter(order=OuterRef("pk")).order_by().values("order")
        line_sum = lines.annotate(
            s=Sum(ExpressionWrapper(F("quantity") * F("unit_price"), output_field=MONEY_FIELD))
        ).values("s")
        line_count = lines.annotate(n=Count("pk")).values("n")
        computed_subtotal = Coalesce(Subquery(line_sum, output_field=MONEY_FIELD), ZERO)
        # The customer's tier rate as a subquery, not a join: evaluated only for a draft (COALESCE),
        # so sums over placed orders (dashboard, reports) read the orders table alone.
        tier_rate = (
            _model("Customer")
            .objects.filter(pk=OuterRef("customer_id"))
            .order_by()
            .annotate(rate=discount_rate_expression("tier"))
            .values("rate")
        )
        rate = Coalesce("discount_rate", Subquery(tier_rate, output_field=RATE_FIELD), output_field=RATE_FIELD)
        computed_total = Round(
            ExpressionWrapper(computed_subtotal * (Value(Decimal(1)) - rate), MONEY_FIELD),
            precision=2,
            output_field=MONEY_FIELD,
        )
        return self.annotate(
            subtotal=Coalesce("placed_subtotal", computed_subtotal, output_field=MONEY_FIELD),
            line_count=Coalesce("placed_line_count", Subquery(line_count), 0),
            effective_discount_rate=rate,
            total=Coalesce("placed_total", computed_total, output_field=MONEY_FIELD),
        )

    def placed_between(self, start, end):
        """Orders placed in the half-open interval [start, end)."""
        return self.filter(placed_at__gte=start, placed_at__lt=end)

    def revenue(self):
        return self.filter(status__in=REVENUE_STATUSES)

    def search(self, text):
        """Orders where every word of ``text`` matches the number, or the customer's e-mail or last name.

        Words split on spaces, "quoted phrases" kept whole, as the admin's own search. Per word,
        ``pk IN (number match UNION orders of matching customers)``: each branch can use its trigram
        index on PostgreSQL (orders/migrations/0004), where an OR across the customer join scans every
        order. No join, so no duplicate rows.
        """
        Customer = _model("Customer")
        orders = self
        for word in smart_split(text or ""):
            # As the admin's own search: only a closed quote is a phrase; '"abc' is searched as typed.
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            if not word:
                continue
            customers = Customer.objects.filter(Q(email__icontains=word) | Q(last_name__icontains=word))
            matches = (
                self.model._default_manager.filter(number__icontains=word)
                .values("pk")
                .union(self.model._default_manager.filter(customer__in=customers.values("pk")).values("pk"))
            )
            orders = orders.filter(pk__in=matches)
        return orders


class OrderLineQuerySet(models.QuerySet):
    def with_amount(self):
        """``amount``: quantity x unit price of each line (``line_total`` is the model's property)."""
        return self.annotate(amount=ExpressionWrapper(F("quantity") * F("unit_price"), output_field=MONEY_FIELD))
