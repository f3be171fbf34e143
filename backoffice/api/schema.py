"""Documents the one error shape (see ``backoffice.api.exceptions``) on every operation of the schema."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every failed request answers with this shape.",
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Field (nested fields joined with dots) -> messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["status", "code", "detail", "errors"],
}
ERRORS_ALWAYS = {
    "400": "Invalid input or query parameters",
    "401": "Not signed in",
    "403": "Signed in without the permission this needs",
    "404": "No such object, or a page past the last one",
    "429": "Too many requests; retry after the Retry-After header's seconds",
}
ERRORS_ON_WRITES = {"409": "Refused by the current state (stock, order status, rows still in use)"}
PUBLIC_PATHS = ("/api/v1/token/", "/api/v1/schema/")


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = dict(ERRORS_ALWAYS)
            if method in ("post", "put", "patch", "delete"):
                codes.update(ERRORS_ON_WRITES)
            if path.startswith(PUBLIC_PATHS):
                codes.pop("403", None)
            responses = operation.setdefault("responses", {})
            for code, description in codes.items():
                responses.setdefault(code, {"description": description, "content": ref})
    return result
