from django.db.models import Count
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from backoffice.api.filtering import QuerySetSearchFilter, StrictOrderingFilter, StrictQueryParams
from backoffice.api.serializers import REASON_DELETE
from backoffice.api.viewsets import CreateMixin, ModelViewSet, UpdateMixin
from backoffice.errors import ServiceError
from backoffice.history import stamp
from inventory.api.serializers import CategorySerializer, ProductSerializer, StockAdjustmentSerializer, TagSerializer
from inventory.category_services import delete_category
from inventory.choices import MovementReason
from inventory.filters import CategoryFilter, ProductFilter
from inventory.models import Category, Product, Tag
from inventory.services import adjust_stock


class ProductViewSet(CreateMixin, UpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ModelViewSet):
    """Products with their effective price, units sold and availability.

    Unknown query parameters and ordering fields are refused with 400.
    """

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    filter_backends = [StrictQueryParams, DjangoFilterBackend, QuerySetSearchFilter, StrictOrderingFilter]
    ordering_fields = ["sku", "name", "effective_price", "stock", "units_sold", "status", "created_at", "updated_at"]
    ordering = ["name", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    action_permissions = {"adjust_stock": ["inventory.adjust_stock_product"]}

    def get_queryset(self):
        return (
            Product.objects.select_related("category")
            .prefetch_related("tags")
            .with_effective_price()
            .with_has_orders()
            .with_available()
            .order_by("name", "id")
        )

    def get_serializer_class(self):
        if self.action == "adjust_stock":
            return StockAdjustmentSerializer
        return ProductSerializer

    @extend_schema(request=StockAdjustmentSerializer, responses={200: ProductSerializer})
    @action(detail=True, methods=["post"], url_path="adjust-stock")
    def adjust_stock(self, request, pk=None):
        """Add or remove units through ``inventory.services.adjust_stock`` (needs ``adjust_stock_product``)."""
        product = self.get_object()
        serializer = StockAdjustmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            adjust_stock(
                product=product,
                delta=serializer.validated_data["delta"],
                reason=MovementReason.ADJUSTMENT,
                user=request.user,
                note=serializer.validated_data["note"],
            )
        except ServiceError as exc:
            if exc.field == "quantity":
                exc.field = "delta"
            raise
        return Response(ProductSerializer(self.read_back(product), context=self.get_serializer_context()).data)


class CategoryViewSet(CreateMixin, UpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ModelViewSet):
    """Categories; one that still has products or subcategories cannot be deleted (409)."""

    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    filter_backends = [StrictQueryParams, DjangoFilterBackend, SearchFilter, StrictOrderingFilter]
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "product_count", "created_at", "updated_at"]
    ordering = ["name"]

    def get_queryset(self):
        return Category.objects.with_product_count().order_by("name")

    def destroy(self, request, *args, **kwargs):
        delete_category(category=self.get_object(), user=request.user, reason=REASON_DELETE)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TagViewSet(CreateMixin, UpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ModelViewSet):
    serializer_class = TagSerializer
    filter_backends = [StrictQueryParams, SearchFilter, StrictOrderingFilter]
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "product_count", "created_at", "updated_at"]
    ordering = ["name"]

    def get_queryset(self):
        return Tag.objects.annotate(product_count=Count("products")).order_by("name")

    def destroy(self, request, *args, **kwargs):
        tag = self.get_object()
        stamp(tag, user=request.user, reason=REASON_DELETE).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
