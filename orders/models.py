from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from backoffice import money
from backoffice.changesets.models import ChangeSetLinked
from backoffice.models import TimeStampedModel
from orders.choices import ALLOWED_TRANSITIONS, CustomerTier, OrderStatus
from orders.customer_models import ADDRESS_FIELDS, Address, CustomerNote, TierRule
from orders.indexes import NullsLastIndex
from orders.pricing import RATE_FIELD
from orders.querysets import CustomerQuerySet, OrderLineQuerySet, OrderQuerySet

__all__ = ["Address", "Customer", "CustomerNote", "Order", "OrderLine", "OrderNumber", "TierRule"]

MONEY, TOTAL = money.PRICE, money.TOTAL
# Customer's order figures, kept by orders.services (see Customer).
ORDER_STATS_FIELDS = ["order_count", "lifetime_value", "last_order_at", "last_order_number"]
EMAIL_TAKEN = _(
    "A customer with this email already exists (emails are compared without regard to case). "
    "Open that customer instead, or use another email."
)


class Customer(TimeStampedModel):
    Tier = CustomerTier

    # A profile beside Django's User: most customers never log in to the back office.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    email = models.EmailField(
        _("email"), max_length=254, unique=True, null=True, error_messages={"unique": EMAIL_TAKEN}
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    tier = models.CharField(
        _("tier"), max_length=16, choices=CustomerTier.choices, default=CustomerTier.REGULAR, db_index=True
    )
    # Pinned: tier rules never move this customer (orders.tiers); the tier is set by hand only.
    tier_pinned = models.BooleanField(
        _("tier pinned"), default=False, db_default=False, help_text=_("Tier rules never move a pinned customer.")
    )
    notes = models.TextField(_("notes"), blank=True)
    # One default of each kind at most, by construction; set through orders.customers.
    default_shipping_address = models.ForeignKey(
        "orders.Address",
        verbose_name=_("default shipping address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_billing_address = models.ForeignKey(
        "orders.Address",
        verbose_name=_("default billing address"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept by orders.services only (placement, draft -> placed, cancel/refund), in the order's
    # transaction: lists sort and filter on them instead of counting each customer's orders.
    # orders.recount.recount_customer_stats() recomputes them from the orders (bulk loads);
    # CustomerQuerySet.with_order_stats_from_orders() is the same figures computed.
    # Placed orders: every order that is not a draft (cancelled and refunded ones included).
    order_count = models.PositiveIntegerField(_("orders"), default=0, db_default=0, editable=False)
    # Sum of Order.placed_total over orders in REVENUE_STATUSES.
    lifetime_value = models.DecimalField(
        _("lifetime value"), **TOTAL, default=money.ZERO, db_default=money.ZERO, editable=False
    )
    # The newest placed order (placed_at, then number, descending).
    last_order_at = models.DateTimeField(_("last order at"), null=True, blank=True, editable=False)
    last_order_number = models.CharField(_("last order"), max_length=32, blank=True, null=True, editable=False)

    # The order figures are no part of a customer's history: a revert never restores them.
    history = HistoricalRecords(bases=[ChangeSetLinked], excluded_fields=ORDER_STATS_FIELDS)
    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("import_customer", "Can import customers"), ("export_customer", "Can export customers")]
        constraints = [
            # One customer per email whatever its case, for every write path. PostgreSQL and SQLite
            # hold it as a unique index on LOWER(email); MariaDB has no index on expressions, and
            # needs none: its case-insensitive collation makes the plain unique index on email
            # compare without case already (orders/tests/test_customer_email.py checks all three).
            models.UniqueConstraint(
                Lower("email"), name="customer_email_ci_unique", violation_error_message=EMAIL_TAKEN
            ),
        ]
        indexes = [
            # The customer list's sortable columns and its filters: has orders / never ordered
            # (order_count), ordered within (last_order_at). One column each: the "-pk" the admin
            # adds to an ordering is an incremental sort of ties; with the id in them the planner
            # took these indexes for id lookups on small tables (orders/tests/admin/test_search_indexes).
            models.Index(fields=["lifetime_value"], name="customer_lifetime_value_idx"),
            models.Index(fields=["order_count"], name="customer_order_count_idx"),
            models.Index(fields=["last_order_at"], name="customer_last_order_at_idx"),
        ]

    def save(self, *args, **kwargs):
        """An update never writes the order figures: only the order services do (with F()).

        A form or serializer holds the figures as they were when the row was read; writing them
        back would undo an order placed meanwhile.
        """
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in ORDER_STATS_FIELDS
            ]
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        for field in ("default_shipping_address", "default_billing_address"):
            address = getattr(self, field)
            if address is not None and address.customer_id != self.pk:
                raise ValidationError({field: _("Pick one of this customer's own addresses.")})

    def __str__(self):
        name = self.full_name
        return f"{name} <{self.email}>" if name and self.email else (name or self.email or f"#{self.pk}")

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


class OrderNumber(models.Model):
    """A sequence of order numbers: inserting a row hands out the next number without locking others."""

    class Meta:
        verbose_name = _("order number")

    def __str__(self):
        return f"{self.pk:06d}"


class Order(TimeStampedModel):
    Status = OrderStatus
    # Where the order goes: the admin's "Shipping" section and the API show these, in this order.
    SHIPPING_FIELDS = (
        "shipping_name",
        "shipping_line1",
        "shipping_line2",
        "shipping_city",
        "shipping_postcode",
        "shipping_country",
    )
    BILLING_FIELDS = tuple(f"billing_{field}" for field in ADDRESS_FIELDS)

    number = models.CharField(_("number"), max_length=32, unique=True)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True, db_index=True)
    # The tier's rate when the order was placed: past orders keep their prices.
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=RATE_FIELD.max_digits,
        decimal_places=RATE_FIELD.decimal_places,
        null=True,
        blank=True,
        editable=False,
    )
    # Stored when the order is placed (lines and prices never change after that), so lists and
    # sums read them instead of summing lines: see OrderQuerySet.with_totals(). NULL on drafts.
    placed_subtotal = models.DecimalField(_("subtotal at placement"), **TOTAL, null=True, blank=True, editable=False)
    placed_total = models.DecimalField(_("total at placement"), **TOTAL, null=True, blank=True, editable=False)
    placed_line_count = models.PositiveIntegerField(_("lines at placement"), null=True, blank=True, editable=False)
    shipping_name = models.CharField(_("ship to"), max_length=200, blank=True)
    shipping_line1 = models.CharField(_("address"), max_length=200, blank=True)
    shipping_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    shipping_city = models.CharField(_("city"), max_length=100, blank=True)
    shipping_postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    shipping_country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO code, e.g. DE"))
    # Copies of the customer's addresses when the order was placed (db_default: bulk loaders such as
    # seed_demo's COPY need not name them): a later change of the address
    # book never changes a past order (orders.customers.order_address_fields).
    billing_name = models.CharField(_("bill to"), max_length=200, blank=True, db_default="")
    billing_line1 = models.CharField(_("billing address"), max_length=200, blank=True, db_default="")
    billing_line2 = models.CharField(_("billing address (continued)"), max_length=200, blank=True, db_default="")
    billing_city = models.CharField(_("billing city"), max_length=100, blank=True, db_default="")
    billing_postcode = models.CharField(_("billing postcode"), max_length=20, blank=True, db_default="")
    billing_country = models.CharField(_("billing country"), max_length=2, blank=True, db_default="")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(bases=[ChangeSetLinked])
    objects = OrderQuerySet.as_manager()

    class Meta:
        # Placed orders first, newest first, drafts (no placed_at) last: order_placed_id_idx.
        ordering = [F("placed_at").desc(nulls_last=True), "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [("export_order", "Can export orders")]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_rate__isnull=True) | Q(discount_rate__gte=0, discount_rate__lte=1),
                name="order_discount_rate_0_to_1",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-placed_at"], name="order_status_placed_idx"),
            # A customer's orders, newest first (number breaks ties); on PostgreSQL it covers
            # with_order_stats_from_orders()'s subqueries (count, lifetime value, last order) and
            # recount_customer_stats()'s last-order lookup: index-only scans.
            # Not the pk: with id and number both in it, the planner would read the whole index
            # for an order search on a small table rather than its trigram index.
            models.Index(
                fields=["customer", "-placed_at", "-number"],
                include=["status", "placed_total"],
                name="order_customer_cover_idx",
            ),
            # PostgreSQL: (placed_at DESC NULLS LAST, id DESC), the order list's ORDER BY.
            NullsLastIndex(fields=["-placed_at", "-id"], nulls_last=["placed_at"], name="order_placed_id_idx"),
        ]

    def __str__(self):
        return self.number

    def allowed_transitions(self):
        return ALLOWED_TRANSITIONS.get(self.status, ())

    def can_transition_to(self, status):
        return status in self.allowed_transitions()


class OrderLine(TimeStampedModel):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "inventory.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="order_lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    # The product's effective price at placement, kept when prices change later.
    unit_price = models.DecimalField(_("unit price"), **MONEY, validators=[MinValueValidator(0)])

    history = HistoricalRecords(bases=[ChangeSetLinked])
    objects = OrderLineQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_gte_1"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_unit_price_gte_0"),
            models.UniqueConstraint(fields=["order", "product"], name="orderline_one_line_per_product"),
        ]
        indexes = [
            # Units sold per product without visiting the lines (covering on PostgreSQL only).
            models.Index(fields=["product"], include=["order", "quantity"], name="orderline_product_cover_idx"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.product_id} @ {self.unit_price}"

    @property
    def line_total(self):
        return self.quantity * self.unit_price
