"""Customers in from a file, keyed by email (compared case-insensitively); tier by name."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.history import record_bulk_history
from backoffice.importing.engine import Importer
from backoffice.importing.values import REQUIRED, CellError, check_length, parse_choice
from orders.choices import CustomerTier
from orders.models import Customer

BAD_EMAIL = _("“%(value)s” is not a valid email address.")
LIMITS = {"first_name": 150, "last_name": 150, "phone": 40}
FIELDS = ("first_name", "last_name", "phone", "tier", "notes")
BATCH = 1000


class CustomerImporter(Importer):
    model = Customer
    noun = _("customers")
    key = "email"
    required_columns = ("email",)
    optional_columns = FIELDS
    transient = ("existing",)

    def keys_of(self, table):
        return {row.get("email", "").lower() for _line, row in table.rows} - {""}

    def depends_on(self):
        listed = sorted(self.keys)
        customers = Customer.objects.annotate(email_key=Lower("email"))
        return [customers.filter(email_key__in=listed[i : i + BATCH]) for i in range(0, len(listed), BATCH)]

    def prepare(self, table):
        emails = {row.get("email", "").lower() for _line, row in table.rows}
        emails.discard("")
        self.existing = {}
        listed = sorted(emails)
        for start in range(0, len(listed), BATCH):
            chunk = listed[start : start + BATCH]
            for customer in Customer.objects.annotate(email_key=Lower("email")).filter(email_key__in=chunk):
                self.existing[customer.email_key] = customer
        self.new, self.updates = [], []
        duplicate = self.first_seen()
        for index, (line, row) in enumerate(table.rows):
            self.tick(index)
            self.prepare_row(line, row, duplicate)

    def parse(self, line, row):
        values, ok = {}, True
        for field in FIELDS:
            if field not in self.columns:
                continue
            text = row[field]
            try:
                if field == "tier":
                    values[field] = parse_choice(text, CustomerTier) if text else CustomerTier.REGULAR
                elif field in LIMITS:
                    values[field] = check_length(text, LIMITS[field])
                else:
                    values[field] = text
            except CellError as exc:
                self.report.error(line, field, exc.message)
                ok = False
        return values if ok else None

    def prepare_row(self, line, row, duplicate):
        email = row.get("email", "")
        if not email:
            self.report.error(line, "email", REQUIRED)
            return
        try:
            check_length(email, 254)
            validate_email(email)
        except CellError as exc:
            self.report.error(line, "email", exc.message)
            return
        except ValidationError:
            self.report.error(line, "email", BAD_EMAIL % {"value": email})
            return
        message = duplicate(email.lower(), line)
        if message:
            self.report.error(line, "email", message)
            return
        values = self.parse(line, row)
        if values is None:
            return
        customer = self.existing.get(email.lower())
        if customer is None:
            self.new.append(Customer(email=email, **values))
            self.report.add_new(email)
            return
        changed = {f: v for f, v in values.items() if getattr(customer, f) != v}
        if not changed:
            self.report.unchanged += 1
            return
        for field, value in changed.items():
            setattr(customer, field, value)
        self.updates.append(customer)
        self.report.add_updated(customer.email)

    def write(self):
        user, reason = self.user, self.reason
        for start in range(0, len(self.new), BATCH):
            chunk = self.new[start : start + BATCH]
            Customer.objects.bulk_create(chunk)
            if any(c.pk is None for c in chunk):
                ids = dict(Customer.objects.filter(email__in=[c.email for c in chunk]).values_list("email", "pk"))
                for customer in chunk:
                    customer.pk = ids[customer.email]
            record_bulk_history(Customer, chunk, user=user, reason=reason, update=False)
        now = timezone.now()
        for start in range(0, len(self.updates), BATCH):
            chunk = self.updates[start : start + BATCH]
            for customer in chunk:
                customer.updated_at = now
            Customer.objects.bulk_update(chunk, [*FIELDS, "updated_at"])
            record_bulk_history(Customer, chunk, user=user, reason=reason)
