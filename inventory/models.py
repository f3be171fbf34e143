from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from backoffice import money
from backoffice.changesets.models import ChangeSetLinked
from backoffice.models import TimeStampedModel
from backoffice.validators import normalize_sku, validate_sku
from inventory.choices import MovementReason, ProductStatus
from inventory.querysets import CategoryQuerySet, ProductQuerySet, StockMovementQuerySet

MONEY = money.PRICE
NON_NEGATIVE = [MinValueValidator(0)]

# Written only by inventory.services (stock changes), never by a whole-row save.
SERVICE_FIELDS = frozenset({"stock", "units_sold"})

BACKORDERS_OUTSTANDING = _(
    "This product has %(count)d unit(s) on backorder (stock %(stock)d). Restock it before turning backorders off."
)


def may_hold_stock(stock, allow_backorder):
    """The backorder rule: stock below zero only on a product that takes backorders.

    The one Python copy of the ``product_stock_gte_0`` constraint: the form (``Product.clean``),
    the stock services (``inventory.services``) and the product import all ask it.
    """
    return stock >= 0 or allow_backorder


def backorders_outstanding(stock, allow_backorder):
    """The refusal (``BACKORDERS_OUTSTANDING``) of a product left below zero without backorders, or ``""``."""
    if may_hold_stock(stock, allow_backorder):
        return ""
    return BACKORDERS_OUTSTANDING % {"count": -stock, "stock": stock}


def published_at_for(status, published_at, now):
    """A product's ``published_at`` once it is in ``status``: set the first time it is published, then kept.

    The bulk status services and the product import use it; the status services' PostgreSQL
    statement writes the same rule as ``COALESCE(published_at, now)`` (their tests run both).
    """
    if status == ProductStatus.PUBLISHED and published_at is None:
        return now
    return published_at


class Category(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    default_price = models.DecimalField(
        _("default price"),
        **MONEY,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Price of this category's products that have no price of their own."),
    )

    history = HistoricalRecords(bases=[ChangeSetLinked])
    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        permissions = [("import_category", "Can import categories"), ("export_category", "Can export categories")]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_price__isnull=True) | Q(default_price__gte=0),
                name="category_default_price_gte_0",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:140]
        super().save(*args, **kwargs)

    save.alters_data = True

    @property
    def path(self):
        """``Clothing > Tshirts``: the names from the root down."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " > ".join(reversed(names))


class Tag(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    history = HistoricalRecords(bases=[ChangeSetLinked])

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        permissions = [("import_tag", "Can import tags"), ("export_tag", "Can export tags")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:100]
        super().save(*args, **kwargs)

    save.alters_data = True


class Product(TimeStampedModel):
    Status = ProductStatus

    sku = models.CharField(
        _("SKU"), max_length=32, unique=True, validators=[validate_sku], help_text=_("Stored in upper case.")
    )
    name = models.CharField(_("name"), max_length=200)
    # Never looked up: no index (each one costs every import and bulk write).
    slug = models.SlugField(_("slug"), max_length=220, blank=True, db_index=False)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="products")
    price = models.DecimalField(
        _("price"),
        **MONEY,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Leave empty to use the category's default price."),
    )
    cost = models.DecimalField(_("cost"), **MONEY, default=0, validators=NON_NEGATIVE)
    stock = models.IntegerField(_("stock"), default=0, help_text=_("Changed only through stock adjustments."))
    allow_backorder = models.BooleanField(
        _("allow backorder"), default=False, help_text=_("Accept orders when nothing is in stock.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )  # indexed first in product_status_category_idx
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Units on lines of orders that count as sales (REVENUE_STATUSES): a counter kept by
    # inventory.services.apply_stock_changes in the same UPDATE as the stock, so lists need not sum
    # ~50 order lines per product. db_default: rows written by COPY without the column start at 0.
    # orders.recount.recount_units_sold() recomputes it from the lines (after a bulk load).
    units_sold = models.PositiveIntegerField(_("units sold"), default=0, db_default=0, editable=False)

    # History is read by product and date only; copying every index of the product table onto it
    # would make each import and bulk change maintain them for nothing. units_sold is not history:
    # it follows the orders, so a revert must not restore it and a diff must not show it.
    history = HistoricalRecords(
        bases=[ChangeSetLinked],
        m2m_fields=[tags],
        excluded_fields=["units_sold"],
        no_db_index=["name", "slug", "status", "created_at", "updated_at", "category"],
    )
    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [
            ("import_product", "Can import products"),
            ("export_product", "Can export products"),
            ("adjust_stock_product", "Can adjust the stock of products"),
        ]
        constraints = [
            # Backordered units are negative stock; without backorders stock never drops below zero.
            models.CheckConstraint(condition=Q(stock__gte=0) | Q(allow_backorder=True), name="product_stock_gte_0"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gte=0), name="product_price_gte_0"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="product_cost_gte_0"),
        ]
        indexes = [
            # A plain b-tree for sorting by name; search uses the trigram indexes (PostgreSQL).
            models.Index(fields=["name"], name="product_name_idx"),
            models.Index(fields=["status", "category"], name="product_status_category_idx"),
            models.Index(fields=["stock"], name="product_stock_idx"),
            # No index on price: lists, filters and the API sort and filter on the effective price
            # (own, else category, else site default), which no index on price can serve.
        ]

    def __str__(self):
        return f"{self.name} ({self.sku})"

    def clean(self):
        self.sku = normalize_sku(self.sku)
        refusal = backorders_outstanding(self.stock, self.allow_backorder) if self.stock is not None else ""
        if refusal:
            raise ValidationError({"allow_backorder": refusal})

    def save(self, *args, **kwargs):
        self.sku = normalize_sku(self.sku)
        if not self.slug:
            self.slug = slugify(self.name)[:220]
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            self._keep_service_fields(kwargs)
        super().save(*args, **kwargs)

    save.alters_data = True

    def _keep_service_fields(self, kwargs):
        """A whole-row save of a stored product writes everything but stock and units sold.

        Those two are written only by the stock services, under the product's lock. A whole-row
        save (admin form, API PUT, history revert) would write back the values it read earlier:
        a sale in between would be lost, and a revert would restore an old stock with no movement
        for it. The instance takes the stored values, so its history row shows what is stored.
        """
        stored = type(self)._base_manager.filter(pk=self.pk).values(*SERVICE_FIELDS).first()
        if stored is None:
            return  # not stored (any more): a plain save inserts it
        for name, value in stored.items():
            setattr(self, name, value)
        kwargs["update_fields"] = [
            f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in SERVICE_FIELDS
        ]


class StockMovement(models.Model):
    """One change of a product's stock. The sum of a product's movements is its stock."""

    Reason = MovementReason

    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="stock_movements",
        db_index=False,  # movement_product_time_idx starts with the product
    )
    delta = models.IntegerField(_("change"))
    stock_after = models.IntegerField(_("stock after"))
    reason = models.CharField(_("reason"), max_length=16, choices=MovementReason.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        permissions = [("export_stockmovement", "Can export stock movements")]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="stockmovement_delta_not_0")]
        indexes = [models.Index(fields=["product", "-created_at"], name="movement_product_time_idx")]

    def __str__(self):
        return f"{self.product.sku} {self.delta:+d} ({self.get_reason_display()})"
