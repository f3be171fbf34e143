from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backoffice import money
from backoffice.api.serializers import REASON_UPDATE, HistoryModelSerializer
from backoffice.validators import normalize_sku
from inventory.models import Product
from orders.choices import OrderStatus
from orders.models import Customer, Order, OrderLine
from orders.services import change_customer_tier

MONEY = money.TOTAL
RATE = {"max_digits": 5, "decimal_places": 4}
SKU_OR_PRODUCT = _("Give either sku or product (an id), not both and not neither.")
UNKNOWN_SKU = _("There is no product with SKU %(sku)s.")
UNKNOWN_PRODUCT = _("There is no product with id %(id)s.")
UNKNOWN_CUSTOMER = _("There is no customer with id {pk_value}.")
MAX_LINES = 500
MAX_ID = 2**63 - 1  # the largest id any of the databases stores


class LastOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    placed_at = serializers.DateTimeField()


class CustomerSerializer(HistoryModelSerializer):
    """A customer with the tier's discount (an annotation) and its stored order figures (no per-row queries).

    A tier change on update goes through ``orders.services.change_customer_tier``.
    """

    discount_rate = serializers.DecimalField(**RATE, read_only=True)
    order_count = serializers.IntegerField(read_only=True)
    lifetime_value = serializers.DecimalField(**MONEY, read_only=True)
    last_order = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "tier",
            "notes",
            "discount_rate",
            "order_count",
            "lifetime_value",
            "last_order",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"email": {"required": False}}

    @extend_schema_field(LastOrderSerializer(allow_null=True))
    def get_last_order(self, customer):
        number = getattr(customer, "last_order_number", None)
        if number is None:
            return None
        return {"number": number, "placed_at": serializers.DateTimeField().to_representation(customer.last_order_at)}

    def update(self, instance, validated_data):
        tier = validated_data.pop("tier", instance.tier)
        with transaction.atomic():
            customer = super().update(instance, validated_data)
            if tier != customer.tier:
                change_customer_tier(customers=[customer], tier=tier, user=self._user(), reason=REASON_UPDATE)
        return customer


class CustomerRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name", read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "email", "name"]


class ProductRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "sku", "name"]


class OrderLineSerializer(serializers.ModelSerializer):
    product = ProductRefSerializer(read_only=True)
    line_total = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "quantity", "unit_price", "line_total"]


class OrderSerializer(serializers.ModelSerializer):
    """An order with its lines; prices are the ones kept at placement."""

    customer = CustomerRefSerializer(read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    subtotal = serializers.DecimalField(**MONEY, read_only=True)
    discount_rate = serializers.DecimalField(source="effective_discount_rate", **RATE, read_only=True)
    total = serializers.DecimalField(**MONEY, read_only=True)
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "customer",
            "placed_at",
            "subtotal",
            "discount_rate",
            "total",
            "line_count",
            "lines",
            *Order.SHIPPING_FIELDS,
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=32, required=False, help_text=_("SKU of the product"))
    product = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=_("Id of the product, instead of sku")
    )
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)

    def validate(self, attrs):
        if ("sku" in attrs) == ("product" in attrs):
            raise serializers.ValidationError(SKU_OR_PRODUCT)
        return attrs


class OrderCreateSerializer(serializers.Serializer):
    """Places an order through ``orders.services.place_order``: prices of today, stock taken."""

    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), error_messages={"does_not_exist": UNKNOWN_CUSTOMER}
    )
    lines = OrderLineInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    shipping_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    shipping_line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    shipping_line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    shipping_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    shipping_postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    shipping_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def validate_lines(self, lines):
        """Resolve every SKU and id in two queries; name each line that points at nothing."""
        skus = {normalize_sku(line["sku"]) for line in lines if "sku" in line}
        ids = {line["product"] for line in lines if "product" in line}
        by_sku = {p.sku: p for p in Product.objects.filter(sku__in=skus)} if skus else {}
        by_id = {p.pk: p for p in Product.objects.filter(pk__in=ids)} if ids else {}
        errors, resolved = [], []
        for line in lines:
            if "sku" in line:
                product = by_sku.get(normalize_sku(line["sku"]))
                error = {"sku": [UNKNOWN_SKU % {"sku": line["sku"]}]} if product is None else {}
            else:
                product = by_id.get(line["product"])
                error = {"product": [UNKNOWN_PRODUCT % {"id": line["product"]}]} if product is None else {}
            errors.append(error)
            resolved.append((product, line["quantity"]))
        if any(errors):
            raise serializers.ValidationError(errors)
        return resolved

    def shipping(self):
        return {name: value for name, value in self.validated_data.items() if name in Order.SHIPPING_FIELDS}


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
