import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from backoffice.models import Profile
from orders.models import Customer
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_new_user_gets_a_customer_profile():
    user = User.objects.create_user("ann", email="Ann@Example.com", first_name="Ann", last_name="Lee")
    profile = Customer.objects.get(user=user)
    assert (profile.email, profile.first_name, profile.last_name, profile.tier) == (
        "ann@example.com",
        "Ann",
        "Lee",
        "regular",
    )
    assert profile.history.get().history_change_reason == "profile for new user account"


def test_existing_shopper_is_linked_not_duplicated():
    shopper = CustomerFactory(email="bob@example.com", tier="gold")
    user = User.objects.create_user("bob", email="bob@example.com")
    shopper.refresh_from_db()
    assert shopper.user == user and shopper.tier == "gold"
    assert Customer.objects.count() == 1


def test_user_without_email_gets_a_profile_without_email():
    user = User.objects.create_user("noemail")
    assert Customer.objects.get(user=user).email is None


def test_saving_the_user_again_creates_no_second_profile():
    user = User.objects.create_user("cat", email="cat@example.com")
    user.first_name = "Cat"
    user.save()
    assert Customer.objects.filter(user=user).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(user=user, email="other@example.com")


def test_a_staff_user_gets_a_profile_and_no_customer():
    clerk = User.objects.create_user("clerk", email="clerk@shop.test", is_staff=True)
    boss = User.objects.create_superuser("boss", email="boss@shop.test", password="Correct-horse-9!")
    assert Profile.objects.filter(user__in=[clerk, boss]).count() == 2
    assert not Customer.objects.exists()


def test_a_shopper_gets_a_profile_and_a_customer():
    shopper = User.objects.create_user("dee", email="dee@example.com")
    assert Profile.objects.get(user=shopper).name == "dee"
    assert Customer.objects.get(user=shopper).email == "dee@example.com"
