"""A customer's address book, notes timeline and the rules that set tiers (models; see orders.models)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from backoffice.models import TimeStampedModel
from orders.choices import CustomerTier

# An address's fields, in the order forms, files and orders show them. An order copies them into
# its own ``shipping_<field>`` and ``billing_<field>`` columns when it is placed.
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postcode", "country")


class Address(TimeStampedModel):
    """One entry of a customer's address book; ``Customer.default_shipping_address`` and
    ``default_billing_address`` point at (at most) one each, so a second default cannot exist."""

    customer = models.ForeignKey(
        "orders.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("label"), max_length=50, blank=True, help_text=_("e.g. Home, Office"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO code, e.g. DE"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["customer", "pk"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self):
        place = ", ".join(part for part in (self.line1, f"{self.postcode} {self.city}".strip(), self.country) if part)
        return f"{self.label}: {place}" if self.label else place

    def values(self):
        return {field: getattr(self, field) for field in ADDRESS_FIELDS}

    def as_order_fields(self, prefix):
        """``{"shipping_name": ..., "shipping_line1": ...}``: the copy an order keeps."""
        return {f"{prefix}_{field}": value for field, value in self.values().items()}


class CustomerNote(TimeStampedModel):
    """One entry of a customer's notes timeline: who wrote what, when. Notes are never edited."""

    customer = models.ForeignKey(
        "orders.Customer", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="timeline_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")
        indexes = [models.Index(fields=["customer", "-created_at"], name="customernote_customer_idx")]

    def __str__(self):
        return self.body[:60]


class TierRule(TimeStampedModel):
    """ "VIP when spend in the last 365 days >= 2,000.00": see ``orders.tiers``.

    Rules are tried in ``position`` order and the first that a customer meets gives their tier;
    a customer who meets none is regular. Spend and order count are over orders placed in the
    window that count as revenue (placed, paid, shipped, delivered); with both set, both must hold.
    """

    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Rules are tried lowest first."))
    tier = models.CharField(
        _("tier"),
        max_length=16,
        choices=[choice for choice in CustomerTier.choices if choice[0] != CustomerTier.REGULAR],
    )
    min_spend = models.DecimalField(
        _("spend at least"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    min_orders = models.PositiveIntegerField(
        _("orders at least"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    window_days = models.PositiveIntegerField(
        _("window (days)"), default=365, validators=[MinValueValidator(1)], help_text=_("e.g. 365 for 12 months")
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_spend__isnull=False) | Q(min_orders__isnull=False), name="tierrule_has_a_threshold"
            ),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="tierrule_window_gte_1"),
            models.CheckConstraint(condition=~Q(tier=CustomerTier.REGULAR), name="tierrule_not_regular"),
        ]

    def __str__(self):
        conditions = []
        if self.min_spend is not None:
            conditions.append(_("spend >= %(amount)s") % {"amount": f"{self.min_spend:,.2f}"})
        if self.min_orders is not None:
            conditions.append(_("orders >= %(count)d") % {"count": self.min_orders})
        return _("%(tier)s when %(conditions)s in the last %(days)d days") % {
            "tier": CustomerTier(self.tier).label,
            "conditions": str(_(" and ")).join(str(c) for c in conditions),
            "days": self.window_days,
        }

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.min_spend is None and self.min_orders is None:
            raise ValidationError(_("Give a spend, an order count or both: a rule needs something to measure."))
