"""Schemathesis against the project's own OpenAPI schema, in process through the WSGI app.

Every operation gets generated requests (valid and invalid) as a superuser with a JWT; no
response may be a server error or break the documented status codes, content types and bodies.
Bounded by ``max_examples`` so the whole run stays within a couple of minutes.
"""

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backoffice.wsgi import application
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory, UserFactory
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 15


# Loaded when the module is collected: serving the schema touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture
def shop_rows(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    category = CategoryFactory(name="Clothing", default_price=Decimal("15.00"))
    product = ProductFactory(sku="SHIRT-1", category=category, tags=[TagFactory(name="summer")], stock=1000)
    order = OrderFactory(customer=CustomerFactory(), number="ORD-2026-000001")
    OrderLineFactory(order=order, product=product)


@pytest.fixture
def bearer(db, client, shop_rows):
    user = UserFactory(username="schemathesis", is_superuser=True)
    user.set_password("Correct-horse-9!")
    user.save()
    response = client.post("/api/v1/token/", {"username": "schemathesis", "password": "Correct-horse-9!"})
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['access']}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
