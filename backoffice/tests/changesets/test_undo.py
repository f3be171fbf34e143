"""Undo a change set: all or nothing, through the services, refused with the rows in the way."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backoffice.changesets.models import ChangeSet
from backoffice.changesets.undo import undo_changeset
from backoffice.errors import ServiceError
from backoffice.importing.engine import import_file
from backoffice.tests.admin_support import messages_of, user_with_perms
from backoffice.tests.changesets.shop import assert_figures_hold, post_action, stocked
from inventory.choices import ProductStatus
from inventory.models import Category, Product, StockMovement
from inventory.tests.factories import CategoryFactory, TagFactory
from orders.services import place_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def undo_url(changeset):
    return reverse("admin:changesets_changeset_undo", args=[changeset.pk])


@pytest.fixture
def drafts(staff_user):
    return [stocked(f"DRAFT-{n}", n, user=staff_user, status=ProductStatus.DRAFT) for n in (1, 2, 3)]


def statuses():
    return dict(Product.objects.values_list("sku", "status"))


def test_a_bulk_publish_is_one_change_set_and_its_undo_puts_every_status_back(boss_client, drafts, superuser):
    post_action(boss_client, Product, "publish", drafts[:2])
    published = ChangeSet.objects.get()
    assert (published.kind, published.user, published.counts) == ("bulk", superuser, {"inventory.product": 2})
    assert published.reason == "Publish selected products"
    assert statuses() == {"DRAFT-1": "published", "DRAFT-2": "published", "DRAFT-3": "draft"}
    confirm = boss_client.get(undo_url(published))
    assert confirm.status_code == 200 and "Yes, undo it" in confirm.content.decode()
    response = boss_client.post(undo_url(published))
    undo = ChangeSet.objects.get(undo_of=published)
    assert response["Location"] == reverse("admin:changesets_changeset_change", args=[undo.pk])
    assert statuses() == {"DRAFT-1": "draft", "DRAFT-2": "draft", "DRAFT-3": "draft"}
    assert (undo.kind, undo.reason, undo.counts) == (
        "undo",
        f"undo of change set #{published.pk}",
        {"inventory.product": 2},
    )
    latest = Product.objects.get(sku="DRAFT-1").history.latest()
    assert (latest.history_change_reason, latest.changeset_id) == (f"undo of change set #{published.pk}", undo.pk)
    # The undo is a change set too: undoing it publishes them again.
    undo_changeset(changeset=undo, user=superuser)
    assert statuses() == {"DRAFT-1": "published", "DRAFT-2": "published", "DRAFT-3": "draft"}
    assert_figures_hold()


def test_a_set_is_undone_once(drafts, superuser, boss_client):
    post_action(boss_client, Product, "publish", drafts)
    published = ChangeSet.objects.get()
    undo = undo_changeset(changeset=published, user=superuser)
    with pytest.raises(ServiceError) as refused:
        undo_changeset(changeset=published, user=superuser)
    assert refused.value.message == (
        f"Change set #{published.pk} was already undone by change set #{undo.pk}; undo that one instead."
    )


CSV = (
    "sku,name,category,stock,tags\n"
    "NEW-1,New one,Kitchen,5,red\n"
    "NEW-2,New two,Kitchen > Cups,0,\n"
    "OLD-1,Renamed old,Garden,9,\n"
)


def test_undo_of_an_import_removes_created_rows_and_puts_updated_ones_back(superuser, staff_user):
    garden = CategoryFactory(name="Garden", slug="garden")
    old = stocked("OLD-1", 4, user=staff_user, name="Old one", category=garden, tags=[TagFactory(name="blue")])
    report = import_file("product", CSV.encode(), file_name="products.csv", user=superuser, dry_run=False)
    assert report.committed, report.errors
    imported = ChangeSet.objects.get()
    assert imported.kind == "import"
    assert imported.counts == {"inventory.category": 2, "inventory.product": 4, "inventory.tag": 1}
    undo_changeset(changeset=imported, user=superuser)
    old.refresh_from_db()
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["OLD-1"]
    assert (old.name, old.stock, list(old.tags.values_list("name", flat=True))) == ("Old one", 4, ["blue"])
    assert sorted(Category.objects.values_list("name", flat=True)) == ["Garden"]
    # The stock went back through a movement, so the movements still add up.
    assert list(old.stock_movements.order_by("pk").values_list("delta", "reason")) == [
        (4, "restock"),
        (5, "import"),
        (-5, "adjustment"),
    ]
    assert not StockMovement.objects.exclude(product=old).exists()
    assert_figures_hold()


def test_an_import_whose_product_was_ordered_since_is_not_undone(superuser, staff_user):
    CategoryFactory(name="Garden", slug="garden")
    stocked("OLD-1", 4, user=staff_user, name="Old one")
    import_file("product", CSV.encode(), file_name="products.csv", user=superuser, dry_run=False)
    imported = ChangeSet.objects.get()
    new = Product.objects.get(sku="NEW-1")
    Product.objects.filter(pk=new.pk).update(status=ProductStatus.PUBLISHED)
    place_order(customer=CustomerFactory(), lines=[(new, 1)], user=staff_user)
    with pytest.raises(ServiceError) as refused:
        undo_changeset(changeset=imported, user=superuser)
    assert refused.value.code == "undo_blocked"
    assert [(b.label, b.why) for b in refused.value.blockers] == [
        ("New one (NEW-1)", "changed since by clerk on " + new.history.latest().history_date.strftime("%Y-%m-%d %H:%M")
         + f" (stock -1 (sale) for {new.order_lines.get().order.number})"),
        ("New one (NEW-1)", "it appears in orders since (archive it instead)"),
    ]  # fmt: skip
    assert Product.objects.filter(sku__startswith="NEW-").count() == 2  # nothing undone
    assert_figures_hold()


def test_the_undo_page_lists_rows_changed_since_and_undoes_nothing(boss_client, drafts, staff_user):
    post_action(boss_client, Product, "publish", drafts)
    published = ChangeSet.objects.get()
    renamed = Product.objects.get(sku="DRAFT-2")
    renamed.name = "Renamed"
    renamed._history_user, renamed._change_reason = staff_user, "changed in admin: name"
    renamed.save()
    page = boss_client.get(undo_url(published))
    html = page.content.decode()
    assert 'id="undo-blockers"' in html and "Renamed (DRAFT-2): changed since by clerk on" in html
    assert "Yes, undo it" not in html
    boss_client.post(undo_url(published))
    assert set(statuses().values()) == {"published"}
    assert ChangeSet.objects.count() == 1


def test_undo_needs_undo_changeset_and_the_original_permissions(admin_client_as, boss_client, drafts):
    post_action(boss_client, Product, "publish", drafts)
    published = ChangeSet.objects.get()
    viewer = admin_client_as(user_with_perms("viewer", "changesets.view_changeset", "inventory.change_product"))
    assert viewer.post(undo_url(published)).status_code == 403
    undoer = admin_client_as(user_with_perms("undoer", "changesets.view_changeset", "changesets.undo_changeset"))
    response = undoer.post(undo_url(published), follow=True)
    assert messages_of(response)[-1] == (
        "Undoing this change set needs permissions you do not have: inventory.change_product."
    )
    assert set(statuses().values()) == {"published"}


def test_undo_of_a_tier_change_goes_through_the_tier_service(boss_client, superuser):
    from orders.models import Customer

    ann = CustomerFactory(email="ann@example.com")
    post_action(boss_client, Customer, "change_tier", [ann])
    boss_client.post(
        reverse("admin:orders_customer_changelist"),
        {"action": "change_tier", "_selected_action": [ann.pk], "apply": "1", "tier": "gold", "reason": ""},
    )
    changed = ChangeSet.objects.get()
    assert Customer.objects.get(pk=ann.pk).tier == "gold"
    undo_changeset(changeset=changed, user=superuser)
    ann.refresh_from_db()
    assert ann.tier == "regular"
    assert ann.history.latest().history_change_reason == f"undo of change set #{changed.pk}"
    assert Decimal(ann.lifetime_value) == Decimal("0.00")


def test_undo_of_a_bulk_cancel_is_refused_by_the_order_lifecycle(boss_client, superuser, staff_user):
    from orders.models import Order

    shirt = stocked("SHIRT-1", 26, user=staff_user)
    order = place_order(customer=CustomerFactory(), lines=[(shirt, 3)], user=staff_user)
    boss_client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "change_status", "_selected_action": [order.pk], "apply": "1", "to_status": "cancelled"},
    )
    cancelled = ChangeSet.objects.get()
    assert cancelled.counts == {"inventory.product": 1, "orders.order": 1}
    with pytest.raises(ServiceError) as refused:
        undo_changeset(changeset=cancelled, user=superuser)
    assert refused.value.message == (
        f"Order {order.number} cannot move from cancelled to placed. Allowed from cancelled: nothing (final status)."
    )
    shirt.refresh_from_db()
    assert (Order.objects.get().status, shirt.stock, ChangeSet.objects.count()) == ("cancelled", 26, 1)
    assert_figures_hold()


def test_an_imported_tag_put_on_another_product_since_is_not_deleted_by_the_undo(superuser, staff_user):
    from inventory.models import Tag

    CategoryFactory(name="Garden", slug="garden")
    stocked("OLD-1", 4, user=staff_user, name="Old one")
    other = stocked("OTHER-1", 1, user=staff_user)  # not in the file
    import_file("product", CSV.encode(), file_name="products.csv", user=superuser, dry_run=False)
    imported = ChangeSet.objects.get()
    other.tags.add(Tag.objects.get(name="red"))  # tagged by hand since: its row changes, not the tag's
    with pytest.raises(ServiceError) as refused:
        undo_changeset(changeset=imported, user=superuser)
    assert refused.value.message == "Tag red is on products since; nothing was undone. Remove it from them first."
    assert Product.objects.filter(sku__startswith="NEW-").count() == 2
    assert list(other.tags.values_list("name", flat=True)) == ["red"]
