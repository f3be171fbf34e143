"""``manage.py import_data product products.csv --user NAME [--format csv|xlsx] [--dry-run]``.

The admin's rules exactly: every row is checked first, and one bad row means nothing is written.
Exits non-zero when the import was refused. ``--background`` queues the same import as a job
(a worker checks and writes it, all or nothing; the user sees it under Jobs in the admin).
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backoffice.importing.engine import IMPORTERS, import_file, importer_for, missing_import_permissions
from backoffice.importing.reading import FILE_TOO_LARGE, FORMATS, human_size
from backoffice.jobs.imports import start_file_import

MAX_ERRORS_SHOWN = 200
USER_REQUIRED = (
    "Say who imports with --user <username>: every imported row's history records the importing user. "
    "(--dry-run needs no user.)"
)
NOT_PERMITTED = (
    "{user} may not import {models}: the admin's import needs {missing}. Give the permissions in the admin, "
    "or import as a user who has them."
)


class Command(BaseCommand):
    help = "Import products, categories, tags or customers from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("model", choices=sorted(IMPORTERS))
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS, help="csv or xlsx (default: from the file)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and write nothing")
        parser.add_argument("--user", help="who imports: recorded in every row's history (required unless --dry-run)")
        parser.add_argument(
            "--background", action="store_true", help="queue the import as a job (a worker checks and writes it)"
        )

    def handle(self, *args, model, file, format=None, dry_run=False, user=None, background=False, **options):
        if background and dry_run:
            raise CommandError("--background imports; check a file in the foreground with --dry-run.")
        if not user and not dry_run:
            raise CommandError(USER_REQUIRED)
        acting = self.acting_user(user)
        if acting is not None:
            self.check_permissions(model, acting)
        if not os.path.isfile(file):
            raise CommandError(f"No such file: {file}")
        size = os.path.getsize(file)
        if size > settings.IMPORT_MAX_FILE_SIZE:
            raise CommandError(
                str(FILE_TOO_LARGE % {"size": human_size(size), "limit": human_size(settings.IMPORT_MAX_FILE_SIZE)})
            )
        if background:
            job = start_file_import(user=acting, model_name=model, path=file, file_format=format)
            self.stdout.write(self.style.SUCCESS(f"Import of {job.file_name} queued as job #{job.pk}."))
            return
        with open(file, "rb") as handle, tqdm(unit=" rows", disable=None, leave=False) as bar:
            report = import_file(
                model,
                handle,
                file_name=os.path.basename(file),
                user=acting,
                file_format=format,
                dry_run=dry_run,
                progress=bar.update,
            )
        self.print_report(report)
        if report.has_errors:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def acting_user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {username!r}; --user takes an existing username.") from None

    def check_permissions(self, model, user):
        missing = missing_import_permissions(user, model)
        if missing:
            opts = importer_for(model).model._meta
            raise CommandError(
                NOT_PERMITTED.format(
                    user=user.get_username(), models=opts.verbose_name_plural, missing=", ".join(missing)
                )
            )

    def print_report(self, report):
        for line in report.notes:
            self.stdout.write(f"note: {line}")
        for line in report.created_lines():
            self.stdout.write(line)
        for line, reason in report.skipped:
            self.stdout.write(f"skipped line {line}: {reason}")
        for error in report.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(f"error: {error}")
        if len(report.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(f"... and {len(report.errors) - MAX_ERRORS_SHOWN} more errors")
