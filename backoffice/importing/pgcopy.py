"""PostgreSQL's COPY for the bulk part of an import: rows go in as fast as the server takes them.

Primary keys are reserved from the tables' sequences first, so the rows that refer to each other
(a product, its tag links, its history row and that row's tag snapshot) can all be written by
COPY in one pass. Other databases use Django's ``bulk_create`` path instead.
"""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from backoffice.db import (
    capabilities,
    update_rows,  # noqa: F401 - the import's bulk updates use it from here too
)

ANY_CHUNK = 20000  # values per ``= ANY(array)`` lookup: one parameter, however many values


def available():
    return capabilities(connection).copy


def column_in(model, name, values):
    """A filter for ``name IN values``: on PostgreSQL ``= ANY(%s)`` with the values as one array.

    Django's ``__in`` sends one placeholder per value; for thousands of keys, parsing and binding
    them costs more than the lookup (100k SKUs: 1.4 s in chunks of 2,000, 0.3 s as arrays of 20,000).
    """
    if not available():
        return Q(**{f"{name}__in": values})
    field = model._meta.get_field(name)
    column = f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name(field.column)}"
    return RawSQL(f"{column} = ANY(%s)", (list(values),), output_field=BooleanField())  # noqa: S611 - names from the model


def reserve_ids(model, count):
    """``count`` fresh primary keys of ``model``'s table, taken from its sequence."""
    if not count:
        return []
    with connection.cursor() as cursor:
        # The sequence's name once: ``nextval(pg_get_serial_sequence(...))`` in the select list looked
        # it up again for every row (0.9 s of a 100k-row import's 350k keys; now about 0.2 s).
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, columns, rows):
    """``COPY table (columns) FROM STDIN`` of the given tuples; returns how many were written."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def model_columns(model, *, skip=()):
    """Columns of ``model`` and a function turning a ``{attname: value}`` dict into a row for them.

    Fields the dict lacks get the model field's default, as ``Model(**values)`` would give.
    """
    fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
    defaults = {f.attname: f.get_default() for f in fields}
    names = [f.attname for f in fields]

    def row(record):
        return tuple(record[name] if name in record else defaults[name] for name in names)

    return [f.column for f in fields], row
