"""Products in from a file: keyed by SKU, validated in bulk, written in bulk with history.

Stock: a new product's opening stock is written with an ``import`` stock movement beside it (the
same invariant ``inventory.services`` keeps: the movements add up to the stock); a changed stock
of existing products goes through ``inventory.services.apply_stock_changes_bulk`` (locks, checks,
one UPDATE per batch, movements and history in bulk).
"""

from collections import defaultdict

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from backoffice.history import record_bulk_history, record_history_from_rows
from backoffice.importing import pgcopy
from backoffice.importing.engine import Importer
from backoffice.importing.values import (
    REQUIRED,
    CellError,
    check_length,
    parse_bool,
    parse_choice,
    parse_count,
    parse_money,
    split_list,
)
from backoffice.validators import SKU_INVALID, SKU_PATTERN, normalize_sku
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product, StockMovement, backorders_outstanding, published_at_for
from inventory.resources.lookups import CategoryResolver, TagResolver
from inventory.resources.new_products import opening_stock, write_new_by_copy
from inventory.resources.woocommerce import adapt_woocommerce
from inventory.services import apply_stock_changes_bulk

BATCH = 2000
FAILED = object()
SKU_REFUSED = _("“%(value)s”: %(reason)s")
NO_STOCK_PERMISSION = _(
    "You may not change the stock of existing products (it needs the “adjust stock” permission); "
    "leave the stock cell at %(stock)d or drop the stock column."
)
FIELDS = ["name", "description", "category", "price", "cost", "allow_backorder", "status"]


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ProductImporter(Importer):
    model = Product
    noun = _("products")
    key = "sku"
    required_columns = ("sku", "name", "category")
    optional_columns = ("description", "tags", "price", "cost", "stock", "allow_backorder", "status")

    def adapt(self, table):
        return adapt_woocommerce(table, self.report)

    def cell(self, line, column, parse, text):
        try:
            return parse(text)
        except CellError as exc:
            self.report.error(line, column, exc.message)
            return FAILED

    def load_existing(self, skus):
        existing = {}
        for chunk in _chunks(skus, pgcopy.ANY_CHUNK if pgcopy.available() else BATCH):
            existing.update((p.sku, p) for p in Product.objects.filter(pgcopy.column_in(Product, "sku", chunk)))
        tags = defaultdict(set)
        if "tags" in self.columns:
            through = Product.tags.through
            for chunk in _chunks([p.pk for p in existing.values()]):
                for product_id, tag_id in through.objects.filter(product_id__in=chunk).values_list(
                    "product_id", "tag_id"
                ):
                    tags[product_id].add(tag_id)
        return existing, tags

    def prepare(self, table):
        skus = {normalize_sku(row.get("sku", "")) for _line, row in table.rows}
        self.existing, self.existing_tags = self.load_existing(skus - {""})
        self.categories = CategoryResolver()
        self.tags = TagResolver()
        self.resolved = {}  # cell text -> category or tags (errors are not kept: each bad row is reported)
        self.new, self.updates, self.stock_changes = [], [], {}
        self.now = timezone.now()
        duplicate = self.first_seen()
        rows, table.rows = table.rows, []  # each row is let go once planned: the file is not held twice
        for index in range(len(rows)):
            (line, row), rows[index] = rows[index], None
            self.tick(index)
            self.prepare_row(line, row, duplicate)
        report = self.report
        report.created += [("category", p.path) for p in self.categories.pending.values()]
        report.created += [("tag", t.name) for t in self.tags.pending.values()]

    def category_of(self, text):
        """The category of a path; a file names a few hundred paths over many rows, so each is resolved once."""
        node = self.resolved.get(("category", text))
        if node is None:
            node = self.resolved[("category", text)] = self.categories.resolve(text)
        return node

    def tags_of(self, text):
        tags = self.resolved.get(("tags", text))
        if tags is None:
            tags = self.resolved[("tags", text)] = [self.tags.resolve(n) for n in split_list(text)]
        return list(tags)

    def parse_row(self, line, row, product):
        """The row's values for the columns the file has; FAILED for cells with errors."""
        columns, values = self.columns, {}
        for column in ("name", "category"):
            if column in columns and not row[column] or product is None and not row.get(column):
                self.report.error(line, column, REQUIRED)
                values[column] = FAILED
        if "name" in columns and values.get("name") is not FAILED:
            values["name"] = self.cell(line, "name", lambda t: check_length(t, 200), row["name"])
        if "description" in columns:
            values["description"] = row["description"]
        if "category" in columns and values.get("category") is not FAILED:
            values["category"] = self.cell(line, "category", self.category_of, row["category"])
        if "tags" in columns:
            values["tags"] = self.cell(line, "tags", self.tags_of, row["tags"])
        for column in ("price", "cost"):
            if column in columns:
                values[column] = self.cell(line, column, parse_money, row[column])
        if values.get("cost", FAILED) is None:
            values["cost"] = 0 if product is None else product.cost
        if "stock" in columns:
            values["stock"] = self.cell(line, "stock", parse_count, row["stock"])
        if "allow_backorder" in columns:
            values["allow_backorder"] = self.cell(line, "allow_backorder", parse_bool, row["allow_backorder"])
        if "status" in columns and row["status"]:
            values["status"] = self.cell(line, "status", lambda t: parse_choice(t, ProductStatus), row["status"])
        return values

    def prepare_row(self, line, row, duplicate):
        sku = normalize_sku(row.get("sku", ""))
        if not sku:
            self.report.error(line, "sku", REQUIRED)
            return
        if not SKU_PATTERN.match(sku):
            self.report.error(line, "sku", SKU_REFUSED % {"value": row["sku"], "reason": SKU_INVALID})
            return
        message = duplicate(sku, line)
        if message:
            self.report.error(line, "sku", message)
            return
        product = self.existing.get(sku)
        values = self.parse_row(line, row, product)
        if any(v is FAILED for v in values.values()):
            return
        stock = values.pop("stock", None)
        backorder = values.get("allow_backorder", product.allow_backorder if product else False)
        current = product.stock if product is not None else 0
        final_stock = current if stock is None else stock
        refusal = backorders_outstanding(final_stock, backorder)
        if refusal:
            self.report.error(line, "allow_backorder", refusal)
            return
        if product is not None and stock is not None and stock != product.stock and not self.may_adjust_stock():
            self.report.error(line, "stock", NO_STOCK_PERMISSION % {"stock": product.stock})
            return
        if product is None:
            self.plan_new(sku, values, final_stock)
        else:
            self.plan_update(product, values, stock)

    def may_adjust_stock(self):
        """The admin's stock form and the API need ``adjust_stock_product``; so does a stock change by file."""
        return self.user is None or self.user.has_perm("inventory.adjust_stock_product")

    def plan_new(self, sku, values, stock):
        """A new product as plain values (no model instance yet: the PostgreSQL path never needs one)."""
        tags = values.pop("tags", [])
        category = values.pop("category")
        values.setdefault("status", ProductStatus.DRAFT)
        values.update(sku=sku, stock=stock, slug=slugify(values["name"])[:220])
        published_at = published_at_for(values["status"], None, self.now)
        if published_at is not None:
            values["published_at"] = published_at
        self.new.append((values, category, tags))
        self.report.add_new(sku)

    def plan_update(self, product, values, stock):
        tags = values.pop("tags", None)
        category = values.pop("category", None)
        changed = [f for f, v in values.items() if getattr(product, f) != v]
        if category is not None and (category.pk is None or category.pk != product.category_id):
            changed.append("category")
        if tags is not None and (
            any(t.pk is None for t in tags) or {t.pk for t in tags} != self.existing_tags[product.pk]
        ):
            changed.append("tags")
        else:
            tags = None
        delta = (stock - product.stock) if stock is not None else 0
        if delta:
            self.stock_changes[product] = delta
        if not changed and not delta:
            self.report.unchanged += 1
            return
        self.report.add_updated(product.sku)
        if changed:
            for field, value in values.items():
                setattr(product, field, value)
            published_at = published_at_for(values.get("status"), product.published_at, self.now)
            if published_at != product.published_at:
                product.published_at = published_at
                changed.append("published_at")
            self.updates.append((product, changed, category, tags))

    def write(self):
        user, reason = self.user, self.reason
        self.categories.create_pending(user=user, reason=reason)
        self.tags.create_pending(user=user, reason=reason)
        self.write_new(user, reason)
        self.write_updates(user, reason)
        if self.stock_changes:
            apply_stock_changes_bulk(
                changes=self.stock_changes, reason=MovementReason.IMPORT, user=user, note=reason, history_reason=reason
            )

    def write_new(self, user, reason):
        if not self.new:
            return
        if pgcopy.available():
            write_new_by_copy(self.new, user=user, reason=reason, now=timezone.now())
            if self.progress is not None:
                self.progress(len(self.new))
            return
        through = Product.tags.through
        for chunk in _chunks(self.new):
            products = []
            for values, category, _tags in chunk:
                products.append(Product(category_id=category.pk, **values))
            Product.objects.bulk_create(products)
            if any(p.pk is None for p in products):
                ids = dict(Product.objects.filter(sku__in=[p.sku for p in products]).values_list("sku", "pk"))
                for product in products:
                    product.pk = ids[product.sku]
            through.objects.bulk_create(
                [through(product_id=p.pk, tag_id=t.pk) for p, (_v, _c, tags) in zip(products, chunk) for t in tags]
            )
            record_bulk_history(Product, products, user=user, reason=reason, update=False)
            StockMovement.objects.bulk_create(
                [opening_stock(p.pk, p.stock, user, reason, None) for p in products if p.stock]
            )
            if self.progress is not None:
                self.progress(len(chunk))

    def write_updates(self, user, reason):
        if not self.updates:
            return
        now = timezone.now()
        through = Product.tags.through
        for chunk in _chunks(self.updates, 1000):
            fields = {"updated_at"}
            for product, changed, category, _tags in chunk:
                if category is not None:
                    product.category_id = category.pk
                product.updated_at = now
                fields.update(f for f in changed if f != "tags")
            products = [u[0] for u in chunk]
            if pgcopy.available():
                pgcopy.update_rows(Product, products, ["category_id" if f == "category" else f for f in sorted(fields)])
            else:
                Product.objects.bulk_update(products, sorted(fields))
            retagged = [(product, tags) for product, _c, _cat, tags in chunk if tags is not None]
            if retagged:
                through.objects.filter(product_id__in=[p.pk for p, _t in retagged]).delete()
                through.objects.bulk_create(
                    [through(product_id=p.pk, tag_id=t.pk) for p, tags in retagged for t in tags]
                )
            # After the tags: the history rows (and their tag snapshots) are copied from the stored rows.
            record_history_from_rows(Product, products, user=user, reason=reason)
