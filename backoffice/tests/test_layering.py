"""Dependencies point one way: backoffice (kernel) <- inventory <- orders.

Read from the source (every ``import`` and ``from ... import``, also inside functions), not from
what happens to be loaded: a new upward import fails here before it makes a cycle.

- ``backoffice`` imports neither app, except ``backoffice.dashboard`` (the dashboard, badges and
  command palette show both apps' data);
- ``inventory`` never imports ``orders``;
- only admin code imports an ``admin`` module (``inventory.admin``, ``orders.admin.order``...).

Tests and migrations are left out: tests build data of every app, migrations are history.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("backoffice", "inventory", "orders")
ALLOWED_TO_IMPORT_BOTH_APPS = "backoffice.dashboard"


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(module, path):
    """Absolute names of our own modules that ``module`` imports (relative imports resolved)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level] if path.name != "__init__.py" else module.split(".")
                if path.name == "__init__.py" and node.level > 1:
                    package = package[: -(node.level - 1)]
                base = ".".join([*package, *([base] if base else [])])
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return [name for name in names if name.split(".")[0] in PACKAGES]


def _within(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def _is_admin(name):
    return "admin" in name.split(".")


def layering_violations(modules):
    """``[(module, imported, rule)]`` for each import that breaks a rule."""
    found = []
    for module, path in modules:
        for name in _imports(module, path):
            top = name.split(".")[0]
            if _within(module, "backoffice") and top in ("inventory", "orders"):
                if not _within(module, ALLOWED_TO_IMPORT_BOTH_APPS):
                    found.append((module, name, "backoffice imports an app"))
            elif _within(module, "inventory") and top == "orders":
                found.append((module, name, "inventory imports orders"))
            if _is_admin(name) and not _is_admin(module):
                found.append((module, name, "non-admin code imports an admin module"))
    return sorted(set(found))


def test_dependencies_point_one_way():
    assert layering_violations(_modules()) == []


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        ("backoffice.history", "from orders.models import Order", "backoffice imports an app"),
        ("backoffice.bulk", "def f():\n    import inventory.services", "backoffice imports an app"),
        ("inventory.querysets", "from orders.choices import REVENUE_STATUSES", "inventory imports orders"),
        ("backoffice.dashboard.page", "from orders.admin.order import X", "non-admin code imports an admin module"),
        ("orders.services", "from .admin import order", "non-admin code imports an admin module"),
    ],
)
def test_each_rule_catches_its_import(tmp_path, module, source, rule):
    """The checker itself: each kind of upward import is found (also inside a function, also relative)."""
    path = tmp_path / "module.py"
    path.write_text(source)
    assert {found[2] for found in layering_violations([(module, path)])} == {rule}


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("backoffice.dashboard.page", "from inventory.models import Product\nfrom orders.models import Order"),
        ("orders.services", "from inventory.services import adjust_stock"),
        ("orders.admin.order", "from inventory.admin.filters import DateRangeFilter"),
        ("backoffice.urls", "from django.contrib import admin"),
    ],
)
def test_allowed_imports_pass(tmp_path, module, source):
    path = tmp_path / "module.py"
    path.write_text(source)
    assert layering_violations([(module, path)]) == []
