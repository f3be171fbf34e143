"""Writing new products in bulk: by COPY on PostgreSQL (see ``backoffice.importing.pgcopy``)."""

from django.apps import apps

from backoffice.changesets import current_id
from backoffice.history import actor
from backoffice.importing import pgcopy
from inventory.choices import MovementReason
from inventory.models import Product, StockMovement


def opening_stock(product_id, stock, user, reason, now):
    """The ``import`` movement of a new product's opening stock: movements add up to the stock."""
    return StockMovement(
        product_id=product_id,
        delta=stock,
        stock_after=stock,
        reason=MovementReason.IMPORT,
        note=reason[:255],
        user=actor(user),
        created_at=now,
    )


def write_new_by_copy(new, *, user, reason, now):
    """New products, their tag links, history rows (with tag snapshots) and opening stock, by COPY."""
    history = Product.history.model
    through = Product.tags.through
    history_tags = apps.get_model("inventory", "HistoricalProduct_tags")  # simple-history's tag snapshots
    product_ids = pgcopy.reserve_ids(Product, len(new))
    history_ids = pgcopy.reserve_ids(history, len(new))
    links = sum(len(tags) for _v, _c, tags in new)
    link_ids = pgcopy.reserve_ids(through, links)
    user_id = getattr(user, "pk", None)
    product_columns, product_row = pgcopy.model_columns(Product)
    history_columns, history_row = pgcopy.model_columns(history)
    stamps = {"created_at": now, "updated_at": now}
    changes = {"history_date": now, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}
    changes["changeset_id"] = current_id()
    planned = list(zip(new, product_ids, history_ids))

    def records():
        for (values, category, _tags), pk, history_id in planned:
            yield {**values, **stamps, "id": pk, "category_id": category.pk}, history_id

    def links_of():
        """(link id, product id, tag id, history id), in the same order on every pass."""
        numbers = iter(link_ids)
        for (_values, _category, tags), pk, history_id in planned:
            for tag in tags:
                yield next(numbers), pk, tag.pk, history_id

    # Generators, not lists: rows go to the server as they are made, memory stays flat.
    pgcopy.copy_rows(Product, product_columns, (product_row(record) for record, _h in records()))
    pgcopy.copy_rows(through, ["id", "product_id", "tag_id"], (link[:3] for link in links_of()))
    pgcopy.copy_rows(
        history,
        history_columns,
        (history_row({**record, **changes, "history_id": history_id}) for record, history_id in records()),
    )
    snapshot_columns = ["id", "product_id", "tag_id", "history_id"]  # the snapshot's own key: its default
    pgcopy.copy_rows(history_tags, snapshot_columns, links_of())
    note = reason[:255]
    movements = (
        (pk, values["stock"], values["stock"], MovementReason.IMPORT.value, note, user_id, now)
        for (values, _c, _t), pk, _h in planned
        if values["stock"]
    )
    columns = ["product_id", "delta", "stock_after", "reason", "note", "user_id", "created_at"]
    pgcopy.copy_rows(StockMovement, columns, movements)
