"""The trigram indexes behind product search exist on PostgreSQL and the planner can use them."""

import pytest
from django.db import connection

from backoffice.db import capabilities
from inventory.models import Product
from inventory.tests.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(not capabilities().trigram, reason="pg_trgm is PostgreSQL's"),
]


def test_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s AND tablename LIKE %s",
            ["%_trgm", "inventory_%"],
        )
        rows = dict(cursor.fetchall())
    assert sorted(rows) == ["inventory_product_name_trgm", "inventory_product_sku_trgm", "inventory_tag_name_trgm"]
    assert all("gin_trgm_ops" in definition and "upper" in definition for definition in rows.values())


def test_search_can_use_the_name_index():
    ProductFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_product")
        # Tiny tables are scanned whole; forbid that (and plain btree walks) to see the trigram path.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Product.objects.filter(name__icontains="lamp").order_by().explain()
    assert "inventory_product_name_trgm" in plan


def _admin_search_plan(term):
    from django.contrib import admin
    from django.test import RequestFactory

    from inventory.tests.factories import UserFactory

    request = RequestFactory().get("/", {"q": term})
    request.user = UserFactory(username="boss", is_superuser=True)
    model_admin = admin.site._registry[Product]
    queryset, _ = model_admin.get_search_results(request, model_admin.get_queryset(request), term)
    return queryset.order_by("name", "pk")[:50].explain()


def test_admin_search_reads_the_matches_once_then_the_products_by_key():
    """The changelist's search: each branch on its trigram index, the products by primary key.

    ``pk IN (union)`` made PostgreSQL hash-join the matches against a scan of every product
    (bench/RESULTS.md); ``pk = ANY(ARRAY(union))`` runs the union once (an InitPlan) and fetches
    what it returned through the primary key.
    """
    category = ProductFactory().category
    Product.objects.bulk_create(
        Product(sku=f"BULK-{n:05d}", name=f"Item {n}", slug=f"item-{n}", category=category) for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_product")
        # Small tables are cheaper to scan whole than through any index: forbid that, as a
        # 100k-row catalogue would.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _admin_search_plan("01234")
    assert "= ANY" in plan and "InitPlan" in plan
    # (The tag branch reads the few tags whole; its trigram index serves large tag tables.)
    for index in ["inventory_product_sku_trgm", "inventory_product_name_trgm"]:
        assert f"Bitmap Index Scan on {index}" in plan, plan
    assert "Index Scan using inventory_product_pkey on inventory_product " in plan, plan
    assert "Hash Join" not in plan and "Hash Semi Join" not in plan, plan
