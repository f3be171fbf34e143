"""What a catalogue export holds, column by column; the same column names the import reads."""

from backoffice.importing.exporting import Column, Exporter, only_filters
from inventory.models import Category, Product, Tag


class CategoryPaths:
    """``Clothing > Tshirts`` for every category, from one query (categories are few)."""

    def __init__(self):
        rows = Category.objects.values_list("pk", "name", "parent_id")
        self.names = {pk: name for pk, name, _parent in rows}
        self.parents = {pk: parent for pk, _name, parent in rows}
        self.cache = {}

    def path(self, pk):
        if pk is None:
            return ""
        if pk not in self.cache:
            parent = self.parents.get(pk)
            head = self.path(parent)
            self.cache[pk] = f"{head} > {self.names[pk]}" if head else self.names[pk]
        return self.cache[pk]


class ProductExporter(Exporter):
    model = Product

    def __init__(self):
        self.paths = None
        self.columns = (
            Column("sku", lambda p: p.sku),
            Column("name", lambda p: p.name),
            Column("description", lambda p: p.description),
            Column("category", lambda p: self.paths.path(p.category_id)),
            Column("tags", lambda p: ", ".join(sorted(t.name for t in p.tags.all()))),
            Column("price", lambda p: p.price),
            Column("cost", lambda p: p.cost),
            Column("stock", lambda p: p.stock),
            Column("allow_backorder", lambda p: p.allow_backorder),
            Column("status", lambda p: p.status),
        )

    def prepare(self):
        self.paths = CategoryPaths()

    def queryset(self, base=None):
        base = only_filters(Product, base)
        return base.prefetch_related("tags").order_by("sku")


class CategoryExporter(Exporter):
    model = Category

    def __init__(self):
        self.paths = None
        self.columns = (
            Column("name", lambda c: c.name),
            Column("parent", lambda c: self.paths.path(c.parent_id)),
            Column("default_price", lambda c: c.default_price),
        )

    def prepare(self):
        self.paths = CategoryPaths()

    def queryset(self, base=None):
        base = only_filters(Category, base)
        return base.order_by("name")


class TagExporter(Exporter):
    model = Tag
    columns = (Column("name", lambda t: t.name), Column("slug", lambda t: t.slug))

    def queryset(self, base=None):
        base = only_filters(Tag, base)
        return base.order_by("name")
