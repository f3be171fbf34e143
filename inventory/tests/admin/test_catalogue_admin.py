"""Categories, tags and stock movements in the admin; history, revert and the Auditor role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backoffice.tests.admin_support import (
    ROLE_AUDITOR,
    change_url,
    changelist_url,
    messages_of,
    result_pks,
    run_action,
    user_in_role,
    user_with_perms,
)
from inventory.category_services import CATEGORY_IN_USE
from inventory.models import Category, Product, StockMovement, Tag
from inventory.services import adjust_stock
from inventory.tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Category, Tag, StockMovement])
def test_smoke_pages(boss_client, superuser, catalogue, model):
    adjust_stock(product=catalogue["shirt"], delta=2, reason="restock", user=superuser)
    opts = model._meta
    assert boss_client.get(changelist_url(model)).status_code == 200
    assert boss_client.get(changelist_url(model), {"q": "s"}).status_code == 200
    add = boss_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model is StockMovement else 200)
    assert boss_client.get(change_url(model.objects.first())).status_code == 200


def test_category_product_count_column(boss_client, catalogue):
    response = boss_client.get(changelist_url(Category))
    counts = {c.name: c.product_count for c in response.context["cl"].result_list}
    assert counts == {"Basics": 3, "Hats": 1}


def test_stock_movements_are_read_only(boss_client, superuser, catalogue):
    movement = adjust_stock(product=catalogue["shirt"], delta=2, reason="restock", user=superuser)
    response = boss_client.post(change_url(movement), {"delta": "100"})
    assert response.status_code == 403
    assert StockMovement.objects.get().delta == 2
    assert result_pks(boss_client.get(changelist_url(StockMovement), {"reason__exact": "restock"})) == [movement.pk]
    assert result_pks(boss_client.get(changelist_url(StockMovement), {"reason__exact": "sale"})) == []


def test_stock_movements_no_add_change_delete_for_anyone_but_export_for_catalog_manager(
    admin_client_as, boss_client, superuser, catalogue
):
    from backoffice.tests.admin_support import ROLE_CATALOG
    from inventory.admin.catalogue import StockMovementAdmin

    movement = adjust_stock(product=catalogue["shirt"], delta=2, reason="restock", user=superuser)
    manager = user_in_role(ROLE_CATALOG, "cathy")
    model_admin = StockMovementAdmin(StockMovement, None)
    for user in (superuser, manager):
        request = type("Request", (), {"user": user})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, movement)
        assert not model_admin.has_delete_permission(request, movement)
        assert not model_admin.has_import_permission(request)
        assert model_admin.has_export_permission(request)
    delete = boss_client.post(reverse("admin:inventory_stockmovement_delete", args=[movement.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert StockMovement.objects.count() == 1
    client = admin_client_as(manager)
    page = client.get(changelist_url(StockMovement))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("admin:inventory_stockmovement_export") in html
    assert reverse("admin:inventory_stockmovement_add") not in html
    assert client.get(reverse("admin:inventory_stockmovement_export")).status_code == 200


def test_admin_edit_records_user_and_changed_fields(boss_client, superuser):
    category = Category.objects.create(name="Shoes", slug="shoes")
    response = boss_client.post(change_url(category), {"name": "Footwear", "slug": "shoes", "default_price": "12.50"})
    assert response.status_code == 302
    latest = category.history.order_by("-history_id").first()
    assert latest.history_user == superuser
    assert latest.history_change_reason == "changed in admin: name, default_price"


def test_history_page_lists_user_reason_and_changes(boss_client, superuser):
    category = Category.objects.create(name="Shoes", slug="shoes")
    boss_client.post(change_url(category), {"name": "Footwear", "slug": "shoes", "default_price": ""})
    html = boss_client.get(reverse("admin:inventory_category_history", args=[category.pk])).content.decode()
    assert "changed in admin: name" in html
    assert str(superuser) in html
    assert "Shoes" in html and "Footwear" in html  # the diff of the changed field


def test_revert_is_recorded_with_reason(boss_client, superuser):
    # Other rows first, so history ids and the category's id differ (a pk/history_id mix-up shows).
    for index in range(3):
        Category.objects.create(name=f"Other {index}", slug=f"other-{index}").save()
    category = Category.objects.create(name="Shoes", slug="shoes", default_price=Decimal("9.00"))
    first = category.history.get()
    boss_client.post(change_url(category), {"name": "Footwear", "slug": "shoes", "default_price": "12.50"})
    url = reverse("admin:inventory_category_simple_history", args=[category.pk, first.history_id])
    response = boss_client.post(url, {"name": "Shoes", "slug": "shoes", "default_price": "9.00", "_save": "1"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.default_price) == ("Shoes", Decimal("9.00"))
    latest = category.history.order_by("-history_id").first()
    assert latest.history_user == superuser
    date = first.history_date.strftime("%Y-%m-%d %H:%M:%S")
    assert latest.history_change_reason == f"reverted to version of {date}"
    assert response["Location"] == change_url(category)
    shown = [str(m) for m in boss_client.get(response["Location"]).context["messages"]]
    # The edit's message, then the revert's own (not Django's generic "changed successfully").
    assert len(shown) == 2
    assert shown[1] == f'The category "Shoes" was reverted to the version of {date}.'


def test_history_list_names_system_for_records_without_user(boss_client, superuser):
    category = Category.objects.create(name="Shoes", slug="shoes")  # no user: like the demo load
    category.name = "Footwear"
    category._history_user = superuser
    category.save()
    html = boss_client.get(reverse("admin:inventory_category_history", args=[category.pk])).content.decode()
    assert '<span class="text-subtle" data-history-user="system">system</span>' in html
    assert "/auth/user/None/" not in html and ">None<" not in html
    assert reverse("admin:auth_user_change", args=[superuser.pk]) in html


def test_version_page_is_read_only_for_the_auditor(admin_client_as, boss_client):
    category = Category.objects.create(name="Shoes", slug="shoes", default_price=Decimal("9.00"))
    first = category.history.get()
    url = reverse("admin:inventory_category_simple_history", args=[category.pk, first.history_id])
    editor_html = boss_client.get(url).content.decode()
    assert 'name="name"' in editor_html and "Press the 'Revert' button" in editor_html
    # The same client, now logged in as the Auditor.
    html = admin_client_as(user_in_role(ROLE_AUDITOR, "audrey")).get(url).content.decode()
    assert 'name="name"' not in html and 'name="default_price"' not in html
    assert "Shoes" in html and "9.00" in html
    assert "bg-blue-100" not in html  # no (empty) notice bar
    assert ">Revert<" not in "".join(html.split())


def test_revert_needs_change_permission(admin_client_as):
    category = Category.objects.create(name="Shoes", slug="shoes")
    first = category.history.get()
    viewer = user_with_perms("viewer", "inventory.view_category")
    client = admin_client_as(viewer)
    url = reverse("admin:inventory_category_simple_history", args=[category.pk, first.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Hacked", "slug": "shoes", "_save": "1"}).status_code == 403
    assert Category.objects.get().name == "Shoes"


def test_auditor_sees_lists_and_history_but_cannot_write(admin_client_as, catalogue):
    auditor = user_in_role(ROLE_AUDITOR, "audrey")
    client = admin_client_as(auditor)
    shirt = catalogue["shirt"]
    for model in [Product, Category, Tag, StockMovement]:
        assert client.get(changelist_url(model)).status_code == 200
    assert client.get(reverse("admin:inventory_product_history", args=[shirt.pk])).status_code == 200
    page = client.get(changelist_url(Product))
    assert page.context["action_form"] is None  # no bulk action at all
    assert client.get(reverse("admin:inventory_product_add")).status_code == 403
    assert client.post(change_url(shirt), {"name": "x"}).status_code == 403
    assert client.get(reverse("admin:inventory_product_delete", args=[shirt.pk])).status_code == 403
    change_page = client.get(change_url(shirt)).content.decode()
    assert "adjust_stock_detail" not in change_page
    url = reverse("admin:inventory_product_adjust_stock_detail", args=[shirt.pk])
    assert client.post(url, {"delta": "5", "note": "x", "_form_submitted": "1"}).status_code == 403
    run_action(client, Product, "archive", [shirt], reason="x")
    assert Product.objects.get(pk=shirt.pk).status == "published"


def test_skus_do_not_wrap_in_lists(boss_client, superuser, catalogue):
    adjust_stock(product=catalogue["shirt"], delta=2, reason="restock", user=superuser)
    nowrap = '<span class="whitespace-nowrap">SHIRT-1</span>'
    assert nowrap in boss_client.get(changelist_url(StockMovement)).content.decode()


def test_product_page_has_one_row_of_tabs_and_untitled_movement_rows(boss_client, superuser, catalogue):
    from inventory.admin.product import ProductAdmin, RecentStockMovementInline

    adjust_stock(product=catalogue["shirt"], delta=2, reason="restock", user=superuser)
    assert not any("tab" in options.get("classes", []) for _name, options in ProductAdmin.fieldsets)
    assert [name for name, _options in ProductAdmin.fieldsets] == [None, "Pricing and stock", "Recent changes"]
    assert RecentStockMovementInline.tab and not RecentStockMovementInline.show_title
    html = boss_client.get(change_url(catalogue["shirt"])).content.decode()
    assert "StockMovement object" not in html and "activeFieldsetTab" not in html


def _movement_list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url(StockMovement))
    assert response.status_code == 200
    return len(queries), len(result_pks(response))


def test_stock_movement_list_query_count_does_not_grow_with_rows(boss_client, superuser):
    from orders.tests.factories import OrderFactory

    order = OrderFactory()
    products = [ProductFactory(stock=5) for _ in range(3)]

    def movements(count):
        for n in range(count):
            StockMovement.objects.create(
                product=products[n % 3], delta=1, stock_after=5, reason="restock", order=order, user=superuser
            )

    movements(2)
    small, shown_small = _movement_list_queries(boss_client)
    movements(20)
    large, shown_large = _movement_list_queries(boss_client)
    assert (shown_small, shown_large) == (2, 22)
    assert small == large


def _in_use(category, products, children):
    return CATEGORY_IN_USE % {"name": category.name, "products": products, "children": children}


def test_admin_delete_page_of_a_category_in_use_gives_the_services_message(boss_client):
    shoes = CategoryFactory(name="Shoes")
    ProductFactory(category=shoes)
    url = reverse("admin:inventory_category_delete", args=[shoes.pk])
    for response in (boss_client.get(url, follow=True), boss_client.post(url, {"post": "yes"}, follow=True)):
        assert messages_of(response) == [_in_use(shoes, 1, 0)]
    assert Category.objects.filter(pk=shoes.pk).exists()
    assert not Category.history.filter(id=shoes.pk, history_type="-").exists()


def test_admin_delete_page_deletes_an_empty_category_through_the_service(boss_client, superuser):
    empty = CategoryFactory(name="Empty")
    url = reverse("admin:inventory_category_delete", args=[empty.pk])
    assert boss_client.post(url, {"post": "yes"}).status_code == 302
    gone = Category.history.get(id=empty.pk, history_type="-")
    assert (gone.history_user, gone.history_change_reason) == (superuser, "deleted in admin")


def test_admin_bulk_delete_refuses_categories_in_use_with_the_services_message(boss_client, superuser):
    hats, empty = CategoryFactory(name="Hats"), CategoryFactory(name="Empty")
    ProductFactory(category=hats)
    assert (
        "delete_selected"
        not in boss_client.get(changelist_url(Category)).context["action_form"].fields["action"].choices.__str__()
    )
    response = run_action(boss_client, Category, "delete_categories", [hats, empty], reason="spring clean")
    text = " ".join(messages_of(boss_client.get(changelist_url(Category))))
    assert response.status_code == 302
    assert "1 categories deleted." in text and _in_use(hats, 1, 0) in text
    assert list(Category.objects.filter(pk__in=[hats.pk, empty.pk]).values_list("name", flat=True)) == ["Hats"]
    gone = Category.history.get(id=empty.pk, history_type="-")
    assert (gone.history_user, gone.history_change_reason) == (superuser, "deleted in admin: spring clean")


def test_admin_bulk_delete_needs_the_delete_permission(admin_client_as):
    empty = CategoryFactory(name="Empty")
    client = admin_client_as(user_with_perms("viewer", "inventory.view_category", "inventory.change_category"))
    run_action(client, Category, "delete_categories", [empty], reason="")
    assert Category.objects.filter(pk=empty.pk).exists()
