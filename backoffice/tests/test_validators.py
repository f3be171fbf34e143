import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from backoffice.validators import SKU_INVALID, PasswordPolicyValidator, normalize_sku, validate_sku


@pytest.mark.parametrize("sku", ["ABC", "tshirt-red-l", "A1-B2-C3", "X" * 32, " woo-123 "])
def test_valid_skus(sku):
    validate_sku(sku)


@pytest.mark.parametrize("sku", ["AB", "X" * 33, "-ABC", "ABC-", "AB C", "ÄBC", "A_B", ""])
def test_invalid_skus(sku):
    with pytest.raises(ValidationError) as refused:
        validate_sku(sku)
    assert refused.value.messages == [str(SKU_INVALID)]


def test_normalize_sku():
    assert normalize_sku("  tee-red ") == "TEE-RED"


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("short1!", {"password_too_short"}),
        ("longenoughpassword!", {"password_no_digit"}),
        ("longenoughpassword1", {"password_no_special"}),
        ("abc", {"password_too_short", "password_no_digit", "password_no_special"}),
    ],
)
def test_password_policy_refusals(password, codes):
    with pytest.raises(ValidationError) as refused:
        PasswordPolicyValidator().validate(password)
    assert {error.code for error in refused.value.error_list} == codes


def test_password_policy_accepts_a_strong_password():
    PasswordPolicyValidator().validate("Tr0ub4dor&3-horse")


@pytest.mark.django_db
def test_password_policy_is_wired_into_django():
    with pytest.raises(ValidationError) as refused:
        validate_password("password")
    messages = " ".join(refused.value.messages)
    assert "too common" in messages
    assert "must contain a digit" in messages
