"""Orders' and customers' rules for revert, undo and the recycle bin (``backoffice.changesets.registry``).

An order's status moves only along its lifecycle (``transition_order``); its stored figures, its
number and its placement are never reverted. A customer's tier goes through ``change_customer_tier``.
"""

from django.utils.translation import gettext_lazy as _

from backoffice.changesets.registry import ModelRules, delete_with_history, register
from backoffice.errors import ServiceError
from orders import services
from orders.models import ORDER_STATS_FIELDS, Customer, Order, OrderLine

HAS_ORDERS = _("they have placed orders since")
ORDERS_NOT_DELETED = _("Orders are not deleted by an undo: cancel order %(number)s instead.")


def transition_orders(orders, status, *, user, reason):
    for order in orders:
        services.transition_order(order=order, to_status=status, user=user, reason=reason)


def change_tier(customers, tier, *, user, reason):
    services.change_customer_tier(customers=list(customers), tier=tier, user=user, reason=reason)


def customers_with_orders(pks):
    return {
        pk: str(HAS_ORDERS) for pk in Order.objects.filter(customer_id__in=pks).values_list("customer_id", flat=True)
    }


def refuse_order_delete(orders, *, user, reason):
    first = next(iter(orders))
    order = getattr(first, "order", first)  # a line names its order
    raise ServiceError(ORDERS_NOT_DELETED, code="order_not_deleted", params={"number": order.number})


def register_rules():
    register(
        ModelRules(
            model=Customer,
            status_field="tier",
            apply_status=change_tier,
            kept=frozenset(ORDER_STATS_FIELDS),
            delete=delete_with_history,
            in_use=customers_with_orders,
            delete_rank=3,
        )
    )
    register(
        ModelRules(
            model=Order,
            status_field="status",
            apply_status=transition_orders,
            kept=frozenset(
                {
                    "number",
                    "customer",
                    "placed_at",
                    "discount_rate",
                    "placed_subtotal",
                    "placed_total",
                    "placed_line_count",
                    "created_by",
                }
            ),  # fmt: skip
            delete=refuse_order_delete,
            restorable=False,
        )
    )
    # Lines change only through the order services (placement fixes their prices).
    register(
        ModelRules(
            model=OrderLine,
            kept=frozenset({"order", "product", "unit_price", "quantity"}),
            delete=refuse_order_delete,
            restorable=False,
        )
    )
