"""Customer files carry the default address; an export imports back with no error and no change."""

import csv
import io

import pytest
from django.core import serializers
from django.core.management import call_command

from backoffice.importing.exporting import csv_chunks, exporter_for
from backoffice.tests.io.helpers import errors, run
from inventory.tests.factories import UserFactory
from orders.models import Address, Customer
from orders.resources.customers import ADDRESS_NEEDS, BAD_COUNTRY
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
HEADER = ["email", "first_name", "address_name", "address_line1", "address_city", "address_postcode", "address_country"]


def export_customers():
    exporter = exporter_for("customer")
    return "".join(csv_chunks(exporter, exporter.queryset(), exporter.select(), bom=False)).encode()


def _rows(data):
    return list(csv.reader(io.StringIO(data.decode())))


def _snapshot():
    rows = [*Customer.objects.order_by("pk"), *Address.objects.order_by("pk")]
    return serializers.serialize("python", rows)


def test_the_export_has_the_default_address_columns():
    ann = CustomerFactory(email="ann@example.com", first_name="Ann", last_name="Lee")
    home = Address.objects.create(
        customer=ann, name="Ann Lee", line1="Hauptstr. 1", city="Berlin", postcode="10115", country="DE"
    )
    ann.default_shipping_address = home
    ann.save()
    CustomerFactory(email="bob@example.com", first_name="Bob", last_name="Ray")
    assert _rows(export_customers()) == [
        ["email", "first_name", "last_name", "phone", "tier", "notes", "address_name", "address_line1",
         "address_line2", "address_city", "address_postcode", "address_country"],
        ["ann@example.com", "Ann", "Lee", "", "regular", "", "Ann Lee", "Hauptstr. 1", "", "Berlin", "10115", "DE"],
        ["bob@example.com", "Bob", "Ray", "", "regular", "", "", "", "", "", "", ""],
    ]  # fmt: skip


def test_an_import_adds_changes_and_keeps_default_addresses(staff_user):
    kept = CustomerFactory(email="kim@example.com", first_name="Kim")
    kept_home = Address.objects.create(customer=kept, line1="Old 1", city="Bonn", country="DE")
    kept.default_shipping_address = kept_home
    kept.save()
    moved = CustomerFactory(email="max@example.com", first_name="Max")
    moved_home = Address.objects.create(customer=moved, line1="Old 2", city="Köln", country="DE")
    moved.default_shipping_address = moved_home
    moved.save()
    report = run(
        "customer",
        [
            HEADER,
            ["new@example.com", "Nia", "", "Ring 4", "Berlin", "10115", "de"],
            ["kim@example.com", "Kim", "", "Old 1", "Bonn", "", "DE"],
            ["max@example.com", "Max", "", "New 9", "Köln", "50667", "DE"],
            ["lou@example.com", "Lou", "", "", "", "", ""],
        ],
        user=staff_user,
        file_name="crm.csv",
    )
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged) == (2, 1, 1)
    nia = Customer.objects.get(email="new@example.com")
    home = nia.default_shipping_address
    assert (home.line1, home.city, home.postcode, home.country, nia.default_billing_address) == (
        "Ring 4",
        "Berlin",
        "10115",
        "DE",
        home,
    )
    assert nia.history.get().default_shipping_address_id == home.pk  # the first snapshot names it
    moved_home.refresh_from_db()
    assert (moved_home.line1, moved_home.postcode) == ("New 9", "50667")  # changed in place
    assert moved_home.history.order_by("-history_id").first().history_change_reason == "import crm.csv"
    assert Address.objects.count() == 3  # Lou gave no address: none made
    assert Customer.objects.get(email="lou@example.com").default_shipping_address is None


def test_a_half_address_writes_nothing():
    report = run("customer", [HEADER, ["new@example.com", "Nia", "", "Ring 4", "", "", "Germany"]])
    assert errors(report) == [
        (2, "address_city", ADDRESS_NEEDS % {"column": "address_city"}),
        (2, "address_country", BAD_COUNTRY % {"value": "Germany"}),
    ]
    assert not Customer.objects.exists() and not Address.objects.exists()


def test_the_demo_shop_exports_and_imports_back_unchanged(staff_user):
    call_command("load_demo", stdout=io.StringIO())
    UserFactory(username="admin", is_superuser=True)  # make run's admin: staff, no customer row
    before = _snapshot()
    data = export_customers()
    assert len(_rows(data)) == 31
    for dry_run in (True, False):
        report = run("customer", data, user=staff_user, dry_run=dry_run, file_name="customers.csv")
        assert errors(report) == []
        assert (report.new, report.updated, report.unchanged) == (0, 0, 30)
    assert _snapshot() == before
