"""The daily low-stock mail (inventory.tasks, scheduled in settings.JOB_SCHEDULE)."""

import pytest
from django.core import mail

from backoffice.tests.admin_support import user_with_perms
from inventory.choices import ProductStatus
from inventory.tasks import send_low_stock_alert
from inventory.tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_mail_lists_low_products_still_for_sale_to_those_who_may_change_them(settings):
    settings.LOW_STOCK_THRESHOLD = 5
    ProductFactory(sku="LOW-2", name="Two left", stock=2)
    ProductFactory(sku="LOW-0", name="None left", stock=0)
    ProductFactory(sku="FINE-1", name="Plenty", stock=6)
    ProductFactory(sku="OLD-1", name="Archived", stock=0, status=ProductStatus.ARCHIVED)
    user_with_perms("manager", "inventory.change_product")
    UserFactory(username="viewer")
    result = send_low_stock_alert.call()
    assert result == 1
    [message] = mail.outbox
    assert (message.subject, message.to) == ("Low stock: 2 product(s)", ["manager@shop.test"])
    assert message.body == "LOW-0  None left: 0\nLOW-2  Two left: 2"


def test_no_mail_when_nothing_runs_low(settings):
    settings.LOW_STOCK_THRESHOLD = 5
    ProductFactory(sku="FINE-1", stock=50)
    user_with_perms("manager", "inventory.change_product")
    assert send_low_stock_alert.call() == 0
    assert mail.outbox == []
