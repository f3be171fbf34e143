"""Synthetic shop data at benchmark scale (``manage.py seed_demo``).

Speed over services: rows are generated in Python from one seeded ``random.Random`` and written in
batches, one transaction per batch; on PostgreSQL with COPY, and into empty order tables in one
transaction that drops their plain indexes and foreign keys and puts them back at the end
(``writers.bulk_load``). What holds, as with real data:

- every order line's ``unit_price`` is its product's effective price (own, else category default,
  else ``DEFAULT_PRODUCT_PRICE``); each placed order keeps its customer's tier rate; one line per
  product per order; drafts have no ``placed_at`` and no rate; statuses follow the order's age;
- each product's stock equals the sum of its movements, and the stock that orders took is accounted
  for: one opening restock and one summed "sale" movement per product (not one per order line,
  which would be millions more rows);
- order numbers continue the sequence, and the sequence is moved past them at the end.

What does not: seeded rows get no history rows (categories and tags it creates do), and stock
movements of cancelled or refunded orders are left out (their stock went out and came back).
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from backoffice.money import CENT
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Category, Product, StockMovement, Tag
from orders.choices import REVENUE_STATUSES, STOCK_HOLDING_STATUSES, OrderStatus
from orders.demo import catalog
from orders.demo.writers import RowWriter, bulk_load
from orders.models import Customer, Order, OrderLine
from orders.pricing import TIER_DISCOUNT_RATES
from orders.recount import recount_customer_stats
from orders.services import sync_order_number_sequence

HISTORY_REASON = "seed_demo"
ONE = Decimal(1)
DAYS = 365
COLOURS = ["black", "white", "navy", "grey", "olive", "sand", "rust", "forest", "cream", "indigo", "red", "mustard"]
SIZES = ["XS", "S", "M", "L", "XL"]
PRICE_POINTS = [6.5, 9.9, 12.5, 14.9, 19.9, 24.9, 29, 34.9, 39, 49, 59, 69, 79, 89, 99, 119, 149, 189]
TIERS = [("regular", 60), ("silver", 25), ("gold", 10), ("vip", 5)]
QUANTITIES = (1, 1, 1, 1, 2, 2, 3)
PRODUCT_FIELDS = ["id", "sku", "name", "slug", "description", "category_id", "price", "cost", "stock",
                  "allow_backorder", "status", "published_at", "created_at", "updated_at"]  # fmt: skip
CUSTOMER_FIELDS = ["id", "email", "first_name", "last_name", "phone", "tier", "notes", "created_at", "updated_at"]
ORDER_FIELDS = ["id", "number", "customer_id", "status", "placed_at", "discount_rate", "shipping_name",
                "shipping_line1", "shipping_line2", "shipping_city", "shipping_postcode", "shipping_country",
                "notes", "created_at", "updated_at",
                "placed_subtotal", "placed_total", "placed_line_count"]  # fmt: skip
LINE_FIELDS = ["order_id", "product_id", "quantity", "unit_price", "created_at", "updated_at"]
MOVEMENT_FIELDS = ["product_id", "delta", "stock_after", "reason", "note", "created_at"]


@dataclass
class SeedSummary:
    products: int = 0
    customers: int = 0
    orders: int = 0
    lines: int = 0
    movements: int = 0
    statuses: dict = field(default_factory=lambda: defaultdict(int))
    revenue_cents: int = 0  # totals after discount of orders that count as revenue
    timings: dict = field(default_factory=dict)
    method: str = ""

    @property
    def revenue(self):
        return f"{self.revenue_cents / 100:,.2f}"


class Seeder:
    def __init__(self, *, products, customers, orders, seed=1, lines_per_order=5, batch_size=10000,
                 use_copy=True, rebuild_indexes=True, progress=None):  # fmt: skip
        self.counts = {"products": products, "customers": customers, "orders": orders}
        self.rng = random.Random(seed)
        self.stock_rng = random.Random(seed + 1)
        self.lines_per_order = max(1, lines_per_order)
        self.batch_size = max(1, batch_size)
        self.rebuild_indexes = rebuild_indexes
        self.writer = RowWriter(use_copy=use_copy, batch_size=self.batch_size)
        self.progress = progress or (lambda total, unit: _NoProgress())
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.start = self.now - timedelta(days=DAYS)
        self.summary = SeedSummary(method=self.writer.method)

    def run(self):
        steps = [("catalogue", self._catalogue), ("products", self._products), ("customers", self._customers),
                 ("orders", self._orders), ("stock", self._stock), ("customer figures", self._customer_figures),
                 ("sequences", self._sequences)]  # fmt: skip
        for name, step in steps:
            began = time.perf_counter()
            step()
            self.summary.timings[name] = time.perf_counter() - began
        return self.summary

    # --- catalogue ------------------------------------------------------------------------
    def _catalogue(self):
        with transaction.atomic():
            by_name = {c.name: c for c in Category.objects.filter(name__in=[n for n, _, _ in catalog.CATEGORIES])}
            for name, parent, default_price in catalog.CATEGORIES:
                if name not in by_name:
                    category = Category(name=name, parent=by_name.get(parent), default_price=default_price)
                    category._change_reason = HISTORY_REASON
                    category.save()
                    by_name[name] = category
            existing = set(Tag.objects.values_list("name", flat=True))
            for name in catalog.TAGS.values():
                if name not in existing:
                    tag = Tag(name=name)
                    tag._change_reason = HISTORY_REASON
                    tag.save()
        parents = {parent for _, parent, _ in catalog.CATEGORIES if parent}
        leaves = [name for name, _, _ in catalog.CATEGORIES if name not in parents]
        by_name = {c.name: c for c in Category.objects.filter(name__in=leaves).select_related("parent")}
        self.leaves = [by_name[name] for name in leaves]
        self.tag_ids = sorted(Tag.objects.filter(name__in=catalog.TAGS.values()).values_list("pk", flat=True))
        self.stems = defaultdict(list)
        for row in catalog.products():
            self.stems[row["category"]].append(row["name"].split(",")[0])

    # --- products and customers -----------------------------------------------------------
    def _products(self):
        rng, count = self.rng, self.counts["products"]
        base = Product.objects.aggregate(top=Max("pk"))["top"] or 0
        site_default = settings.DEFAULT_PRODUCT_PRICE
        self.product_ids, self.prices, self.orderable, self.backorder = [], {}, [], set()
        rows, tag_rows = [], []
        for index in range(count):
            pk = base + index + 1
            category = rng.choice(self.leaves)
            name = f"{rng.choice(self.stems[category.name])}, {rng.choice(COLOURS)}"
            if category.parent and category.parent.name == "Clothing":
                name += f", {rng.choice(SIZES)}"
            price = round(rng.choice(PRICE_POINTS) * rng.choice((1, 1, 1.1, 0.9)), 1) if rng.random() < 0.75 else None
            price = None if price is None else _money(price)
            roll = rng.random()
            status = ProductStatus.PUBLISHED if roll < 0.88 else ProductStatus.DRAFT
            status = ProductStatus.ARCHIVED if roll >= 0.95 else status
            backorder = rng.random() < 0.05
            created = self.start - timedelta(days=rng.randint(1, 60))
            effective = price if price is not None else category.default_price or site_default
            sku = f"SEED-{pk:08d}"
            published = None if status == ProductStatus.DRAFT else created
            cost = _money(float(effective) * 0.4)
            rows.append((pk, sku, name, sku.lower(), "", category.pk, price, cost, 0, backorder, status, published,
                         created, created))  # fmt: skip
            self.product_ids.append(pk)
            self.prices[pk] = (effective, int(effective * 100))
            if status != ProductStatus.DRAFT:
                self.orderable.append(pk)
            if backorder:
                self.backorder.add(pk)
            for tag_id in rng.sample(self.tag_ids, rng.randint(0, min(3, len(self.tag_ids)))):
                tag_rows.append((pk, tag_id))
        through = Product.tags.through
        with transaction.atomic():
            for start in range(0, len(rows), self.batch_size):
                self.writer.write(Product, PRODUCT_FIELDS, rows[start : start + self.batch_size])
            for start in range(0, len(tag_rows), self.batch_size):
                self.writer.write(through, ["product_id", "tag_id"], tag_rows[start : start + self.batch_size])
        self.summary.products = count

    def _customers(self):
        rng, count = self.rng, self.counts["customers"]
        base = Customer.objects.aggregate(top=Max("pk"))["top"] or 0
        tiers, weights = zip(*TIERS)
        self.buyers, rows = [], []
        for index in range(count):
            pk = base + index + 1
            first, last, _, city, postcode, country = rng.choice(catalog.CUSTOMERS)
            last_name = rng.choice(catalog.CUSTOMERS)[1]
            tier = rng.choices(tiers, weights)[0]
            created = self.start - timedelta(days=rng.randint(1, 400))
            rows.append((pk, f"customer{pk:08d}@seed.example", first, last_name, "", tier, "", created, created))
            if index % 10 != 9:  # every tenth customer never orders
                address = (f"{rng.choice(catalog.STREETS)} {rng.randint(1, 200)}", city, postcode, country)
                self.buyers.append((pk, TIER_DISCOUNT_RATES[tier], f"{first} {last_name}", address))
        with transaction.atomic():
            for start in range(0, len(rows), self.batch_size):
                self.writer.write(Customer, CUSTOMER_FIELDS, rows[start : start + self.batch_size])
        self.summary.customers = count

    # --- orders ---------------------------------------------------------------------------
    def _orders(self):
        count = self.counts["orders"]
        if not count:
            return
        if not self.orderable or not self.buyers:
            raise ValueError("Orders need at least one orderable product and one customer who orders.")
        base = Order.objects.aggregate(top=Max("pk"))["top"] or 0
        self.first_number = _highest_order_number() + 1
        self.sold = defaultdict(int)
        span = DAYS * 86400 / count
        # Into empty tables on PostgreSQL: one transaction that builds the plain indexes at the end.
        # Otherwise (other databases, --append): one transaction per batch.
        rebuild = self.rebuild_indexes and self.writer.use_copy and base == 0
        with bulk_load([Order, OrderLine], enabled=rebuild), self.progress(count, "orders") as bar:
            for start in range(0, count, self.batch_size):
                orders, lines = [], []
                for index in range(start, min(start + self.batch_size, count)):
                    placed = self.start + timedelta(seconds=(index + self.rng.random()) * span)
                    self._order(base + index + 1, index, placed, orders, lines)
                with transaction.atomic():
                    self.writer.write(Order, ORDER_FIELDS, orders)
                    self.writer.write(OrderLine, LINE_FIELDS, lines)
                self.summary.orders += len(orders)
                self.summary.lines += len(lines)
                bar.update(len(orders))

    def _order(self, pk, index, placed, orders, lines):
        rng = self.rng
        customer_id, rate, name, (line1, city, postcode, country) = rng.choice(self.buyers)
        status = _status_for_age((self.now - placed).total_seconds() / 86400, rng.random())
        if status == OrderStatus.DRAFT:
            placed_at, rate = None, None
        else:
            placed_at = placed
        updated = min(placed + timedelta(hours=rng.randint(1, 240)), self.now)
        number = f"ORD-{placed.year}-{self.first_number + index:06d}"
        size = min(rng.randint(1, 2 * self.lines_per_order - 1), len(self.orderable))
        subtotal = 0
        holds_stock = status in STOCK_HOLDING_STATUSES
        for product_id in rng.sample(self.orderable, size):
            quantity = QUANTITIES[rng.randrange(7)]
            price, cents = self.prices[product_id]
            lines.append((pk, product_id, quantity, price, placed, placed))
            subtotal += cents * quantity
            if holds_stock:
                self.sold[product_id] += quantity
        # What an order stores when it is placed (orders.pricing.order_totals); drafts store nothing.
        stored = (None, None, None)
        if placed_at is not None:
            # Whole cents, rounded the way OrderQuerySet.with_totals() rounds the total.
            total_cents = int((subtotal * (1 - rate)).quantize(ONE, ROUND_HALF_UP))
            stored = (_cents(subtotal), _cents(total_cents), size)
        orders.append((pk, number, customer_id, status, placed_at, rate, name, line1, "", city, postcode, country,
                       "", placed, updated, *stored))  # fmt: skip
        self.summary.statuses[status] += 1
        if status in REVENUE_STATUSES:
            self.summary.revenue_cents += total_cents

    # --- stock and sequences --------------------------------------------------------------
    def _stock(self):
        """An opening restock and one summed sale per product, so stock == sum of movements."""
        rng, sold = self.stock_rng, getattr(self, "sold", {})
        stock, movements = {}, []
        for pk in self.product_ids:
            taken = sold.get(pk, 0)
            left = rng.randint(-5, 20) if pk in self.backorder else (0 if rng.random() < 0.08 else rng.randint(1, 150))
            opening = max(taken + left, 0)
            stock[pk] = opening - taken
            if opening:
                movements.append((pk, opening, opening, MovementReason.RESTOCK, "opening stock", self.start))
            if taken:
                movements.append((pk, -taken, opening - taken, MovementReason.SALE, "seeded orders", self.now))
        with transaction.atomic():
            self.writer.set_integer_column(Product, "stock", {pk: value for pk, value in stock.items() if value})
            # Units sold: the units of orders that hold stock (placed to delivered), as the services keep it.
            self.writer.set_integer_column(Product, "units_sold", {pk: taken for pk, taken in sold.items() if taken})
            for start in range(0, len(movements), self.batch_size):
                self.writer.write(StockMovement, MOVEMENT_FIELDS, movements[start : start + self.batch_size])
        self.summary.movements = len(movements)

    def _customer_figures(self):
        """Order count, lifetime value and last order per customer, from the orders just written (set-based)."""
        if self.counts["orders"]:
            with transaction.atomic():
                recount_customer_stats()

    def _sequences(self):
        """Rows came with their own ids and numbers: move the database sequences past them."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Product, Customer, Order]):
                cursor.execute(sql)
        sync_order_number_sequence()


def _status_for_age(days, roll):
    if roll < 0.02:
        return OrderStatus.DRAFT
    if days < 2:
        return OrderStatus.PLACED if roll < 0.6 else OrderStatus.PAID
    if days < 7:
        return OrderStatus.PAID if roll < 0.3 else OrderStatus.SHIPPED if roll < 0.9 else OrderStatus.CANCELLED
    return OrderStatus.DELIVERED if roll < 0.85 else OrderStatus.CANCELLED if roll < 0.92 else OrderStatus.REFUNDED


def _cents(cents):
    return (Decimal(cents) / 100).quantize(CENT)


def _money(value):
    return Decimal(f"{value:.2f}")


def _highest_order_number():
    from orders.models import OrderNumber

    highest = OrderNumber.objects.aggregate(top=Max("pk"))["top"] or 0
    for number in Order.objects.values_list("number", flat=True).iterator(chunk_size=20000):
        tail = number.rsplit("-", 1)[-1]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return highest


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass
