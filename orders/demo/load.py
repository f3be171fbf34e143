"""Load ``fixtures/demo.json`` into an empty shop, bring its dates up to now, and start its history."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import F, Max
from django.test.utils import override_settings
from django.utils import timezone

from backoffice.history import record_bulk_history
from inventory.models import Category, Product, StockMovement, Tag
from orders.models import Address, Customer, Order, OrderLine
from orders.recount import recount_customer_stats
from orders.services import sync_order_number_sequence

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
HISTORY_REASON = "demo data loaded"
# The newest demo order looks this old right after loading.
NEWEST_ORDER_AGE = timedelta(hours=3)
LOADED_MODELS = (Category, Tag, Product, StockMovement, Customer, Address, Order, OrderLine)


def demo_data_present():
    return Product.objects.exists() or Order.objects.exists()


def rows_in_the_way():
    """``{"customers": 1}``: rows the fixture's ids or unique names would overwrite or clash with.

    A customer profile made for a user created before the first ``make run`` is the usual one.
    """
    counts = {model._meta.verbose_name_plural: model.objects.count() for model in (Category, Tag, Customer)}
    return {str(name): count for name, count in counts.items() if count}


@transaction.atomic
def load_demo_data(*, fixture=DEMO_FIXTURE, user=None):
    """Load the fixture and return ``(counts by model, how far dates moved)``.

    The caller checks ``demo_data_present()`` first; this function assumes an empty shop.
    """
    # loaddata saves raw (no history) but sets product tags like a user would, which simple-history
    # records as unexplained changes; the history starts below instead, one "+" row per object.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("loaddata", str(fixture), verbosity=0)
    shift = _shift_dates()
    # The fixture's customer figures name the orders' old dates: count them again from the moved orders.
    recount_customer_stats()
    sync_order_number_sequence()
    for model in LOADED_MODELS:
        if hasattr(model, "history"):
            record_bulk_history(model, model.objects.order_by("pk"), user=user, reason=HISTORY_REASON, update=False)
    return {model: model.objects.count() for model in LOADED_MODELS}, shift


def _shift_dates():
    """Move every date by the same amount so the newest order was placed a few hours ago.

    The rows have no history yet (it is written right after), so one UPDATE per table is safe.
    """
    newest = Order.objects.aggregate(newest=Max("placed_at"))["newest"]
    if newest is None:
        return timedelta(0)
    shift = timezone.now().replace(microsecond=0) - NEWEST_ORDER_AGE - newest
    for model in LOADED_MODELS:
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.DateTimeField) and not field.primary_key
        ]
        model.objects.update(**{name: F(name) + shift for name in names})
    return shift
