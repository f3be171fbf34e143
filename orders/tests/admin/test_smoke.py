import pytest
from django.urls import reverse

from backoffice.tests.admin_support import change_url, changelist_url
from orders.models import Customer, Order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Customer, Order])
def test_smoke_pages(boss_client, sales, model):
    opts = model._meta
    assert boss_client.get(changelist_url(model)).status_code == 200
    assert boss_client.get(changelist_url(model), {"q": "ann"}).status_code == 200
    assert boss_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    obj = sales["a1"] if model is Order else sales["ann"]
    assert boss_client.get(change_url(obj)).status_code == 200
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    assert boss_client.get(history).status_code == 200


def test_dashboard_renders(boss_client, sales):
    response = boss_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "ORD-A1" in response.content.decode()
