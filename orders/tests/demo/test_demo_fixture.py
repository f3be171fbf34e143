"""``fixtures/demo.json`` is exactly what ``build_demo_fixture`` makes through today's services."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inventory.tests.factories import CategoryFactory
from orders.demo.load import DEMO_FIXTURE


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_committed_fixture_is_what_the_builder_makes(tmp_path):
    built = tmp_path / "demo.json"
    out = StringIO()
    call_command("build_demo_fixture", output=str(built), stdout=out)
    assert out.getvalue().strip() == (f"Wrote {built}: 15 categories, 15 tags, 60 products, 30 customers, 100 orders.")
    committed = json.loads(DEMO_FIXTURE.read_text())
    assert json.loads(built.read_text()) == committed, (
        "fixtures/demo.json is out of date: rebuild it on an empty database with `manage.py build_demo_fixture`."
    )


@pytest.mark.django_db
def test_the_builder_refuses_a_database_with_data(tmp_path):
    CategoryFactory(name="Existing")
    with pytest.raises(CommandError) as refused:
        call_command("build_demo_fixture", output=str(tmp_path / "demo.json"))
    assert str(refused.value).startswith(
        "build_demo_fixture needs a freshly migrated, empty database (found 1 categories)"
    )
    assert not (tmp_path / "demo.json").exists()
