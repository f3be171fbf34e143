"""Editing a draft's lines: with ``orders.services.create_draft_order``, the only code that prices them."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backoffice.errors import ServiceError
from backoffice.history import stamp
from backoffice.validators import whole_number
from inventory.models import Product
from orders.choices import OrderStatus
from orders.models import Order, OrderLine
from orders.services import check_lines

PRODUCT_TWICE = _("%(sku)s is on two lines of the draft: change the quantity of one line instead.")
NOT_A_DRAFT = _("Order %(number)s is %(status)s: only a draft's lines can change. Cancel or refund it instead.")


@transaction.atomic
def edit_draft_lines(*, order, user, add=(), change=(), remove=(), reason=""):
    """Change a draft's lines: the only place, beside ``create_draft_order``, that prices a draft line.

    ``add`` is ``[(product, quantity)]``, ``change`` ``[(line id, product, quantity)]``, ``remove``
    ``[line id]``. A new line, and a line whose product changes, take the product's effective
    price today; a line whose quantity alone changes keeps its price (placing the order fixes
    every price again). Refuses an order that is no longer a draft (it is locked first) and
    quantities that are not whole numbers of at least 1; nothing is written then.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.DRAFT:
        params = {"number": locked.number, "status": locked.get_status_display().lower()}
        raise ServiceError(NOT_A_DRAFT, code="not_a_draft", params=params, field="lines")
    wanted = [*add, *((product, quantity) for _pk, product, quantity in change)]
    if wanted:
        check_lines(wanted)  # quantities: whole numbers of at least 1
    reason = reason or f"changed in draft {locked.number}"
    stored = {line.pk: line for line in locked.lines.select_related("product")}
    kept = {pk: line.product for pk, line in stored.items() if pk not in set(remove)}
    kept.update((pk, product) for pk, product, _q in change if pk in kept)
    _refuse_product_twice([*kept.values(), *(product for product, _q in add)])
    prices = dict(
        Product.objects.filter(pk__in=[product.pk for product, _q in wanted])
        .with_effective_price()
        .values_list("pk", "effective_price")
    )
    for pk in remove:
        if pk in stored:
            stamp(stored[pk], user=user, reason=reason).delete()
    for pk, product, quantity in change:
        line = stored.get(pk)
        if line is None or pk in remove:  # not a line of this order (any more)
            continue
        if line.product_id != product.pk:
            line.product, line.unit_price = product, prices[product.pk]
        line.quantity = whole_number(quantity)
        stamp(line, user=user, reason=reason).save()
    for product, quantity in add:
        line = OrderLine(order=locked, product=product, quantity=whole_number(quantity), unit_price=prices[product.pk])
        stamp(line, user=user, reason=f"added to draft {locked.number}").save()
    return locked


def _refuse_product_twice(products):
    seen = set()
    for product in products:
        if product.pk in seen:
            raise ServiceError(PRODUCT_TWICE, code="product_twice", params={"sku": product.sku}, field="lines")
        seen.add(product.pk)
