"""Webhook payloads of products: the product as ``GET /api/v1/products/{id}/`` shows it."""

from inventory.api.serializers import ProductSerializer
from inventory.api.views import products_for_api


def product_payloads(pks):
    return {product.pk: ProductSerializer(product).data for product in products_for_api().filter(pk__in=pks)}
