"""Small builders for import tests: files in memory, and a one-call import."""

import csv
import io

from django.contrib.auth.models import Permission
from openpyxl import Workbook

from backoffice.importing.engine import import_file


def csv_bytes(rows, *, delimiter=",", bom=False, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(model, rows_or_bytes, *, user=None, dry_run=False, file_name="data.csv", file_format=None):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else csv_bytes(rows_or_bytes)
    return import_file(model, data, file_name=file_name, user=user, file_format=file_format, dry_run=dry_run)


def errors(report):
    return [(e.line, e.column, e.message) for e in report.errors]


def login(client, user):
    # UserFactory sets the password after saving; read the stored hash back so the session holds.
    user.refresh_from_db()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def allow_stock_changes(user):
    """Give ``user`` the permission a stock change by file needs (as the admin's stock form does)."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="inventory", codename="adjust_stock_product")
    )
    return user
