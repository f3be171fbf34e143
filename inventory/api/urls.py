"""The catalogue's endpoints under ``/api/v1/`` (included by ``backoffice.api.urls``)."""

from backoffice.api.viewsets import EndpointRouter
from inventory.api.views import CategoryViewSet, ProductViewSet, TagViewSet

router = EndpointRouter()
router.register("products", ProductViewSet, basename="product")
router.register("categories", CategoryViewSet, basename="category")
router.register("tags", TagViewSet, basename="tag")

urlpatterns = router.urls
