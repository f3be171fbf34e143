from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter

from backoffice.api.filtering import StrictOrderingFilter, StrictQueryParams
from backoffice.api.pagination import OrderCursorPagination
from backoffice.api.viewsets import CreateMixin, ModelViewSet, UpdateMixin
from backoffice.errors import ServiceError
from orders.api.serializers import CustomerSerializer, OrderCreateSerializer, OrderSerializer, TransitionSerializer
from orders.filters import CustomerFilter, OrderFilter
from orders.models import Customer, Order, OrderLine
from orders.services import place_order, transition_order


def orders_for_api():
    """Orders as the API (and the webhook payloads) show them, lines included."""
    lines = OrderLine.objects.select_related("product").order_by("pk")
    return (
        Order.objects.with_totals()
        .select_related("customer")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("-created_at", "-id")
    )


class CustomerViewSet(CreateMixin, UpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ModelViewSet):
    """Customers with discount rate, order count, lifetime value and last order."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    filter_backends = [StrictQueryParams, DjangoFilterBackend, SearchFilter, StrictOrderingFilter]
    search_fields = ["email", "first_name", "last_name"]
    ordering_fields = ["last_name", "email", "tier", "order_count", "lifetime_value", "created_at"]
    ordering = ["last_name", "first_name", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        # order_count, lifetime_value, last_order_*: the customer's stored columns.
        return Customer.objects.with_discount_rate().with_has_orders().order_by("last_name", "first_name", "id")


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModelViewSet):
    """Orders, newest first (cursor pagination). Create places an order; ``transition`` moves it on."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    filter_backends = [StrictQueryParams, DjangoFilterBackend]
    pagination_class = OrderCursorPagination
    lookup_field = "number"
    action_permissions = {"transition": ["orders.change_order"]}

    def get_queryset(self):
        return orders_for_api()

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        serializer = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            order = place_order(
                customer=data["customer"],
                lines=data["lines"],
                user=request.user,
                shipping=serializer.shipping(),
                notes=data.get("notes", ""),
            )
        except ServiceError as exc:
            # The service names "quantity" or "product"; in this body both live in "lines".
            exc.field = "lines"
            raise
        return self.respond_with(order, status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, number=None):
        """Change the status through ``orders.services.transition_order`` (needs ``change_order``)."""
        order = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transition_order(
            order=order,
            to_status=serializer.validated_data["status"],
            user=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self.respond_with(order)
