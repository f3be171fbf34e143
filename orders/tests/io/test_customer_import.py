"""Customers from a file: keyed by email (case-insensitive), tier by name (case-insensitive)."""

import pytest

from backoffice.tests.io.helpers import errors, run
from orders.choices import CustomerTier
from orders.models import Customer
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
HEADER = ["email", "first_name", "last_name", "tier"]


def test_new_updated_unchanged_with_tier_by_name(staff_user):
    CustomerFactory(email="Ann@Example.com", first_name="Ann", last_name="Lee", tier=CustomerTier.REGULAR)
    CustomerFactory(email="bob@example.com", first_name="Bob", last_name="Ray", tier=CustomerTier.GOLD)
    report = run(
        "customer",
        [
            HEADER,
            ["ann@example.com", "Ann", "Lee", "VIP"],
            ["bob@example.com", "Bob", "Ray", "gold"],
            ["cy@example.com", "Cy", "Po", ""],
        ],
        user=staff_user,
        file_name="crm.csv",
    )
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged) == (1, 1, 1)
    # (the staff user has a profile of its own, made by the signal)
    assert sorted(Customer.objects.filter(user__isnull=True).values_list("email", "tier")) == [
        ("Ann@Example.com", CustomerTier.VIP),
        ("bob@example.com", CustomerTier.GOLD),
        ("cy@example.com", CustomerTier.REGULAR),
    ]
    ann = Customer.objects.get(email="Ann@Example.com").history.first()
    assert (ann.history_user, ann.history_change_reason, ann.tier) == (staff_user, "import crm.csv", "vip")
    assert Customer.history.filter(history_change_reason="import crm.csv").count() == 2


def test_bad_customers_write_nothing(staff_user):
    report = run(
        "customer",
        [
            HEADER,
            ["ok@example.com", "Ok", "", "silver"],
            ["not-an-email", "", "", ""],
            ["x@example.com", "", "", "platinum"],
            ["OK@example.com", "", "", ""],
            ["a" * 250 + "@example.com", "", "", ""],
        ],
        user=staff_user,
    )
    assert errors(report) == [
        (3, "email", "“not-an-email” is not a valid email address."),
        (4, "tier", "“platinum” is not one of: regular, silver, gold, vip."),
        (5, "email", "ok@example.com appears more than once in the file (first on line 2)."),
        (6, "email", "At most 254 characters (this has 262)."),
    ]
    assert not Customer.objects.filter(user__isnull=True).exists()
