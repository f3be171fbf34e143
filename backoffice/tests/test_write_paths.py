"""Rule: history-tracked rows are changed in bulk only inside services, which write the history."""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
BULK_WRITES = {"update", "bulk_update", "bulk_create"}
ALLOWED_FILES = {"services.py", "history.py"}
# Bulk writers that create rows on purpose and record history themselves or on untracked models.
ALLOWED_DIRS = {"management", "tests", "migrations", "bench", "e2e", "importing", "io"}


def tracked_model_names():
    return {m.__name__ for m in apps.get_models() if hasattr(m, "history") and not m.__name__.startswith("Historical")}


def offending_calls(path, tracked):
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in BULK_WRITES:
            continue
        # Model.objects.filter(...).update(...) or Model.objects.update(...): find the model name.
        chain = node.func.value
        while isinstance(chain, (ast.Call, ast.Attribute)):
            chain = chain.func if isinstance(chain, ast.Call) else chain.value
        if isinstance(chain, ast.Name) and chain.id in tracked:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {chain.id}....{node.func.attr}(")
    return found


def project_files():
    for app in ("backoffice", "inventory", "orders"):
        for path in (ROOT / app).rglob("*.py"):
            if path.name in ALLOWED_FILES or ALLOWED_DIRS & set(path.relative_to(ROOT).parts):
                continue
            yield path


def test_no_bulk_writes_on_tracked_models_outside_services():
    tracked = tracked_model_names()
    assert {"Product", "Category", "Customer", "Order", "OrderLine"} <= tracked
    offenders = [hit for path in project_files() for hit in offending_calls(path, tracked)]
    assert offenders == []


def test_the_checker_catches_a_bare_update(tmp_path):
    bad = ROOT / "inventory" / "_tmp_offender_check.py"
    bad.write_text("from inventory.models import Product\nProduct.objects.filter(pk=1).update(stock=0)\n")
    try:
        assert offending_calls(bad, tracked_model_names()) == ["inventory/_tmp_offender_check.py:2 Product....update("]
    finally:
        bad.unlink()
