"""Customers in from a file, keyed by email (compared case-insensitively); tier by name.

The ``address_*`` columns are the customer's default address (shipping, and billing when the
customer has no billing default): a new one is added to the address book, a changed one is
updated in place, empty cells leave the address book alone. Orders placed later copy it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.history import record_bulk_history
from backoffice.importing.engine import Importer
from backoffice.importing.values import REQUIRED, CellError, check_length, parse_choice
from orders.choices import CustomerTier
from orders.customer_models import ADDRESS_FIELDS
from orders.models import Address, Customer

BAD_EMAIL = _("“%(value)s” is not a valid email address.")
BAD_COUNTRY = _("“%(value)s” is not a two-letter country code (e.g. DE).")
ADDRESS_NEEDS = _("An address needs %(column)s when any address column is filled in.")
LIMITS = {"first_name": 150, "last_name": 150, "phone": 40}
FIELDS = ("first_name", "last_name", "phone", "tier", "notes")
# File column -> Address field; the export writes the same columns (orders.resources.export).
ADDRESS_COLUMNS = {f"address_{field}": field for field in ADDRESS_FIELDS}
ADDRESS_LIMITS = {"name": 200, "line1": 200, "line2": 200, "city": 100, "postcode": 20}  # country: two letters
ADDRESS_REQUIRED = ("line1", "city", "country")
BATCH = 1000


class CustomerImporter(Importer):
    model = Customer
    noun = _("customers")
    key = "email"
    required_columns = ("email",)
    optional_columns = (*FIELDS, *ADDRESS_COLUMNS)

    def prepare(self, table):
        emails = {row.get("email", "").lower() for _line, row in table.rows}
        emails.discard("")
        self.existing = {}
        listed = sorted(emails)
        for start in range(0, len(listed), BATCH):
            chunk = listed[start : start + BATCH]
            found = Customer.objects.annotate(email_key=Lower("email")).filter(email_key__in=chunk)
            for customer in found.select_related("default_shipping_address"):
                self.existing[customer.email_key] = customer
        self.new, self.updates = [], []
        # (customer, the address values the file gives it): a new default, or changes to the current one.
        self.addresses = []
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

    def parse_address(self, line, row):
        """``{field: value}`` of the row's address, ``{}`` when it gives none, ``None`` when it is wrong."""
        given = {field: row[column] for column, field in ADDRESS_COLUMNS.items() if column in self.columns}
        if not any(given.values()):
            return {}
        ok = True
        for field, text in given.items():
            if field not in ADDRESS_LIMITS:
                continue
            try:
                check_length(text, ADDRESS_LIMITS[field])
            except CellError as exc:
                self.report.error(line, f"address_{field}", exc.message)
                ok = False
        for field in ADDRESS_REQUIRED:
            if not given.get(field):
                self.report.error(line, f"address_{field}", ADDRESS_NEEDS % {"column": f"address_{field}"})
                ok = False
        country = given.get("country", "")
        if country and not (len(country) == 2 and country.isalpha()):
            self.report.error(line, "address_country", BAD_COUNTRY % {"value": country})
            ok = False
        if ok and country:
            given["country"] = country.upper()
        return given if ok else None

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
        address = self.parse_address(line, row)
        if values is None or address is None:
            return
        customer = self.existing.get(email.lower())
        if customer is None:
            customer = Customer(email=email, **values)
            self.new.append(customer)
            self.report.add_new(email)
            if address:
                self.addresses.append((customer, address))
            return
        changed = {f: v for f, v in values.items() if getattr(customer, f) != v}
        current = customer.default_shipping_address
        address_changed = bool(address) and (
            current is None or any(getattr(current, f) != v for f, v in address.items())
        )
        if not changed and not address_changed:
            self.report.unchanged += 1
            return
        for field, value in changed.items():
            setattr(customer, field, value)
        if address_changed:
            self.addresses.append((customer, address))
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
        defaults_set = self.write_addresses(user, reason)
        for start in range(0, len(self.new), BATCH):
            record_bulk_history(Customer, self.new[start : start + BATCH], user=user, reason=reason, update=False)
        now = timezone.now()
        for start in range(0, len(self.updates), BATCH):
            chunk = self.updates[start : start + BATCH]
            for customer in chunk:
                customer.updated_at = now
            Customer.objects.bulk_update(chunk, [*FIELDS, "updated_at"])
        if defaults_set:
            fields = ["default_shipping_address", "default_billing_address"]
            Customer.objects.bulk_update(defaults_set, fields, batch_size=BATCH)
        for start in range(0, len(self.updates), BATCH):
            record_bulk_history(Customer, self.updates[start : start + BATCH], user=user, reason=reason)

    def write_addresses(self, user, reason):
        """Update changed default addresses, add new ones; returns the customers whose defaults were set."""
        changed, added = [], []
        now = timezone.now()
        for customer, values in self.addresses:
            current = customer.default_shipping_address  # None for a new customer (no query)
            if current is not None:
                for field, value in values.items():
                    setattr(current, field, value)
                current.updated_at = now
                changed.append(current)
            else:
                added.append(Address(customer_id=customer.pk, **values))
        if changed:
            Address.objects.bulk_update(changed, [*ADDRESS_FIELDS, "updated_at"], batch_size=BATCH)
            record_bulk_history(Address, changed, user=user, reason=reason)
        Address.objects.bulk_create(added, batch_size=BATCH)
        if any(address.pk is None for address in added):  # MariaDB returns no ids from a bulk insert
            newest = {}
            ids = [address.customer_id for address in added]
            for pk, customer_id in Address.objects.filter(customer_id__in=ids).values_list("pk", "customer_id"):
                newest[customer_id] = max(pk, newest.get(customer_id, 0))
            for address in added:
                address.pk = newest[address.customer_id]
        record_bulk_history(Address, added, user=user, reason=reason, update=False)
        by_customer = {address.customer_id: address for address in added}
        defaults_set = []
        for customer, _values in self.addresses:
            address = by_customer.get(customer.pk)
            if address is None:
                continue
            customer.default_shipping_address = address
            if customer.default_billing_address_id is None:
                customer.default_billing_address = address
            defaults_set.append(customer)
        return defaults_set
