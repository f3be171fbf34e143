"""The customers' and orders' endpoints under ``/api/v1/`` (included by ``backoffice.api.urls``)."""

from backoffice.api.viewsets import EndpointRouter
from orders.api.views import CustomerViewSet, OrderViewSet

router = EndpointRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("orders", OrderViewSet, basename="order")

urlpatterns = router.urls
