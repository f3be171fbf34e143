"""``backoffice_row_estimate(query)``: the planner's row estimate of a query (PostgreSQL only).

The admin's paginator asks it for filtered lists of more than a thousand rows instead of counting
every row (``backoffice.admin_site.EstimatedCountPaginator``). It runs ``EXPLAIN`` only, never the
query; the paginator passes it the list's own SQL, built and quoted by Django.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION backoffice_row_estimate(query text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS backoffice_row_estimate(text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create, drop, elidable=False)]
