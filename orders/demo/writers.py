"""Fast row writers for ``seed_demo``: COPY on PostgreSQL, ``bulk_create`` everywhere else."""

from contextlib import contextmanager

from django.db import connection, transaction

from backoffice.db import capabilities


class RowWriter:
    """Write ``rows`` (tuples in ``fields`` order, attnames such as ``customer_id``) into a model's table.

    On PostgreSQL, ``COPY ... FROM STDIN`` through psycopg is several times faster than multi-row
    INSERTs; it skips the ORM entirely, so the rows must already be valid (the constraints still hold).
    """

    def __init__(self, *, use_copy=True, batch_size=5000):
        self.use_copy = use_copy and capabilities(connection).copy
        self.batch_size = batch_size

    @property
    def method(self):
        return "COPY" if self.use_copy else "bulk_create"

    def write(self, model, fields, rows):
        if not rows:
            return 0
        if self.use_copy:
            self._copy(model, fields, rows)
        else:
            model.objects.bulk_create([model(**dict(zip(fields, row))) for row in rows], batch_size=self.batch_size)
        return len(rows)

    def _copy(self, model, fields, rows):
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def set_integer_column(self, model, field, values):
        """``UPDATE table SET field = value WHERE id = pk`` for ``{pk: int}``, in few statements."""
        if not values:
            return
        if self.use_copy:
            self._copy_update(model, field, values)
            return
        objs = [model(pk=pk, **{field: value}) for pk, value in values.items()]
        model.objects.bulk_update(objs, [field], batch_size=min(self.batch_size, 1000))

    def _copy_update(self, model, field, values):
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        column = quote(model._meta.get_field(field).column)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE seed_update (id bigint PRIMARY KEY, value bigint) ON COMMIT DROP")
            with cursor.copy("COPY seed_update (id, value) FROM STDIN") as copy:
                for row in values.items():
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} SET {column} = seed_update.value FROM seed_update WHERE {table}.id = seed_update.id"  # noqa: S608
            )
            cursor.execute("DROP TABLE seed_update")


@contextmanager
def bulk_load(models, *, enabled=True):
    """PostgreSQL bulk load into empty tables, the way PostgreSQL's "Populating a Database" advises.

    One transaction; the tables' plain indexes and foreign keys are dropped first and put back at
    the end: building an index once and validating a foreign key in one join are far cheaper than
    doing both row by row, millions of times. Unique indexes stay, so duplicates are still refused,
    and the foreign keys are validated when added back. DDL is transactional in PostgreSQL: a failed
    load gets its indexes and constraints back.
    """
    if not enabled or not capabilities(connection).copy:
        yield
        return
    quote = connection.ops.quote_name
    tables = [model._meta.db_table for model in models]
    with transaction.atomic(), connection.cursor() as cursor:
        # Run foreign-key checks still queued in an enclosing transaction: ALTER TABLE refuses tables
        # with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        yield
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
