"""Bodies no generator from the schema sends: every one is the API's JSON error, never Django's page.

Every write endpoint (each API root entry's list POST and detail PATCH, and the token views) gets
each malformed body; the endpoints come from the API root, so a new one is covered by itself.
"""

import pytest
from django.urls import reverse

from backoffice.api.urls import API_ROOT
from backoffice.tests.api.fixtures import assert_error
from inventory.tests.factories import CategoryFactory, ProductFactory, TagFactory
from orders.tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db
TEN_MB = 10 * 1024 * 1024

MALFORMED = {
    "nested brackets": (b"[" * 100_000, "application/json", 400, "parse_error"),
    "nested objects": (b'{"a":' * 50_000, "application/json", 400, "parse_error"),
    "10 MB": (b'{"name": "' + b"x" * TEN_MB + b'"}', "application/json", 413, "too_large"),
    "not JSON": (b"{'name': 1}", "application/json", 400, "parse_error"),
    "truncated": (b'{"name": "a', "application/json", 400, "parse_error"),
    "not UTF-8": (b'{"name": "\xff\xfe"}', "application/json", 400, "parse_error"),
    "NaN": (b'{"name": NaN}', "application/json", 400, "parse_error"),
    "unknown media type": (b"name=a", "text/x-weird", 415, "unsupported_media_type"),
}


def write_urls():
    objects = {
        "product": ProductFactory,
        "category": CategoryFactory,
        "tag": TagFactory,
        "customer": CustomerFactory,
        "order": OrderFactory,
    }
    urls = ["/api/v1/token/", "/api/v1/token/refresh/"]
    for list_name in API_ROOT.values():
        basename = list_name.removesuffix("-list")
        urls.append(reverse(f"api:{list_name}"))
        urls.append(reverse(f"api:{basename}-detail", args=[objects[basename]().pk]))
    return urls


@pytest.mark.parametrize("case", list(MALFORMED))
def test_every_write_endpoint_answers_a_malformed_body_in_the_error_shape(client_as, case):
    body, content_type, status, code = MALFORMED[case]
    client = client_as("superuser")
    client.raise_request_exception = False
    tried = 0
    for url in write_urls():
        method = client.post if url.count("/") <= 4 or "token" in url else client.patch
        response = method(url, data=body, content_type=content_type)
        assert response["Content-Type"].startswith("application/json"), (url, response.status_code)
        if response.status_code == 405:
            continue  # the endpoint takes no body by this method (orders change by their actions)
        assert_error(response, status, code)
        tried += 1
    assert tried >= 2 + 2 * len(API_ROOT) - 1


def test_the_reported_bodies(client_as):
    client = client_as("catalog")
    body = assert_error(client.post("/api/v1/tags/", data=b"[" * 100_000, content_type="application/json"), 400)
    assert body["detail"] == "JSON parse error - the body is nested too deeply."
    big = b'{"name": "' + b"x" * TEN_MB + b'"}'
    body = assert_error(client.post("/api/v1/products/", data=big, content_type="application/json"), 413)
    assert (
        body["detail"] == "The request body is larger than 2.5 MB, the most the API reads. Send fewer rows at a time."
    )
