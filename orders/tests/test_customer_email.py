"""One customer per email whatever its case: a rule of the database, met by every write path."""

import importlib

import pytest
from django.db import IntegrityError, connection, transaction

from backoffice.tests.admin_support import changelist_url
from backoffice.tests.api.fixtures import *  # noqa: F403 - role_users, client_as
from backoffice.tests.io.helpers import errors, run
from orders.models import EMAIL_TAKEN, Customer
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/"


def test_the_database_refuses_an_email_that_differs_only_in_case():
    CustomerFactory(email="p@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.bulk_create([Customer(email="P@EXAMPLE.COM")])  # past every form and serializer
    assert list(Customer.objects.values_list("email", flat=True)) == ["p@example.com"]


def test_no_email_many_times_is_fine():
    Customer.objects.bulk_create([Customer(email=None), Customer(email=None)])
    assert Customer.objects.filter(email=None).count() == 2


def test_api_create_with_the_same_email_in_capitals_is_a_400(client_as):
    CustomerFactory(email="p@example.com")
    response = client_as("clerk").post(URL, {"email": "P@EXAMPLE.COM", "first_name": "P"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"email": [str(EMAIL_TAKEN)]}
    assert Customer.objects.filter(email__iexact="p@example.com").count() == 1


def test_api_update_keeps_its_own_email_in_another_case(client_as):
    customer = CustomerFactory(email="p@example.com")
    response = client_as("clerk").patch(f"{URL}{customer.pk}/", {"email": "P@example.com"}, format="json")
    assert response.status_code == 200, response.json()
    customer.refresh_from_db()
    assert customer.email == "P@example.com"


def test_admin_add_form_says_why(boss_client):
    CustomerFactory(email="p@example.com")
    response = boss_client.post(
        changelist_url(Customer) + "add/", {"email": "P@Example.com", "tier": "regular", "addresses-TOTAL_FORMS": "0"}
    )
    assert response.status_code == 200
    assert str(EMAIL_TAKEN) in response.content.decode()
    assert Customer.objects.filter(email__iexact="p@example.com").count() == 1


def test_import_keys_by_email_without_case(staff_user):
    CustomerFactory(email="p@example.com", first_name="Old")
    report = run("customer", [["email", "first_name"], ["P@EXAMPLE.COM", "New"]], user=staff_user)
    assert (report.committed, errors(report)) == (True, [])
    assert list(Customer.objects.filter(email__iexact="p@example.com").values_list("email", "first_name")) == [
        ("p@example.com", "New")
    ]


@pytest.mark.django_db(transaction=True)
def test_migration_names_existing_case_duplicates_instead_of_failing_on_them():
    if connection.vendor == "mysql":
        pytest.skip("MariaDB's case-insensitive unique index on email never let such rows in")
    from django.apps import apps

    migration = importlib.import_module("orders.migrations.0009_customer_email_ci")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX customer_email_ci_unique")  # the database as it was before
    try:
        Customer.objects.bulk_create([Customer(email="p@example.com"), Customer(email="P@example.com")])
        with pytest.raises(RuntimeError, match=r"emails differ only in case|p@example.com \(2 customers\)"):
            migration.refuse_case_duplicates(apps, connection.schema_editor())
        Customer.objects.filter(email="P@example.com").delete()
        migration.refuse_case_duplicates(apps, connection.schema_editor())  # nothing left to report
    finally:
        with connection.schema_editor() as editor:
            editor.add_constraint(Customer, Customer._meta.constraints[0])
