"""Deleting categories: the one write path, for the admin (delete page and bulk action) and the API."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backoffice.bulk import BulkResult
from backoffice.errors import ServiceError
from backoffice.history import stamp
from inventory.models import Category, Product

CATEGORY_IN_USE = _(
    "Category %(name)s still has %(products)d product(s) and %(children)d subcategory(ies). "
    "Move them to another category first."
)
SKIP_CATEGORY_IN_USE = _("they still have products or subcategories (move those first)")


def refuse_category_in_use(category):
    """A category that still holds products or subcategories is not deleted (``ServiceError`` ``protected``)."""
    products = Product.objects.filter(category_id=category.pk).count()
    children = Category.objects.filter(parent_id=category.pk).count()
    if products or children:
        raise ServiceError(
            CATEGORY_IN_USE,
            code="protected",
            params={"name": category.name, "products": products, "children": children},
        )


@transaction.atomic
def delete_category(*, category, user, reason="deleted"):
    """Delete one category with history, or refuse it (``refuse_category_in_use``); nothing is written then.

    The row is locked first (``FOR UPDATE``): a product cannot be moved into it between the check
    and the delete (its foreign-key check waits for the lock).
    """
    locked = Category.objects.select_for_update().get(pk=category.pk)
    refuse_category_in_use(locked)
    stamp(locked, user=user, reason=reason).delete()


@transaction.atomic
def delete_categories(*, categories, user, reason="deleted"):
    """``delete_category`` for each category, in pk order; refused ones are skipped.

    Returns a ``BulkResult``; its ``message`` holds the refusal of each skipped category.
    """
    result = BulkResult()
    refusals = []
    for category in sorted(categories, key=lambda c: c.pk):
        try:
            delete_category(category=category, user=user, reason=reason)
        except ServiceError as error:
            result.skipped[str(SKIP_CATEGORY_IN_USE)].append(category)
            refusals.append(error.message)
        else:
            result.changed += 1
    result.message = " ".join(refusals)
    return result
