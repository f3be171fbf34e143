"""``/api/v1/``: the endpoints, JWT token views, the OpenAPI schema and its interactive docs.

Each app registers its endpoints in its own ``api/urls.py``, included here by name (the kernel
imports no app); the API root lists them by URL name.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes, schema, throttle_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView
from rest_framework.urlpatterns import format_suffix_patterns
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView, TokenVerifyView

app_name = "api"


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@throttle_classes([])
@schema(None)
def not_found(request):
    raise NotFound()


# The browsable root: endpoint -> its list URL's name (registered by the apps' url modules).
API_ROOT = {
    "products": "product-list",
    "categories": "category-list",
    "tags": "tag-list",
    "customers": "customer-list",
    "orders": "order-list",
}

urlpatterns = [
    path("token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("token/verify/", TokenVerifyView.as_view(), name="token_verify"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL, so the CSP needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *format_suffix_patterns([path("", APIRootView.as_view(api_root_dict=API_ROOT), name="api-root")]),
    path("", include("inventory.api.urls")),
    path("", include("orders.api.urls")),
    # Anything else under /api/v1/ is a 404 in the API's error shape, not Django's HTML page.
    re_path(r"^.*/$", not_found),
]
