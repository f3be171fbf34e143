"""Categories and tags an import refers to by name: found in one query, or created when missing.

Both resolvers only plan during validation; ``create_pending`` writes the new rows (with history)
inside the import's transaction, and the planned objects then carry their primary keys.
"""

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from backoffice.history import record_bulk_history, stamp
from backoffice.importing.values import CellError
from inventory.models import Category, Tag

PATH_SEPARATOR = ">"
PATH_TOO_DEEP = _("The category path “%(path)s” is %(depth)d levels deep; at most %(limit)d are allowed.")
EMPTY_PATH_PART = _("The category path “%(path)s” has an empty part.")
PARENT_MISMATCH = _(
    "The category “%(name)s” already exists under “%(actual)s”, not under “%(wanted)s”. Use the path “%(actual_path)s”."
)
NAME_TOO_LONG = _("The name “%(name)s” is longer than %(limit)d characters.")


def unique_slug(text, taken, limit):
    base = slugify(text)[:limit] or "item"
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: limit - len(suffix)] + suffix
        n += 1
    taken.add(slug)
    return slug


class PendingCategory:
    """A category the import will create; ``pk`` is known once ``create_pending`` ran."""

    def __init__(self, name, parent):
        self.name = name
        self.parent = parent  # Category, PendingCategory or None
        self.pk = None
        self.default_price = None

    @property
    def path(self):
        return f"{self.parent.path} > {self.name}" if self.parent is not None else self.name


class CategoryResolver:
    def __init__(self):
        self.by_pk = {c.pk: c for c in Category.objects.all()}
        for category in self.by_pk.values():
            category.parent = self.by_pk.get(category.parent_id)  # paths without more queries
        self.by_name = {c.name.lower(): c for c in self.by_pk.values()}
        self.pending = {}  # lower name -> PendingCategory, in creation order

    def find(self, name):
        key = name.lower()
        return self.pending.get(key) or self.by_name.get(key)

    def depth(self, node):
        depth = 0
        while node is not None:
            depth += 1
            node = node.parent
        return depth

    def resolve(self, text):
        """``Clothing > Tshirts`` -> the Tshirts category (existing or pending). Raises ``CellError``."""
        parts = [p.strip() for p in text.split(PATH_SEPARATOR)]
        if any(not p for p in parts):
            raise CellError(EMPTY_PATH_PART % {"path": text})
        limit = settings.CATEGORY_MAX_DEPTH
        if len(parts) > limit:
            raise CellError(PATH_TOO_DEEP % {"path": text, "depth": len(parts), "limit": limit})
        parent = None
        for index, name in enumerate(parts):
            if len(name) > 120:
                raise CellError(NAME_TOO_LONG % {"name": name[:40], "limit": 120})
            node = self.find(name)
            if node is not None:
                if index > 0 and node.parent is not parent:
                    actual = node.parent.name if node.parent is not None else _("no parent")
                    raise CellError(
                        PARENT_MISMATCH
                        % {"name": node.name, "actual": actual, "wanted": parent.name, "actual_path": node.path}
                    )
            else:
                if self.depth(parent) + 1 > limit:
                    raise CellError(PATH_TOO_DEEP % {"path": text, "depth": self.depth(parent) + 1, "limit": limit})
                node = PendingCategory(name, parent)
                self.pending[name.lower()] = node
            parent = node
        return parent

    def create_pending(self, *, user, reason):
        """Create the planned categories, parents first (creation order guarantees that)."""
        if not self.pending:
            return []
        taken = set(Category.objects.values_list("slug", flat=True))
        created = []
        # Parents first: a row may define a category that an earlier row named as a parent.
        for pending in sorted(self.pending.values(), key=self.depth):
            category = Category(
                name=pending.name,
                slug=unique_slug(pending.name, taken, 140),
                parent_id=pending.parent.pk if pending.parent is not None else None,
                default_price=pending.default_price,
            )
            stamp(category, user=user, reason=reason).save()
            pending.pk = category.pk
            created.append(category)
        return created


class TagResolver:
    def __init__(self, names=None):
        tags = Tag.objects.all() if names is None else Tag.objects.filter(name__in=names)
        self.by_name = {t.name.lower(): t for t in tags}
        self.pending = {}  # lower name -> Tag (unsaved)

    def resolve(self, name):
        if len(name) > 80:
            raise CellError(NAME_TOO_LONG % {"name": name[:40], "limit": 80})
        key = name.lower()
        tag = self.by_name.get(key) or self.pending.get(key)
        if tag is None:
            tag = self.pending[key] = Tag(name=name)
        return tag

    def create_pending(self, *, user, reason):
        if not self.pending:
            return []
        taken = set(Tag.objects.values_list("slug", flat=True))
        tags = list(self.pending.values())
        for tag in tags:
            if tag.slug and tag.slug not in taken:
                taken.add(tag.slug)  # a slug the file asked for
            else:
                tag.slug = unique_slug(tag.name, taken, 100)
        Tag.objects.bulk_create(tags)
        if any(t.pk is None for t in tags):  # backends that do not return keys
            by_slug = dict(Tag.objects.filter(slug__in=[t.slug for t in tags]).values_list("slug", "pk"))
            for tag in tags:
                tag.pk = by_slug[tag.slug]
        record_bulk_history(Tag, tags, user=user, reason=reason, update=False)
        return tags
