"""An index whose descending, nullable columns sort NULLs last on every database."""

from django.db import models
from django.db.models import F

from backoffice.db import capabilities


class NullsLastIndex(models.Index):
    """``Index(fields=[...])`` that gives the columns in ``nulls_last`` NULLS LAST on PostgreSQL.

    PostgreSQL sorts NULLs first in a descending order, so an ``ORDER BY col DESC NULLS LAST``
    needs an index built the same way. SQLite and MySQL/MariaDB sort NULLs lowest (a descending
    index already has them last) and reject NULLS LAST in an index: they get the plain index.
    Fields rather than expressions, so MariaDB (no expression indexes) builds it too.
    """

    def __init__(self, *, nulls_last=(), **kwargs):
        self.nulls_last = tuple(nulls_last)
        super().__init__(**kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["nulls_last"] = self.nulls_last
        return path, args, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if not capabilities(schema_editor.connection).nulls_last_index:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        expressions = [
            (F(name).desc(nulls_last=True) if name in self.nulls_last else F(name).desc())
            if order == "DESC"
            else F(name).asc()
            for name, order in self.fields_orders
        ]
        index = models.Index(*expressions, name=self.name, db_tablespace=self.db_tablespace)
        return index.create_sql(model, schema_editor, using=using, **kwargs)
