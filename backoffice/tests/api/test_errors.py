"""The one error shape, and the mapping of service refusals and Django errors onto it."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework.test import APIRequestFactory

from backoffice.api.exceptions import exception_handler, flatten_errors
from backoffice.errors import ServiceError
from backoffice.tests.api.fixtures import assert_error


def _handle(exc):
    request = APIRequestFactory().get("/api/v1/products/")
    return exception_handler(exc, {"request": request, "view": None})


def test_flatten_errors_names_nested_fields_by_dots():
    detail = {
        "customer": ["Required."],
        "lines": [{}, {"sku": ["Unknown."]}, {"non_field_errors": ["Give one."]}],
        "non_field_errors": ["Whole body."],
    }
    assert flatten_errors(detail) == {
        "customer": ["Required."],
        "lines.1.sku": ["Unknown."],
        "lines.2": ["Give one."],
        "non_field_errors": ["Whole body."],
    }
    assert flatten_errors(["Just this."]) == {"non_field_errors": ["Just this."]}


@pytest.mark.parametrize(
    ("code", "status"),
    [("insufficient_stock", 409), ("invalid_transition", 409), ("empty_order", 400), ("reason_required", 400)],
)
def test_service_errors_map_to_400_or_409(code, status):
    response = _handle(ServiceError("Refused: %(why)s.", code=code, params={"why": "because"}, field="lines"))
    assert response.status_code == status
    assert response.data == {
        "status": status,
        "code": code,
        "detail": "Refused: because.",
        "errors": {"lines": ["Refused: because."]},
    }


def test_service_error_without_field_is_a_non_field_error():
    response = _handle(ServiceError("No.", code="nope"))
    assert response.data["errors"] == {"non_field_errors": ["No."]}


def test_django_validation_error_is_400_with_fields():
    response = _handle(DjangoValidationError({"parent": ["Loop."], "name": ["Taken."]}))
    assert (response.status_code, response.data["code"], response.data["errors"]) == (
        400,
        "invalid",
        {"parent": ["Loop."], "name": ["Taken."]},
    )
    response = _handle(DjangoValidationError("Plain."))
    assert (response.data["detail"], response.data["errors"]) == ("Plain.", {"non_field_errors": ["Plain."]})


def test_integrity_error_is_409_not_500():
    response = _handle(IntegrityError("UNIQUE constraint failed"))
    assert (response.status_code, response.data["code"]) == (409, "conflict")


def test_other_exceptions_are_left_to_django():
    assert _handle(RuntimeError("bug")) is None


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(api):
    assert_error(api.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(api.get("/api/v1/products/1.5/"), 404, "not_found")


@pytest.mark.django_db
def test_wrong_method_and_media_type(api):
    assert_error(api.delete("/api/v1/products/1/"), 405, "method_not_allowed")
    response = api.generic("POST", "/api/v1/tags/", "name=x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")
