"""``manage.py export_data order --output orders.xlsx``: stream a model out as CSV or XLSX.

Rows are read with ``.iterator(chunk_size)`` and written as they come, so memory stays flat
however many rows there are. Orders export one row per order line. On PostgreSQL a CSV file of an
exporter whose columns have SQL cells (orders) is written by ``COPY ... TO STDOUT`` as it comes,
byte for byte the file Python would write (``backoffice.importing.exporting.copy_statement``).
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backoffice.importing.exporting import (
    BOM,
    EXPORTERS,
    CopyCSV,
    copy_statement,
    csv_chunks,
    exporter_for,
    header_line,
    write_xlsx,
)


class Command(BaseCommand):
    help = "Export products, categories, tags, customers, order lines or stock movements as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=sorted(EXPORTERS))
        parser.add_argument("--output", help="file to write (default: CSV to standard output)")
        parser.add_argument("--format", choices=("csv", "xlsx"), help="default: from --output, else csv")

    def handle(self, *args, model, output=None, format=None, **options):
        file_format = format or ("xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        if file_format == "xlsx" and not output:
            raise CommandError("XLSX is a binary format; give a file with --output.")
        exporter = exporter_for(model)
        queryset = exporter.queryset()
        columns = exporter.select()
        statement = copy_statement(queryset, columns) if file_format == "csv" and output else None
        if statement is not None:
            copy = CopyCSV(statement)
            with open(output, "wb") as handle:
                handle.write((BOM + header_line(columns)).encode("utf-8"))
                for block in copy:
                    handle.write(block)
            self.stdout.write(self.style.SUCCESS(f"{copy.rowcount} {model} row(s) written to {output}."))
            return
        total = queryset.count()
        bar = tqdm(total=total, unit=" rows", disable=None if output else True, leave=False)
        rows = exporter.rows

        def counted(*args):
            for values in rows(*args):
                bar.update(1)
                yield values

        exporter.rows = counted
        try:
            if file_format == "xlsx":
                write_xlsx(exporter, queryset, columns, output)
            elif output:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    for chunk in csv_chunks(exporter, queryset, columns):
                        handle.write(chunk)
            else:
                for chunk in csv_chunks(exporter, queryset, columns, bom=False):
                    sys.stdout.write(chunk)
        finally:
            bar.close()
        if output:
            self.stdout.write(self.style.SUCCESS(f"{total} {model} row(s) written to {output}."))
