"""The catalogue's rules for revert, undo and the recycle bin (``backoffice.changesets.registry``)."""

from django.utils.translation import gettext_lazy as _

from backoffice.changesets.registry import ModelRules, delete_with_history, register
from backoffice.errors import ServiceError
from inventory import services
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Category, Product, Tag

STATUS_REFUSED = _("the status cannot be set: %(why)s")
IN_ORDERS = _("it appears in orders since (archive it instead)")
TAG_IN_USE = _("Tag %(tag)s is on products since; nothing was undone. Remove it from them first.")
STATUS_SERVICES = {
    ProductStatus.DRAFT: services.unpublish_products,
    ProductStatus.PUBLISHED: services.publish_products,
    ProductStatus.ARCHIVED: services.archive_products,
}


def set_product_status(products, status, *, user, reason):
    """Through publish / unpublish / archive; a product the service skips refuses the whole change."""
    result = STATUS_SERVICES[status](products=list(products), user=user, reason=reason)
    if result.skipped:
        why = "; ".join(f"{text} ({', '.join(p.sku for p in items[:5])})" for text, items in result.skipped.items())
        raise ServiceError(STATUS_REFUSED, code="status_refused", params={"why": why}, field="status")


def delete_products(products, *, user, reason):
    result = services.delete_products(products=list(products), user=user, reason=reason)
    if result.skipped:
        raise ServiceError(result.message, code="products_in_orders")


def delete_unused_tags(tags, *, user, reason):
    """A tag on products since (outside the set) is not deleted: it would untag them without a record."""
    in_use = Tag.objects.filter(pk__in=[t.pk for t in tags], products__isnull=False).distinct().first()
    if in_use is not None:
        raise ServiceError(TAG_IN_USE, code="tag_in_use", params={"tag": in_use})
    delete_with_history(tags, user=user, reason=reason)


def products_in_orders(pks):
    ordered = Product.objects.filter(pk__in=pks).with_has_orders().filter(has_orders=True).values_list("pk", flat=True)
    return {pk: str(IN_ORDERS) for pk in ordered}


def put_stock_back(changes, *, user, reason):
    services.apply_stock_changes_bulk(
        changes=changes, reason=MovementReason.ADJUSTMENT, user=user, note=reason, history_reason=reason
    )


def restore_stock(product, version, *, user, reason):
    """A restored product's stock comes back as a movement: its old movements went with it."""
    if version.stock:
        services.apply_stock_changes(
            changes={product: version.stock}, reason=MovementReason.ADJUSTMENT, user=user, note=reason,
            history_reason=reason,
        )  # fmt: skip


def register_rules():
    register(
        ModelRules(
            model=Product,
            status_field="status",
            apply_status=set_product_status,
            kept=frozenset({"stock", "units_sold", "published_at"}),
            delete=delete_products,
            in_use=products_in_orders,
            apply_stock=put_stock_back,
            parents={"category": _("restore the category first")},
            after_restore=restore_stock,
            delete_rank=0,
        )
    )
    register(ModelRules(model=Tag, delete=delete_unused_tags, delete_rank=1))
    register(
        ModelRules(
            model=Category,
            delete=delete_with_history,
            parents={"parent": _("restore the parent first")},
            delete_rank=2,
        )
    )
