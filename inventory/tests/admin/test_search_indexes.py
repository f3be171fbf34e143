"""The trigram indexes behind product search exist on PostgreSQL and the planner can use them."""

import pytest
from django.db import connection

from inventory.models import Product
from inventory.tests.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's"),
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
