"""Reads to replicas, writes to the primary: with Django's replica test setting (TEST MIRROR), the
replica alias is a second connection to the test database, so routing is visible in its queries.
Transactional tests: a replica sees only what the primary committed."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.routing import PIN_COOKIE, ReplicaRouter, replica_reads
from backoffice.tests.io.helpers import login
from inventory.models import Product
from inventory.tests.factories import ProductFactory, TagFactory, UserFactory

REPLICA = "replica_test"
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE", "COPY")


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = [REPLICA]


@pytest.fixture
def no_writes_on_the_replica():
    """Any write statement on the replica connection fails the test that made it."""

    def refuse(execute, sql, params, many, context):
        assert not sql.lstrip().upper().startswith(WRITES), f"write sent to the replica: {sql[:120]}"
        return execute(sql, params, many, context)

    with connections[REPLICA].execute_wrapper(refuse):
        yield


def tables(captured):
    return {word.strip('"`') for q in captured.captured_queries for word in q["sql"].split() if "_" in word}


@pytest.mark.usefixtures("replicas", "no_writes_on_the_replica")
def test_a_list_page_reads_the_replica_and_a_write_pins_the_next_page_to_the_primary(client):
    boss = UserFactory(username="boss", is_superuser=True)
    ProductFactory(sku="RR-1", name="Routed")
    login(client, boss)
    changelist = reverse("admin:inventory_product_changelist")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = client.get(changelist)
    assert page.status_code == 200 and "RR-1" in page.content.decode()
    assert "inventory_product" in tables(on_replica)
    assert not {"django_session", "auth_user"} & tables(on_replica)  # sessions and users: the primary

    tag = TagFactory(name="old", slug="old")
    change = reverse("admin:inventory_tag_change", args=[tag.pk])
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.post(change, {"name": "renamed", "slug": "renamed"})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "renamed"
    assert PIN_COOKIE in response.cookies
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(changelist).status_code == 200
    assert len(on_replica) == 0  # right after a write the staff member reads the primary


@pytest.mark.usefixtures("replicas", "no_writes_on_the_replica")
def test_an_api_read_goes_to_the_replica_and_an_api_write_never_does(client):
    boss = UserFactory(username="boss", is_superuser=True)
    ProductFactory(sku="RR-2")
    login(client, boss)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/api/v1/products/").status_code == 200
    assert "inventory_product" in tables(on_replica)
    response = client.post("/api/v1/tags/", {"name": "routed", "slug": "routed"}, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.usefixtures("replicas")
def test_the_router():
    router = ReplicaRouter()
    assert router.db_for_write(Product) == "default"
    assert router.db_for_read(Product) == "default"  # outside a read-only request
    with replica_reads():
        assert router.db_for_read(Product) == REPLICA
        from backoffice.jobs.models import Job

        assert router.db_for_read(Job) == "default"  # job states are read fresh
        from django.db import transaction

        with transaction.atomic():
            assert router.db_for_read(Product) == "default"  # a transaction reads what it wrote
    assert router.allow_migrate(REPLICA, "inventory") is False


def test_without_replicas_everything_uses_the_primary(client):
    boss = UserFactory(username="boss", is_superuser=True)
    login(client, boss)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(reverse("admin:inventory_product_changelist")).status_code == 200
    assert len(on_replica) == 0
