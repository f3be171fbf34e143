import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_every_endpoint_and_the_error_shape(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/products/",
        "/api/v1/products/{id}/adjust-stock/",
        "/api/v1/categories/{id}/",
        "/api/v1/tags/",
        "/api/v1/customers/",
        "/api/v1/orders/",
        "/api/v1/orders/{number}/transition/",
        "/api/v1/token/",
        "/api/v1/token/refresh/",
        "/api/v1/token/verify/",
    } <= set(schema["paths"])
    create = schema["paths"]["/api/v1/orders/"]["post"]
    assert create["responses"]["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["status", "code", "detail", "errors"]
    product_params = {p["name"] for p in schema["paths"]["/api/v1/products/"]["get"]["parameters"]}
    assert product_params == {
        "status", "category", "tag", "price_min", "price_max", "available", "has_orders", "updated_since",
        "search", "ordering", "page", "page_size",
    }  # fmt: skip


def test_docs_are_served_without_a_cdn(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()


def test_schema_is_valid_openapi_and_offers_json_bodies_only(client):
    from openapi_spec_validator import validate

    schema = client.get("/api/v1/schema/?format=json").json()
    validate(schema)
    body_types = {
        (path, method): set(operation["requestBody"]["content"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    assert len(body_types) == 19
    assert set(map(frozenset, body_types.values())) == {frozenset({"application/json"})}
    assert set(schema["components"]["securitySchemes"]) == {"jwtAuth", "apiKeyAuth", "cookieAuth"}


def test_form_and_multipart_bodies_are_refused_with_415(role_users):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(role_users["superuser"])
    response = client.post("/api/v1/tags/", {"name": "summer"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    response = client.post("/api/v1/tags/", "name=summer", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert client.post("/api/v1/tags/", {"name": "summer"}, format="json").status_code == 201


def test_browsable_api_offers_a_json_form_to_staff(client, role_users):
    client.force_login(role_users["superuser"])
    html = client.get("/api/v1/tags/", HTTP_ACCEPT="text/html").content.decode()
    assert 'name="_content_type"' in html
    assert '<option value="application/json"' in html
    assert "multipart/form-data" not in html
