"""Webhook payloads of orders: the order as ``GET /api/v1/orders/{number}/`` shows it."""

from orders.api.serializers import OrderSerializer
from orders.api.views import orders_for_api


def order_payloads(pks):
    return {order.pk: OrderSerializer(order).data for order in orders_for_api().filter(pk__in=pks)}
