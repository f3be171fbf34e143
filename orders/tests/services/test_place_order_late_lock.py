"""place_order locks the products only to take their stock, last (bench/): what that must keep."""

import threading

import pytest
from django.db import connection, transaction

from backoffice.db import capabilities
from backoffice.errors import ServiceError
from inventory.choices import ProductStatus
from inventory.models import Product, StockMovement
from inventory.services import _lock_products
from inventory.tests.factories import ProductFactory
from orders import services
from orders.models import Order, OrderLine
from orders.services import place_order
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_product_unpublished_after_its_price_was_read_refuses_the_order(monkeypatch, staff_user):
    product = ProductFactory(sku="LATE-1", stock=5)
    read_prices = services._priced_products

    def prices_then_a_colleague_unpublishes(product_ids):
        priced = read_prices(product_ids)
        Product.objects.filter(pk=product.pk).update(status=ProductStatus.DRAFT)
        return priced

    monkeypatch.setattr(services, "_priced_products", prices_then_a_colleague_unpublishes)
    with pytest.raises(ServiceError) as refused:
        place_order(customer=CustomerFactory(), lines=[(product, 2)], user=staff_user)
    assert refused.value.code == "product_not_for_sale"
    assert "LATE-1" in refused.value.message
    product.refresh_from_db()
    assert (product.stock, product.status) == (5, ProductStatus.PUBLISHED)  # all undone, the unpublish too
    assert (Order.objects.count(), OrderLine.objects.count(), StockMovement.objects.count()) == (0, 0, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_order_line_is_written_while_another_order_holds_the_stock_lock(staff_user):
    """FOR NO KEY UPDATE: an order line's foreign-key check does not wait for the stock lock."""
    if not capabilities().no_key_update:
        pytest.skip("row lock modes are PostgreSQL's")
    product = ProductFactory(sku="LATE-2")
    customer = CustomerFactory()
    locked, release = threading.Event(), threading.Event()

    def hold_the_stock_lock():
        try:
            with transaction.atomic():
                _lock_products([product.pk])
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_stock_lock)
    holder.start()
    try:
        assert locked.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            order = Order.objects.create(number="ORD-LATE-2", customer=customer)
            OrderLine.objects.create(order=order, product=product, quantity=1, unit_price=1)  # no lock timeout
    finally:
        release.set()
        holder.join()
    assert OrderLine.objects.filter(order__number="ORD-LATE-2", product=product).count() == 1
