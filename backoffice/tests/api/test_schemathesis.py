"""Schemathesis against the project's own OpenAPI schema, in process through the WSGI app.

Every operation gets generated requests (valid and invalid) as a superuser with a JWT; no
response may be a server error or break the documented status codes, content types and bodies.
Bounded by ``max_examples`` so the whole run stays within a couple of minutes.
"""

from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import RefreshToken
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


pytestmark = pytest.mark.slow  # make test-fast leaves it out; make test and make schemathesis run it


@pytest.fixture
def in_process_requests():
    """Keep the test's database connection open across requests, as Django's own test client does.

    The raw WSGI handler closes connections when a request finishes; on PostgreSQL that would end
    the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def shop_rows(db, settings, in_process_requests):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    category = CategoryFactory(name="Clothing", default_price=Decimal("15.00"))
    product = ProductFactory(sku="SHIRT-1", category=category, tags=[TagFactory(name="summer")], stock=1000)
    order = OrderFactory(customer=CustomerFactory(), number="ORD-2026-000001")
    OrderLineFactory(order=order, product=product)


@pytest.fixture
def bearer(shop_rows):
    """A superuser's access token (the token endpoint itself is tested in test_auth.py)."""
    user = UserFactory(username="schemathesis", is_superuser=True)
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
