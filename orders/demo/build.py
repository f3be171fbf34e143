"""Build the demo shop through the real services, on a fixed clock, for ``fixtures/demo.json``.

Everything is decided by one seeded ``random.Random`` and a clock that the builder moves forward
(``django.utils.timezone.now`` is patched while it runs), so the same code on an empty database
always writes the same rows. ``load_demo`` later moves all dates so the newest order is recent.
"""

import heapq
import random
from datetime import UTC, datetime, timedelta
from unittest import mock

from django.db import transaction
from django.test.utils import override_settings

from inventory import services as stock
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Category, Product, Tag
from orders import customers
from orders import services as ordering
from orders.choices import OrderStatus
from orders.demo import catalog
from orders.models import Address, Customer

SEED = 2026
# The newest order is placed at this moment; the first of the 90 days starts 90 days earlier.
ANCHOR = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
DAYS = 90
PLACED_ORDERS = 94
DRAFT_ORDERS = 6
ARCHIVE_AFTER_DAYS = 45
SOLDOUT_COUNT_DAYS_BEFORE_END = 3
TIER_WEIGHT = {"regular": 1, "silver": 2, "gold": 3, "vip": 4}
# Status paths an order can take after placement, each step (status, min hours, max hours later).
PATHS = [
    (18, []),
    (10, [(OrderStatus.PAID, 1, 20)]),
    (12, [(OrderStatus.PAID, 1, 20), (OrderStatus.SHIPPED, 12, 48)]),
    (42, [(OrderStatus.PAID, 1, 20), (OrderStatus.SHIPPED, 12, 48), (OrderStatus.DELIVERED, 24, 96)]),
    (6, [(OrderStatus.CANCELLED, 1, 30)]),
    (5, [(OrderStatus.PAID, 1, 20), (OrderStatus.CANCELLED, 2, 24)]),
    (4, [(OrderStatus.PAID, 1, 20), (OrderStatus.SHIPPED, 12, 48), (OrderStatus.DELIVERED, 24, 96),
         (OrderStatus.REFUNDED, 72, 240)]),
    (3, [(OrderStatus.PAID, 1, 20), (OrderStatus.REFUNDED, 24, 72)]),
]  # fmt: skip


class Clock:
    def __init__(self, start):
        self.value = start

    def __call__(self):
        return self.value

    def at(self, when):
        self.value = when
        return self


class DemoBuilder:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        self.clock = Clock(ANCHOR - timedelta(days=DAYS + 30))
        self.products = {}
        self.kinds = {}
        self.customers = []

    def build(self):
        mail = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        with (
            mock.patch("django.utils.timezone.now", self.clock),
            override_settings(MAILERS={"default": mail}),
            transaction.atomic(),
        ):
            self._catalogue()
            self._customers()
            self._history_of_orders()

    # --- catalogue ------------------------------------------------------------------------
    def _catalogue(self):
        categories = {}
        for name, parent, default_price in catalog.CATEGORIES:
            category = Category(name=name, parent=categories.get(parent), default_price=default_price)
            category._change_reason = "demo catalogue"
            category.save()
            categories[name] = category
        tags = {}
        for key, name in catalog.TAGS.items():
            tags[key] = Tag(name=name)
            tags[key]._change_reason = "demo catalogue"
            tags[key].save()
        for row in catalog.products():
            self.clock.at(self.clock.value + timedelta(minutes=self.rng.randint(30, 600)))
            kind = row["kind"]
            product = Product(
                sku=row["sku"],
                name=row["name"],
                description=f"{row['name']}. From our {row['category'].lower()} range.",
                category=categories[row["category"]],
                price=row["price"],
                cost=row["cost"],
                allow_backorder=kind == "backorder",
                status=ProductStatus.DRAFT if kind == "draft" else ProductStatus.PUBLISHED,
                published_at=None if kind == "draft" else self.clock.value,
            )
            product._change_reason = "demo catalogue"
            product.save()
            product.tags.set([tags[key] for key in row["tags"]])
            self.products[product.sku] = product
            self.kinds[product.sku] = kind
            opening = {"soldout": (3, 6), "backorder": (2, 4), "draft": (0, 12)}.get(kind, (15, 40))
            quantity = self.rng.randint(*opening)
            if quantity:
                stock.restock(product=product, quantity=quantity, user=None, note="opening stock")

    def _customers(self):
        for first, last, tier, city, postcode, country in catalog.CUSTOMERS:
            self.clock.at(self.clock.value + timedelta(hours=self.rng.randint(1, 20)))
            local = f"{first}.{last}".lower().replace(" ", "").replace("é", "e").replace("ö", "oe").replace("ü", "ue")
            customer = Customer(
                email=f"{local}@example.com",
                first_name=first,
                last_name=last,
                tier=tier,
                phone=f"+49 30 {self.rng.randint(1000000, 9999999)}" if self.rng.random() < 0.7 else "",
            )
            customer._change_reason = "demo customer"
            customer.save()
            home = Address(
                customer=customer,
                label="Home",
                name=f"{first} {last}",
                line1=f"{self.rng.choice(catalog.STREETS)} {self.rng.randint(1, 120)}",
                city=city,
                postcode=postcode,
                country=country,
            )
            home._change_reason = "demo customer"
            home.save()
            # Orders are placed without an address: they copy these defaults (orders.customers).
            customers.set_default_addresses(
                customer=customer, shipping=home, billing=home, user=None, reason="demo customer"
            )
            self.customers.append(customer)

    # --- orders ---------------------------------------------------------------------------
    def _history_of_orders(self):
        """Replay 90 days in time order: placements, drafts, each order's later status changes,
        the archiving of discontinued products and a stock count of the sold-out ones."""
        start = ANCHOR - timedelta(days=DAYS)
        span = int((ANCHOR - start).total_seconds())
        times = sorted(start + timedelta(seconds=self.rng.randrange(span)) for _ in range(PLACED_ORDERS - 1))
        # (when, priority, order index, what, payload); the newest order is placed exactly at ANCHOR.
        queue = [(when, 1, index, "place", self._path()) for index, when in enumerate([*times, ANCHOR])]
        for index in range(DRAFT_ORDERS):
            when = ANCHOR - timedelta(minutes=self.rng.randint(60, 60 * 24 * 12))
            queue.append((when, 1, PLACED_ORDERS + index, "draft", ()))
        queue.append((start + timedelta(days=ARCHIVE_AFTER_DAYS), 0, 0, "archive", ()))
        queue.append((ANCHOR - timedelta(days=SOLDOUT_COUNT_DAYS_BEFORE_END), 0, 0, "count", ()))
        heapq.heapify(queue)
        buyers = self.customers[: len(self.customers) - catalog.CUSTOMERS_WITHOUT_ORDERS]
        weights = [TIER_WEIGHT[c.tier] for c in buyers]
        while queue:
            when, _, index, what, payload = heapq.heappop(queue)
            self.clock.at(when)
            if what == "archive":
                archived = [p for sku, p in self.products.items() if self.kinds[sku] == "archived"]
                stock.archive_products(products=archived, user=None, reason="discontinued")
                for product in archived:
                    product.status = ProductStatus.ARCHIVED
            elif what == "count":
                self._count_sold_out()
            elif what in ("place", "draft"):
                customer = self.rng.choices(buyers, weights=weights)[0]
                order = self._new_order(customer, draft=what == "draft")
                self._schedule_next(queue, when, index, order, payload)
            else:  # "move": the order's next status
                order, (status, *_), steps = payload
                ordering.transition_order(order=order, to_status=status, user=None)
                self._refresh_stock()
                self._schedule_next(queue, when, index, order, steps)

    def _schedule_next(self, queue, when, index, order, steps):
        """Queue the first of ``steps`` (status, min hours, max hours later) unless it would lie past ANCHOR."""
        if not steps:
            return
        step, rest = steps[0], tuple(steps[1:])
        _, hours_min, hours_max = step
        later = when + timedelta(minutes=self.rng.randint(hours_min * 60, hours_max * 60))
        if later < ANCHOR:
            heapq.heappush(queue, (later, 2, index, "move", (order, step, rest)))

    def _path(self):
        return tuple(self.rng.choices([path for _, path in PATHS], weights=[weight for weight, _ in PATHS])[0])

    def _new_order(self, customer, *, draft):
        lines = []
        for product in self.rng.sample(self._for_sale(), self.rng.choice([1, 1, 2, 2, 3, 4])):
            quantity = self.rng.choice([1, 1, 1, 1, 2, 2, 3])
            kind = self.kinds[product.sku]
            if kind == "soldout" and product.stock < quantity:
                continue
            if not draft and kind == "" and product.stock < quantity:
                stock.restock(product=product, quantity=self.rng.randint(20, 40), user=None, note="supplier delivery")
            lines.append((product, quantity))
        if not lines:
            lines = [(self._restocked(self.products["TSH-ORG-WHT-M"]), 1)]
        create = ordering.create_draft_order if draft else ordering.place_order
        return create(customer=customer, lines=lines, user=None)

    def _restocked(self, product):
        if product.stock < 1:
            stock.restock(product=product, quantity=20, user=None, note="supplier delivery")
        return product

    def _refresh_stock(self):
        # Cancellations and refunds restock through fresh instances; keep ours true.
        by_pk = {p.pk: p for p in self.products.values()}
        for pk, quantity in Product.objects.values_list("pk", "stock"):
            by_pk[pk].stock = quantity

    def _for_sale(self):
        return [p for p in self.products.values() if p.status == ProductStatus.PUBLISHED]

    def _count_sold_out(self):
        for sku, product in self.products.items():
            if self.kinds[sku] == "soldout" and product.stock > 0:
                stock.adjust_stock(
                    product=product,
                    delta=-product.stock,
                    reason=MovementReason.ADJUSTMENT,
                    user=None,
                    note="stock count: remaining units damaged",
                )


def build_demo_shop(seed=SEED):
    DemoBuilder(seed).build()
