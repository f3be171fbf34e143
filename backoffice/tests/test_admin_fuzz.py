"""Every admin page, every filter and key, hostile values: never a 5xx.

The pages are discovered from ``admin.site._registry`` (each ModelAdmin, the parameters of its
list filters, its custom URLs from ``get_urls()``), so a new admin is covered without anyone
listing it here. Django's own answers are fine: a redirect with ``?e=1`` or a message, 403, 404.
"""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLPattern, reverse

from backoffice.tests.admin_support import (
    MODEL_BACKEND,
    ROLE_AUDITOR,
    ROLE_CATALOG,
    ROLE_CLERK,
    messages_of,
    result_pks,
    user_in_role,
)
from inventory.tests.factories import ProductFactory, TagFactory
from orders.tests.factories import OrderLineFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
# NUL, huge, negative, non-numeric, an unknown choice, malformed dates, very long, unicode.
HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    HUGE,
    "-1",
    "-99999999999999999999",
    "abc",
    "no-such-choice",
    "2026-13-45",
    "0000-00-00",
    "9999-12-31T99:99",
    "1e308",
    "x" * 3000,
    "ünïcødé ☃ \u202e",
]
OBJECT_ROUTES = ["{}/", "{}/change/", "{}/history/", "{}/delete/", "{}/change/history/"]
HOSTILE_KEYS = ["abc", HUGE, "-1", "0", "1.5", "%C3%BC", "a%00b", "25/change", "1%2F2"]
# Parameters every changelist reads besides its filters: search, ordering, page, the error flag.
LIST_PARAMETERS = ["q", "o", "p", "e", "_to_field", "_popup"]
STANDARD_VIEWS = {"changelist", "add", "history", "delete", "change"}


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def filter_parameters(model_admin, user):
    """The query parameters of the changelist's filter specs, as Django's ChangeList builds them."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = []
    for spec in changelist.filter_specs:
        names.extend(spec.expected_parameters())
    return names


def custom_urls(model_admin):
    """The admin's own URLs (detail actions, import/export, history rows) with an ``{}`` per key."""
    urls = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        suffix = pattern.name.rsplit("_", 1)[-1]
        if pattern.name.endswith(tuple(f"_{view}" for view in STANDARD_VIEWS)) and suffix in STANDARD_VIEWS:
            continue
        route = str(pattern.pattern)
        route = re.sub(r"<[^>]+>", "{}", route)  # RoutePattern: <path:object_id>
        route = re.sub(r"\([^)]*\)", "{}", route).lstrip("^").rstrip("$")  # RegexPattern groups
        urls.append(route)
    return urls


LIMITED_ROLES = {"auditor": ROLE_AUDITOR, "catalog": ROLE_CATALOG, "clerk": ROLE_CLERK}


@pytest.fixture
def shop_rows():
    line = OrderLineFactory(product=ProductFactory(sku="FUZZ-1"))
    line.product.tags.add(TagFactory(name="fuzz"))
    return line


@pytest.fixture(params=["superuser", *LIMITED_ROLES])
def fuzz_client(request, client, superuser):
    """A client signed in as a superuser or as one user of each role, answering 500s as responses.

    ``client.values_per_case``: how many hostile values each parameter or route gets (a superuser
    sees every page, so it gets more; the roles mostly meet 403s and redirects).
    """
    user = superuser if request.param == "superuser" else user_in_role(LIMITED_ROLES[request.param], "fuzz-user")
    user.refresh_from_db()
    client.force_login(user, backend=MODEL_BACKEND)
    client.raise_request_exception = False
    client.values_per_case = 2 if request.param == "superuser" else 1
    return client


def rotate(values, index, count):
    """``count`` of ``values``, starting further along for each case: all values get used, evenly."""
    return [values[(index * count + offset) % len(values)] for offset in range(count)]


def server_errors(client, requests):
    """Make every ``(method, url, query)`` request; return those answered with a 5xx and the count."""
    failed, count = [], 0
    for method, url, query in requests:
        response = getattr(client, method)(url, query)
        count += 1
        if response.status_code >= 500:
            failed.append((response.status_code, method, url, {k: v[:40] for k, v in query.items()}))
    return failed, count


def changelist_requests(user, per_case):
    index = 0
    for model, model_admin in registered_admins():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in filter_parameters(model_admin, user) + LIST_PARAMETERS:
            for value in rotate(HOSTILE_VALUES, index, per_case):
                yield "get", url, {name: value}
            index += 1


def object_requests(per_case):
    index = 0
    for model, model_admin in registered_admins():
        base = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for route in [*OBJECT_ROUTES, *custom_urls(model_admin)]:
            keys = rotate(HOSTILE_KEYS, index, per_case)
            for key in keys:
                yield "get", base + route.replace("{}", key), {}
            yield "post", base + route.replace("{}", keys[0]), {}
            index += 1


@pytest.mark.slow  # every changelist rendered a few hundred times
def test_every_changelist_with_hostile_filter_values(fuzz_client, superuser, shop_rows):
    failed, count = server_errors(fuzz_client, changelist_requests(superuser, fuzz_client.values_per_case))
    print(f"admin changelist fuzz: {count} requests")
    assert failed == []
    assert count >= 100


def test_every_object_and_custom_url_with_malformed_keys(fuzz_client, shop_rows):
    failed, count = server_errors(fuzz_client, object_requests(fuzz_client.values_per_case))
    print(f"admin object/custom URL fuzz: {count} requests")
    assert failed == []
    assert count >= 100


def test_the_reported_urls_answer_as_django_does(boss_client, shop_rows):
    """The adversarial run's findings, each with Django's own answer."""
    product = shop_rows.product
    for url, noun, key in [
        ("/admin/inventory/product/abc/change/", "product", "abc"),
        ("/admin/inventory/product/abc/history/", "product", "abc"),
        ("/admin/orders/order/abc/change/", "order", "abc"),
        (f"/admin/inventory/product/{HUGE}/change/", "product", HUGE),
        (f"/admin/inventory/product/{product.pk}/change/history/", "product", f"{product.pk}/change"),
    ]:
        response = boss_client.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)], url
        assert messages_of(response) == [f"{noun} with ID “{key}” doesn’t exist. Perhaps it was deleted?"]
    for url, param, value in [
        ("/admin/inventory/product/", "status__exact", "\x00"),
        ("/admin/orders/order/", "status__exact", "\x00"),
        ("/admin/orders/customer/", "tier__exact", "\x00"),
        ("/admin/inventory/product/", "category__id__exact", HUGE),
        ("/admin/inventory/product/", "tags__id__exact", HUGE),
        ("/admin/orders/order/", "customer__id__exact", HUGE),
    ]:
        response = boss_client.get(url, {param: value})
        assert (response.status_code, response["Location"]) == (302, f"{url}?e=1"), (url, param)
    # A good filter value still filters.
    response = boss_client.get("/admin/inventory/product/", {"category__id__exact": str(product.category_id)})
    assert result_pks(response) == [product.pk]
