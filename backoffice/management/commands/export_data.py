"""``manage.py export_data order --output orders.xlsx``: stream a model out as CSV or XLSX.

Rows are read with ``.iterator(chunk_size)`` and written as they come, so memory stays flat
however many rows there are. Orders export one row per order line. On PostgreSQL a CSV file of an
exporter whose columns have SQL cells (orders) is written by ``COPY ... TO STDOUT`` as it comes,
byte for byte the file Python would write (``backoffice.importing.exporting.copy_statement``).
``--background --user NAME`` queues the export as a job instead: a worker writes the file, which
NAME downloads from Jobs in the admin (kept ``SHOP_EXPORT_KEEP_HOURS``).
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backoffice.importing.exporting import EXPORTERS, copy_statement, csv_chunks, exporter_for, write_file
from backoffice.jobs.exports import missing_export_permissions, start_export

BACKGROUND_NEEDS_USER = "--background needs --user <username>: the file is kept for that user to download."


class Command(BaseCommand):
    help = "Export products, categories, tags, customers, order lines or stock movements as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=sorted(EXPORTERS))
        parser.add_argument("--output", help="file to write (default: CSV to standard output)")
        parser.add_argument("--format", choices=("csv", "xlsx"), help="default: from --output, else csv")
        parser.add_argument("--background", action="store_true", help="queue a job; a worker writes the file")
        parser.add_argument("--user", help="with --background: who may download the file")

    def handle(self, *args, model, output=None, format=None, background=False, user=None, **options):
        file_format = format or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        if background:
            self.queue(model, file_format, user)
            return
        if file_format == "xlsx" and not output:
            raise CommandError("XLSX is a binary format; give a file with --output.")
        exporter = exporter_for(model)
        queryset = exporter.queryset()
        columns = exporter.select()
        if not output:
            for chunk in csv_chunks(exporter, queryset, columns, bom=False):
                sys.stdout.write(chunk)
            return
        # COPY (orders on PostgreSQL) runs at the database's speed: no COUNT first for a bar's total.
        total = None if file_format == "csv" and copy_statement(queryset, columns) is not None else queryset.count()
        with tqdm(total=total, unit=" rows", disable=None, leave=False) as bar:
            count = write_file(exporter, queryset, columns, file_format=file_format, target=output, progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"{count} {model} row(s) written to {output}."))

    def queue(self, model, file_format, username):
        if not username:
            raise CommandError(BACKGROUND_NEEDS_USER)
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}; --user takes an existing username.") from None
        missing = missing_export_permissions(user, model)
        if missing:
            raise CommandError(f"{username} may not export {model} (needs {', '.join(missing)}).")
        job = start_export(user=user, model_name=model, base=None, columns=None, file_format=file_format)
        self.stdout.write(self.style.SUCCESS(f"Export queued as job #{job.pk} ({job.get_state_display()})."))
