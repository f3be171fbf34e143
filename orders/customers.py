"""Writes to a customer's address book and notes timeline, and the addresses an order copies.

Tier changes stay in ``orders.services.change_customer_tier``; the rules that drive them are in
``orders.tiers``.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backoffice.errors import ServiceError
from orders.models import Address, Customer, CustomerNote, Order

EMPTY_NOTE = _("Write something first: an empty note was not added.")
NOTE_TOO_LONG = _("A note may have at most %(limit)d characters; this one has %(length)d.")
FOREIGN_ADDRESS = _("Address %(address)s belongs to another customer; pick one of %(customer)s's addresses.")
NOTE_MAX_LENGTH = 5000
DEFAULT_KINDS = {"shipping": "default_shipping_address", "billing": "default_billing_address"}


@transaction.atomic
def add_customer_note(*, customer, author, body):
    """Add an entry to the customer's notes timeline (author and time kept, never edited)."""
    body = (body or "").strip()
    if not body:
        raise ServiceError(EMPTY_NOTE, code="empty_note", field="body")
    if len(body) > NOTE_MAX_LENGTH:
        raise ServiceError(
            NOTE_TOO_LONG, code="note_too_long", params={"limit": NOTE_MAX_LENGTH, "length": len(body)}, field="body"
        )
    return CustomerNote.objects.create(
        customer=customer, author=author if getattr(author, "pk", None) else None, body=body
    )


@transaction.atomic
def set_default_addresses(*, customer, user, reason, shipping=None, billing=None):
    """Make ``shipping`` / ``billing`` (addresses of this customer, or None to leave as is) the defaults.

    The defaults are the customer's own foreign keys, so there is never more than one of each.
    Returns the customer, saved with history only if a default changed.
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    changed = []
    for kind, address in (("shipping", shipping), ("billing", billing)):
        if address is None:
            continue
        if address.customer_id != locked.pk:
            raise ServiceError(
                FOREIGN_ADDRESS,
                code="foreign_address",
                params={"address": address.pk, "customer": locked},
                field=DEFAULT_KINDS[kind],
            )
        if getattr(locked, f"{DEFAULT_KINDS[kind]}_id") != address.pk:
            setattr(locked, DEFAULT_KINDS[kind], address)
            changed.append(DEFAULT_KINDS[kind])
    if changed:
        locked._history_user = user
        locked._change_reason = reason
        locked.save(update_fields=[*changed, "updated_at"])
        for field in changed:
            setattr(customer, field, getattr(locked, field))
    return locked


def order_address_fields(customer, *, shipping=None):
    """The address columns a new order keeps: what the caller typed, else the customer's defaults.

    ``shipping`` is ``{"shipping_name": ..., "billing_line1": ...}`` as typed (admin, API, demo);
    without a street of its own, the order copies the default shipping address, and for billing
    the default billing address (else the shipping one). The order keeps these values: editing
    the address book later changes no order.
    """
    wanted = (*Order.SHIPPING_FIELDS, *Order.BILLING_FIELDS)
    given = {key: value for key, value in dict(shipping or {}).items() if key in wanted and value}
    defaults = _default_addresses(customer)
    fields = {}
    if not given.get("shipping_line1") and defaults["shipping"] is not None:
        fields.update(defaults["shipping"].as_order_fields("shipping"))
    billing = defaults["billing"] or defaults["shipping"]
    if not given.get("billing_line1") and billing is not None:
        fields.update(billing.as_order_fields("billing"))
    fields.update(given)
    if not fields.get("shipping_name"):
        fields["shipping_name"] = customer.full_name
    if fields.get("billing_line1") and not fields.get("billing_name"):
        fields["billing_name"] = customer.full_name
    return fields


def _default_addresses(customer):
    ids = {kind: getattr(customer, f"{field}_id") for kind, field in DEFAULT_KINDS.items()}
    wanted = {pk for pk in ids.values() if pk}
    found = {a.pk: a for a in Address.objects.filter(pk__in=wanted)} if wanted else {}
    return {kind: found.get(pk) for kind, pk in ids.items()}
