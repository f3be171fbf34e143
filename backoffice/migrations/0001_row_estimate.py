"""``backoffice_row_estimate(query)``: the planner's row estimate of a query (PostgreSQL only).

The admin's paginator asks it for filtered lists of more than a thousand rows instead of counting
every row (``backoffice.admin_site.EstimatedCountPaginator``). It runs ``EXPLAIN`` only, never the
query; the paginator passes it the list's own SQL, built and quoted by Django.
"""

from django.db import migrations

from backoffice.db import when_capable

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


class Migration(migrations.Migration):
    dependencies = []
    operations = [when_capable("planner_estimates", CREATE, DROP)]
