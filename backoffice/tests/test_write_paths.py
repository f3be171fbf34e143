"""Rule: a bulk write on a history-tracked model always records the history it would otherwise lose.

simple-history records nothing for ``QuerySet.update()``, ``bulk_update`` or ``bulk_create``. So
every function that does one on a tracked model must also call ``record_bulk_history`` (or
simple-history's ``bulk_history_create``) itself. Services and the bulk import writers do; an admin
or API module never should.
"""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
BULK_WRITES = {"update", "bulk_update", "bulk_create"}
HISTORY_WRITERS = {
    "record_bulk_history",
    "record_history_from_rows",  # backoffice/history.py: the same rows, written by PostgreSQL (bench)
    "bulk_history_create",
    "bulk_update_with_history",
    "bulk_create_with_history",
}
# Seed data for benchmarks is written without history on purpose; tests and migrations are not app code.
EXEMPT_DIRS = {"management", "tests", "migrations"}
EXEMPT_FILES = {"history.py"}


def tracked_model_names():
    return {m.__name__ for m in apps.get_models() if hasattr(m, "history") and not m.__name__.startswith("Historical")}


def _called_names(function):
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            func = node.func
            yield func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _history_excluded(model_name):
    """Fields a model's history leaves out (``HistoricalRecords(excluded_fields=...)``)."""
    model = next(m for m in apps.get_models() if m.__name__ == model_name and hasattr(m, "history"))
    return set(getattr(model.history.model, "_history_excluded_fields", ()))


def _bulk_writes(function, tracked):
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in BULK_WRITES:
            continue
        chain = node.func.value  # Model.objects.filter(...).update(...): walk back to the model name
        while isinstance(chain, (ast.Call, ast.Attribute)):
            chain = chain.func if isinstance(chain, ast.Call) else chain.value
        if isinstance(chain, ast.Name) and chain.id in tracked:
            # An update(field=...) of fields the history leaves out loses no history (Customer's
            # order figures, kept by orders.services).
            names = {k.arg for k in node.keywords}
            if node.func.attr == "update" and None not in names and names <= _history_excluded(chain.id):
                continue
            yield node.lineno, chain.id, node.func.attr


def offending_calls(path, tracked):
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    outermost = [f for f in functions if not any(f is not g and f in ast.walk(g) for g in functions)]
    scopes = outermost or [tree]
    for scope in scopes:
        writes = list(_bulk_writes(scope, tracked))
        if writes and not HISTORY_WRITERS & set(_called_names(scope)):
            found += [f"{path.relative_to(ROOT)}:{line} {model}....{attr}(" for line, model, attr in writes]
    # Module-level code outside any function.
    module_level = ast.Module(
        body=[n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.ClassDef))], type_ignores=[]
    )
    if outermost:
        writes = list(_bulk_writes(module_level, tracked))
        found += [f"{path.relative_to(ROOT)}:{line} {model}....{attr}(" for line, model, attr in writes]
    return found


def project_files():
    for app in ("backoffice", "inventory", "orders"):
        for path in (ROOT / app).rglob("*.py"):
            if path.name in EXEMPT_FILES or EXEMPT_DIRS & set(path.relative_to(ROOT).parts):
                continue
            yield path


def test_bulk_writes_on_tracked_models_always_record_history():
    tracked = tracked_model_names()
    assert {"Product", "Category", "Customer", "Order", "OrderLine"} <= tracked
    offenders = [hit for path in project_files() for hit in offending_calls(path, tracked)]
    assert offenders == []


def test_the_checker_catches_a_bare_update_and_accepts_a_recorded_one():
    bad = ROOT / "inventory" / "_tmp_offender_check.py"
    bad.write_text(
        "from inventory.models import Product\n"
        "def archive(ids):\n"
        "    Product.objects.filter(pk__in=ids).update(status='archived')\n"
        "def archive_recorded(ids, objs, user):\n"
        "    Product.objects.filter(pk__in=ids).update(status='archived')\n"
        "    record_bulk_history(Product, objs, user=user, reason='archived')\n"
        "Product.objects.update(stock=0)\n"
    )
    try:
        assert offending_calls(bad, tracked_model_names()) == [
            "inventory/_tmp_offender_check.py:3 Product....update(",
            "inventory/_tmp_offender_check.py:7 Product....update(",
        ]
    finally:
        bad.unlink()
