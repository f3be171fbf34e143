"""The export page counts the rows it will write only up to a cap, then says "more than"."""

import pytest
from django.urls import reverse

from backoffice import admin_io
from backoffice.tests.io.helpers import login
from inventory.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("admin:inventory_product_export")


def test_export_page_says_more_than_the_cap_without_counting_further(client, superuser, monkeypatch):
    monkeypatch.setattr(admin_io, "EXPORT_COUNT_UP_TO", 2)
    ProductFactory.create_batch(3)
    login(client, superuser)
    response = client.get(EXPORT_URL)
    assert response.context["export_count"] == 2
    assert response.context["export_count_more"] is True
    assert "It will hold more than 2 rows (products)." in response.content.decode()


def test_export_page_counts_exactly_up_to_the_cap(client, superuser, monkeypatch):
    monkeypatch.setattr(admin_io, "EXPORT_COUNT_UP_TO", 2)
    ProductFactory.create_batch(2)
    login(client, superuser)
    response = client.get(EXPORT_URL)
    assert response.context["export_count"] == 2
    assert response.context["export_count_more"] is False
    assert "It will hold 2 rows (products)." in response.content.decode()
