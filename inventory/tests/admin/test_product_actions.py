"""Bulk and detail actions of the product admin: exact rows, history, permissions, POST only."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from backoffice.tests.admin_support import changelist_url, run_action, user_with_perms
from inventory import services
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product, StockMovement
from inventory.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _status(product):
    return Product.objects.values_list("status", flat=True).get(pk=product.pk)


def _last_history(product):
    return Product.history.filter(id=product.pk).order_by("-history_date", "-history_id").first()


def _messages(client):
    response = client.get(changelist_url(Product))
    return [str(m) for m in response.context["messages"]]


def test_publish_changes_only_unpublished_and_reports_skips(boss_client, superuser, catalogue):
    response = run_action(boss_client, Product, "publish", [catalogue["shirt"], catalogue["hat"]])
    assert response.status_code == 302
    assert _status(catalogue["hat"]) == ProductStatus.PUBLISHED
    assert _status(catalogue["shirt"]) == ProductStatus.PUBLISHED
    history = _last_history(catalogue["hat"])
    assert (history.history_user, history.history_change_reason) == (superuser, "published in admin")
    assert Product.history.filter(id=catalogue["shirt"].pk, history_change_reason="published in admin").count() == 0
    assert _messages(boss_client) == ["1 products published. 1 skipped: already published (1)."]


def test_unpublish_and_archive(boss_client, superuser, catalogue):
    run_action(boss_client, Product, "unpublish", [catalogue["shirt"], catalogue["boots"]])
    assert _status(catalogue["shirt"]) == ProductStatus.DRAFT
    assert _status(catalogue["boots"]) == ProductStatus.ARCHIVED  # archived products are skipped
    page = run_action(boss_client, Product, "archive", [catalogue["socks"]])
    assert page.status_code == 200 and "Archive products" in page.content.decode()
    assert _status(catalogue["socks"]) == ProductStatus.PUBLISHED  # the confirmation page changes nothing
    run_action(boss_client, Product, "archive", [catalogue["socks"]], reason="end of line")
    assert _status(catalogue["socks"]) == ProductStatus.ARCHIVED
    history = _last_history(catalogue["socks"])
    assert (history.history_user, history.history_change_reason) == (superuser, "archived in admin: end of line")


def test_delete_refuses_products_in_orders_with_names(boss_client, superuser, catalogue):
    targets = [catalogue["shirt"], catalogue["hat"], catalogue["boots"]]
    confirm = run_action(boss_client, Product, "delete_products", targets)
    assert confirm.status_code == 200
    assert Product.objects.count() == 4
    run_action(boss_client, Product, "delete_products", targets, reason="")
    assert set(Product.objects.values_list("sku", flat=True)) == {"SHIRT-1", "SOCK-1", "BOOT-1"}
    deleted = Product.history.filter(id=catalogue["hat"].pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (superuser, "deleted in admin")
    (message,) = _messages(boss_client)
    assert message.startswith("1 products deleted. 2 skipped: they appear in orders (archive them instead) (2).")
    assert "Alpha shirt (SHIRT-1)" in message and "Delta boots (BOOT-1)" in message and "Archive them" in message


def test_delete_action_keeps_the_typed_reason_in_history(boss_client, superuser, catalogue):
    run_action(boss_client, Product, "delete_products", [catalogue["hat"]], reason="duplicate entry")
    assert not Product.objects.filter(pk=catalogue["hat"].pk).exists()
    deleted = Product.history.filter(id=catalogue["hat"].pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (superuser, "deleted in admin: duplicate entry")


def test_django_delete_selected_is_not_offered(boss_client, catalogue):
    response = boss_client.get(changelist_url(Product))
    choices = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in choices
    assert {"publish", "unpublish", "archive", "delete_products", "adjust_stock_bulk"} <= set(choices)


def test_bulk_adjust_stock_skips_what_would_go_negative(boss_client, superuser, catalogue):
    targets = [catalogue["shirt"], catalogue["hat"], catalogue["socks"]]
    run_action(boss_client, Product, "adjust_stock_bulk", targets, delta="-5", note="stock count")
    stocks = dict(Product.objects.values_list("sku", "stock"))
    assert (stocks["SHIRT-1"], stocks["HAT-1"], stocks["SOCK-1"]) == (5, 3, 0)
    movement = StockMovement.objects.get()
    assert (movement.product, movement.delta, movement.reason, movement.note, movement.user) == (
        catalogue["shirt"],
        -5,
        MovementReason.ADJUSTMENT,
        "stock count",
        superuser,
    )
    history = _last_history(catalogue["shirt"])
    assert (history.history_user, history.history_change_reason) == (superuser, "stock -5 (adjustment): stock count")
    (message,) = _messages(boss_client)
    assert message.startswith("1 products adjusted. 2 skipped: Not enough stock of HAT-1")


def test_bulk_adjust_stock_form_errors_change_nothing(boss_client, catalogue):
    page = run_action(boss_client, Product, "adjust_stock_bulk", [catalogue["shirt"]], delta="0", note="")
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert "delta" in errors and "note" in errors
    assert StockMovement.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("publish", {}),
        ("unpublish", {}),
        ("archive", {"reason": "x"}),
        ("delete_products", {"reason": ""}),
        ("adjust_stock_bulk", {"delta": "5", "note": "x"}),
    ],
)
def test_actions_refused_without_permission(admin_client_as, catalogue, action, form):
    viewer = user_with_perms("viewer", "inventory.view_product")
    client = admin_client_as(viewer)
    before = list(Product.objects.order_by("pk").values_list("status", "stock"))
    response = run_action(client, Product, action, [catalogue["hat"], catalogue["socks"]], **form)
    assert response.status_code in (200, 302, 403)
    assert list(Product.objects.order_by("pk").values_list("status", "stock")) == before
    assert Product.objects.count() == 4
    assert StockMovement.objects.count() == 0


def test_adjust_stock_needs_its_own_permission(admin_client_as, catalogue):
    editor = user_with_perms("editor", "inventory.view_product", "inventory.change_product")
    client = admin_client_as(editor)
    run_action(client, Product, "adjust_stock_bulk", [catalogue["shirt"]], delta="5", note="x")
    assert StockMovement.objects.count() == 0
    url = reverse("admin:inventory_product_adjust_stock_detail", args=[catalogue["shirt"].pk])
    assert client.post(url, {"delta": "5", "note": "x", "_form_submitted": "1"}).status_code == 403


def test_get_runs_no_action(boss_client, catalogue):
    boss_client.get(changelist_url(Product), {"action": "publish", ACTION_CHECKBOX_NAME: [catalogue["hat"].pk]})
    assert _status(catalogue["hat"]) == ProductStatus.DRAFT


def test_detail_adjust_stock(boss_client, superuser, catalogue):
    url = reverse("admin:inventory_product_adjust_stock_detail", args=[catalogue["hat"].pk])
    form_page = boss_client.get(url)
    assert form_page.status_code == 200 and 'name="delta"' in form_page.content.decode()
    assert StockMovement.objects.count() == 0
    response = boss_client.post(url, {"delta": "7", "note": "found in storage", "_form_submitted": "1"})
    assert response.status_code == 302
    assert Product.objects.get(pk=catalogue["hat"].pk).stock == 10
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.user, movement.note) == (7, superuser, "found in storage")
    history = _last_history(catalogue["hat"])
    assert history.history_change_reason == "stock +7 (adjustment): found in storage"
    change_page = boss_client.get(reverse("admin:inventory_product_change", args=[catalogue["hat"].pk]))
    assert "stock +7 (adjustment): found in storage" in change_page.content.decode()  # the History tab


def test_detail_adjust_stock_refusal_is_shown_in_the_dialog(boss_client, catalogue):
    url = reverse("admin:inventory_product_adjust_stock_detail", args=[catalogue["hat"].pk])
    response = boss_client.post(
        url, {"delta": "-9", "note": "count", "_form_submitted": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Not enough stock of HAT-1: 3 in stock, 9 requested." in response.content.decode()
    assert Product.objects.get(pk=catalogue["hat"].pk).stock == 3


def test_detail_adjust_stock_via_htmx_redirects(boss_client, catalogue):
    url = reverse("admin:inventory_product_adjust_stock_detail", args=[catalogue["shirt"].pk])
    response = boss_client.post(url, {"delta": "1", "note": "x", "_form_submitted": "1"}, headers={"HX-Request": "1"})
    assert response["HX-Redirect"] == reverse("admin:inventory_product_change", args=[catalogue["shirt"].pk])


def test_delete_page_goes_through_the_service(boss_client, superuser, catalogue):
    url = reverse("admin:inventory_product_delete", args=[catalogue["hat"].pk])
    assert boss_client.post(url, {"post": "yes"}).status_code == 302
    deleted = Product.history.filter(id=catalogue["hat"].pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (superuser, "deleted in admin")
    shirt = catalogue["shirt"]
    ordered = reverse("admin:inventory_product_delete", args=[shirt.pk])
    for refused in (boss_client.get(ordered), boss_client.post(ordered, {"post": "yes"})):
        # Not Django's "protected objects" page: back to the product, with the advice to archive it.
        assert refused["Location"] == reverse("admin:inventory_product_change", args=[shirt.pk])
    assert _messages(boss_client)[-1] == (
        f"{shirt} appears in orders and cannot be deleted. Archive it instead: archiving keeps it out of the shop "
        "and keeps the order history."
    )
    assert Product.objects.filter(pk=shirt.pk).exists()


def test_a_never_ordered_product_with_stock_movements_is_deleted_from_its_page(admin_client_as, catalogue):
    from backoffice.tests.admin_support import ROLE_CATALOG, user_in_role
    from inventory.services import restock

    manager = user_in_role(ROLE_CATALOG, "manager-1")
    hat = catalogue["hat"]
    restock(product=hat, quantity=3, user=manager)
    client = admin_client_as(manager)
    url = reverse("admin:inventory_product_delete", args=[hat.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["perms_lacking"] == set()
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Product.objects.filter(pk=hat.pk).exists()
    assert not StockMovement.objects.filter(product_id=hat.pk).exists()
    deleted = Product.history.filter(id=hat.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (
        manager,
        "deleted in admin (its stock movements went with it)",
    )


def test_detail_status_buttons_call_the_services(boss_client, superuser, catalogue):
    hat = catalogue["hat"]
    url = reverse("admin:inventory_product_publish_detail", args=[hat.pk])
    dialog = boss_client.get(url)  # the dialog; nothing changes on GET
    assert dialog.status_code == 200 and "Optional; kept in the product's history." in dialog.content.decode()
    assert _status(hat) == ProductStatus.DRAFT
    response = boss_client.post(url, {"reason": "spring range", "_form_submitted": "1"})
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:inventory_product_change", args=[hat.pk]),
    )
    product = Product.objects.get(pk=hat.pk)
    assert (product.status, product.published_at is not None) == (ProductStatus.PUBLISHED, True)
    history = _last_history(hat)
    assert (history.history_user, history.history_change_reason) == (superuser, "published in admin: spring range")
    archive = reverse("admin:inventory_product_archive_detail", args=[hat.pk])
    response = boss_client.post(archive, {"reason": "", "_form_submitted": "1"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("admin:inventory_product_change", args=[hat.pk])
    assert _status(hat) == ProductStatus.ARCHIVED


def test_status_is_not_a_form_field(boss_client, catalogue):
    page = boss_client.get(reverse("admin:inventory_product_change", args=[catalogue["hat"].pk]))
    assert "status" not in page.context["adminform"].form.fields
    html = page.content.decode()  # a draft: publish and archive are offered, unpublish is not
    assert "/publish_detail/" in html and "/archive_detail/" in html and "/unpublish_detail/" not in html
    shirt = boss_client.get(reverse("admin:inventory_product_change", args=[catalogue["shirt"].pk])).content.decode()
    assert "/publish_detail/" not in shirt and "/unpublish_detail/" in shirt


def test_detail_status_buttons_need_change_permission(admin_client_as, catalogue):
    client = admin_client_as(user_with_perms("viewer", "inventory.view_product"))
    url = reverse("admin:inventory_product_publish_detail", args=[catalogue["hat"].pk])
    assert client.post(url, {"reason": "", "_form_submitted": "1"}).status_code == 403
    assert _status(catalogue["hat"]) == ProductStatus.DRAFT


SERVICES = {"publish": "publish_products", "unpublish": "unpublish_products", "archive": "archive_products"}


@pytest.mark.parametrize("status", ProductStatus.values)
@pytest.mark.parametrize("move", sorted(SERVICES))
def test_a_status_button_shows_exactly_when_its_service_would_change_the_product(boss_client, superuser, status, move):
    """The page offers a move iff the service does it (not skip it): the admin restates no skip rule."""
    shown = ProductFactory(sku="SHOWN-1", status=status)
    html = boss_client.get(reverse("admin:inventory_product_change", args=[shown.pk])).content.decode()
    moved = ProductFactory(sku="MOVED-1", status=status)
    result = getattr(services, SERVICES[move])(products=[moved], user=superuser, reason="test")
    assert (f"/{move}_detail/" in html) == (result.changed == 1)
