"""Query building for the catalogue: adjectives you chain, each one annotation or filter."""

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, CharField, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import In

from backoffice import money
from inventory.choices import ProductStatus

MONEY_FIELD = money.PRICE_FIELD
# Availability: something in stock, or backorders taken (an order can take the product either way).
IN_STOCK = Q(stock__gt=0)
TAKES_BACKORDERS = Q(allow_backorder=True)


class PriceSource(models.TextChoices):
    OWN = "own", "own price"
    CATEGORY = "category", "category default"
    SITE = "site", "site default"


def _lines_of_product(model, product):
    """Order lines of ``product``, through the reverse relation the order line declares (``order_lines``).

    The orders app builds on the catalogue, not the other way round: inventory reaches the lines
    only through the relation Django gives the product model, never by importing orders.
    """
    relation = model.order_lines.field
    return relation.model._default_manager.filter(**{relation.name: product})


class InSubquery(In):
    """``lhs IN (subquery)``; on PostgreSQL ``lhs = ANY(ARRAY(subquery))``.

    For a small set of keys from a union of index scans (the search). Given ``IN (union)``,
    PostgreSQL plans for the union's estimated rows (a tag branch can estimate a tenth of the
    catalogue) and hash-joins it against a scan of the whole table. ``ANY(ARRAY(...))`` is an
    InitPlan run once, then an index scan of the primary key for the keys it returned.
    """

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


class CategoryQuerySet(models.QuerySet):
    def with_product_count(self):
        return self.annotate(product_count=models.Count("products"))


class ProductQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ProductStatus.PUBLISHED)

    def available(self):
        """Products an order can take now: something in stock, or backorders allowed."""
        return self.filter(IN_STOCK | TAKES_BACKORDERS)

    def in_stock(self):
        return self.filter(IN_STOCK)

    def backorder_only(self):
        """Available only because backorders are taken: nothing in stock."""
        return self.available().exclude(IN_STOCK)

    def unavailable(self):
        """What ``available()`` leaves out: nothing in stock and no backorders."""
        return self.exclude(IN_STOCK | TAKES_BACKORDERS)

    def low_stock(self, threshold=None):
        """Products still for sale whose stock is at or below the threshold (setting by default)."""
        if threshold is None:
            threshold = settings.LOW_STOCK_THRESHOLD
        return self.exclude(status=ProductStatus.ARCHIVED).filter(stock__lte=threshold)

    def with_effective_price(self):
        """``effective_price``: own price, else the category's default, else the site default.

        ``price_source`` says which of the three it was (own / category / site).
        """
        return self.annotate(
            effective_price=Coalesce(
                "price",
                "category__default_price",
                Value(settings.DEFAULT_PRODUCT_PRICE),
                output_field=MONEY_FIELD,
            ),
            price_source=Case(
                When(price__isnull=False, then=Value(PriceSource.OWN)),
                When(category__default_price__isnull=False, then=Value(PriceSource.CATEGORY)),
                default=Value(PriceSource.SITE),
                output_field=CharField(),
            ),
        )

    def with_has_orders(self):
        """``has_orders``: the product is on a line of any order (such products cannot be deleted).

        A product with units sold is on a line; only the others need the look-up among the order
        lines (drafts, cancelled and refunded orders), which CASE evaluates for them alone.
        """
        on_a_line = Exists(_lines_of_product(self.model, OuterRef("pk")))
        return self.annotate(
            has_orders=Case(When(units_sold__gt=0, then=Value(True)), default=on_a_line, output_field=BooleanField())
        )

    def search(self, text):
        """Products whose SKU, name or one of whose tag names contains the text.

        A union of three lookups, each of which can use its own trigram index on PostgreSQL: the
        same three OR-ed together with a tag EXISTS made the planner scan every product
        (bench/RESULTS.md, search). On PostgreSQL the union is read once into an array and the
        products fetched by primary key (``InSubquery``).
        """
        text = (text or "").strip()
        if not text:
            return self
        # No ordering anywhere in the union (a lookup built by hand does not clear the default one).
        products = self.model._default_manager.order_by()
        matches = (
            products.filter(sku__icontains=text)
            .values("pk")
            .union(
                products.filter(name__icontains=text).values("pk"),
                self.model.tags.through.objects.filter(tag__name__icontains=text).order_by().values("product_id"),
            )
            .order_by()
        )
        return self.filter(InSubquery(F("pk"), matches))

    def with_available(self):
        """``available``: the product is one ``available()`` returns (in stock or taking backorders)."""
        return self.annotate(available=Exists(self.model._default_manager.available().filter(pk=OuterRef("pk"))))


class StockMovementQuerySet(models.QuerySet):
    def total_for(self, product):
        return self.filter(product=product).aggregate(total=Coalesce(Sum("delta"), 0))["total"]
