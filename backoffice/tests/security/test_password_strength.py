"""Passwords that pass the length, digit and special-character rules but a guesser finds at once."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from backoffice.tests.security.conftest import NEW_STRONG_PASSWORD, STRONG_PASSWORD
from backoffice.validators import PasswordPolicyValidator, PasswordStrengthValidator
from inventory.tests.factories import UserFactory


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaaaaaaaa1!", 'Repeats like "aaa" are easy to guess.'),
        ("abcdefghijkl1!", 'Sequences like "abc" or "6543" are easy to guess.'),
        ("qwertyuiop123!", "it follows a pattern that password-guessing tools try early."),
        ("Password1234!", "This is similar to a commonly used password."),
    ],
)
def test_patterns_the_shop_rules_let_through_are_refused_with_the_reason(password, why):
    PasswordPolicyValidator().validate(password)  # long, a digit, a special character: the old rules pass it
    with pytest.raises(ValidationError) as refused:
        PasswordStrengthValidator().validate(password)
    (error,) = refused.value.error_list
    assert error.code == "password_easy_to_guess"
    assert error.messages[0].startswith(f"This password is easy to guess: {why}")


def test_the_message_gives_advice():
    with pytest.raises(ValidationError) as refused:
        PasswordStrengthValidator().validate("aaaaaaaaaaaaaaaa1!")
    assert refused.value.messages[0].endswith("Avoid repeated words and characters.")


@pytest.mark.django_db
def test_the_users_own_names_count_as_guesses():
    user = UserFactory(username="margaretha", email="margaretha@shop.test", first_name="Margaretha")
    PasswordStrengthValidator().validate("Margaretha2024!")  # strong enough for a stranger
    with pytest.raises(ValidationError):
        PasswordStrengthValidator().validate("Margaretha2024!", user)


@pytest.mark.django_db
@pytest.mark.parametrize("password", [STRONG_PASSWORD, NEW_STRONG_PASSWORD, "Tr0ub4dor&3-horse"])
def test_the_test_suites_strong_passwords_pass_the_whole_policy(password):
    validate_password(password)


@pytest.mark.django_db
def test_wired_into_django_everywhere_a_password_is_set():
    with pytest.raises(ValidationError) as refused:
        validate_password("aaaaaaaaaaaaaaaa1!")
    assert [error.code for error in refused.value.error_list] == ["password_easy_to_guess"]
