"""Categories and tags in from a file. Categories are keyed by name, tags by name (case-insensitive)."""

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from backoffice.history import record_bulk_history
from backoffice.importing.engine import Importer
from backoffice.importing.values import REQUIRED, TOO_LONG, CellError, check_length, parse_money
from inventory.models import Category, Tag
from inventory.resources.lookups import PATH_TOO_DEEP, CategoryResolver, PendingCategory, TagResolver

FAILED = object()
OWN_ANCESTOR = _("“%(parent)s” cannot be the parent of “%(name)s”: a category cannot be its own ancestor.")
PARENT_CONFLICT = _("“%(name)s” is already planned under “%(planned)s” by an earlier line.")
SLUG_TAKEN = _("The slug “%(slug)s” is already used by another tag.")
BAD_SLUG = _("“%(slug)s” is not a valid slug (letters, digits, dashes and underscores).")


class CategoryImporter(Importer):
    model = Category
    noun = _("categories")
    key = "name"
    required_columns = ("name",)
    optional_columns = ("parent", "default_price")

    def prepare(self, table):
        self.resolver = resolver = CategoryResolver()
        self.updates = []
        defined = set()  # pending categories that a row of the file defines (not only names as a parent)
        duplicate = self.first_seen()
        for index, (line, row) in enumerate(table.rows):
            self.tick(index)
            name = row.get("name", "")
            if not name:
                self.report.error(line, "name", REQUIRED)
                continue
            parent = self.parse(line, "name", lambda t: check_length(t, 120), name)
            if parent is not FAILED and row.get("parent"):
                parent = self.parse(line, "parent", resolver.resolve, row["parent"])
            elif parent is not FAILED:
                parent = None
            price = None
            if "default_price" in self.columns:
                price = self.parse(line, "default_price", parse_money, row["default_price"])
            if parent is FAILED or price is FAILED:
                continue
            message = duplicate(name.lower(), line)
            if message:
                self.report.error(line, "name", message)
                continue
            node = resolver.find(name)
            if parent is not None and self.is_ancestor(node, parent):
                self.report.error(line, "parent", OWN_ANCESTOR % {"parent": row["parent"], "name": name})
                continue
            if node is None or isinstance(node, PendingCategory):
                if node is None:
                    node = resolver.pending[name.lower()] = PendingCategory(name, parent)
                elif "parent" in self.columns and node.parent is not parent:
                    if node.parent is not None:
                        self.report.error(line, "parent", PARENT_CONFLICT % {"name": name, "planned": node.parent.path})
                        continue
                    node.parent = parent
                if resolver.depth(node) > self.max_depth():
                    self.report.error(
                        line,
                        "parent",
                        PATH_TOO_DEEP % {"path": node.path, "depth": resolver.depth(node), "limit": self.max_depth()},
                    )
                    continue
                node.default_price = price
                defined.add(name.lower())
                self.report.add_new(node.name)
                continue
            self.plan_update(line, node, parent, price)
        self.report.created += [("category", p.path) for key, p in resolver.pending.items() if key not in defined]

    def parse(self, line, column, parse, text):
        try:
            return parse(text)
        except CellError as exc:
            self.report.error(line, column, exc.message)
            return FAILED

    @staticmethod
    def max_depth():
        from django.conf import settings

        return settings.CATEGORY_MAX_DEPTH

    @staticmethod
    def is_ancestor(node, parent):
        while parent is not None:
            if parent is node:
                return True
            parent = parent.parent
        return False

    def plan_update(self, line, category, parent, price):
        changed = []
        if "parent" in self.columns and parent is not category.parent:
            changed.append("parent")
        if "default_price" in self.columns and price != category.default_price:
            changed.append("default_price")
        if not changed:
            self.report.unchanged += 1
            return
        if "parent" in changed and self.resolver.depth(parent) + 1 > self.max_depth():
            depth = self.resolver.depth(parent) + 1
            self.report.error(
                line, "parent", PATH_TOO_DEEP % {"path": category.name, "depth": depth, "limit": self.max_depth()}
            )
            return
        self.report.add_updated(category.name)
        self.updates.append((category, parent, price, changed))

    def write(self):
        self.resolver.create_pending(user=self.user, reason=self.reason)
        now = timezone.now()
        objs = []
        for category, parent, price, changed in self.updates:
            if "parent" in changed:
                category.parent_id = parent.pk if parent is not None else None
            if "default_price" in changed:
                category.default_price = price
            category.updated_at = now
            objs.append(category)
        if objs:
            Category.objects.bulk_update(objs, ["parent", "default_price", "updated_at"])
            record_bulk_history(Category, objs, user=self.user, reason=self.reason)


class TagImporter(Importer):
    model = Tag
    noun = _("tags")
    key = "name"
    required_columns = ("name",)
    optional_columns = ("slug",)

    def prepare(self, table):
        self.resolver = TagResolver()
        self.taken = dict(Tag.objects.values_list("slug", "pk"))
        self.updates = []
        duplicate = self.first_seen()
        for index, (line, row) in enumerate(table.rows):
            self.tick(index)
            name, slug = row.get("name", ""), row.get("slug", "")
            if not name:
                self.report.error(line, "name", REQUIRED)
                continue
            message = duplicate(name.lower(), line)
            if message:
                self.report.error(line, "name", message)
                continue
            if len(slug) > 100:
                self.report.error(line, "slug", TOO_LONG % {"limit": 100, "length": len(slug)})
                continue
            if slug and slugify(slug) != slug:
                self.report.error(line, "slug", BAD_SLUG % {"slug": slug})
                continue
            existing = self.resolver.by_name.get(name.lower())
            if slug and self.taken.get(slug, existing.pk if existing else None) != (existing.pk if existing else None):
                self.report.error(line, "slug", SLUG_TAKEN % {"slug": slug})
                continue
            try:
                tag = self.resolver.resolve(name)
            except CellError as exc:
                self.report.error(line, "name", exc.message)
                continue
            if slug:
                self.taken[slug] = existing.pk if existing else -1
            if existing is None:
                tag.slug = slug
                self.report.add_new(tag.name)
            elif slug and slug != existing.slug:
                existing.slug = slug
                self.updates.append(existing)
                self.report.add_updated(existing.name)
            else:
                self.report.unchanged += 1

    def write(self):
        self.resolver.create_pending(user=self.user, reason=self.reason)
        if self.updates:
            now = timezone.now()
            for tag in self.updates:
                tag.updated_at = now
            Tag.objects.bulk_update(self.updates, ["slug", "updated_at"])
            record_bulk_history(Tag, self.updates, user=self.user, reason=self.reason)
