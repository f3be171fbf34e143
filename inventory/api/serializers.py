from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from backoffice import money
from backoffice.api.serializers import REASON_CREATE, REASON_UPDATE, HistoryModelSerializer
from backoffice.validators import normalize_sku, validate_sku
from inventory import services
from inventory.choices import ProductStatus
from inventory.models import Category, Product, Tag
from inventory.querysets import PriceSource

SKU_TAKEN = _("Another product already has this SKU.")
UNKNOWN_TAG = _("There is no tag named {value}. Create it first under /api/v1/tags/.")
UNKNOWN_CATEGORY = _("There is no category with id {pk_value}.")
STATUS_REFUSED = _("Cannot change the status to %(status)s: %(reason)s.")
STATUS_SERVICES = {
    ProductStatus.PUBLISHED: services.publish_products,
    ProductStatus.DRAFT: services.unpublish_products,
    ProductStatus.ARCHIVED: services.archive_products,
}


class SkuField(serializers.CharField):
    """Compared and stored the one way SKUs are: trimmed and upper case."""

    def to_internal_value(self, data):
        return normalize_sku(super().to_internal_value(data))


class TagNameField(serializers.SlugRelatedField):
    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "does_not_exist": UNKNOWN_TAG,
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="name", queryset=Tag.objects.all(), **kwargs)


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ProductSerializer(HistoryModelSerializer):
    """A product as the shop sees it. ``stock`` is read-only: change it through ``adjust-stock``.

    ``status`` changes go through the publish / unpublish / archive services, which keep
    ``published_at`` and refuse what the catalogue's rules refuse (draft from archived).
    ``tags`` are tag names; unknown names are refused (create the tag first).
    """

    sku = SkuField(
        max_length=32, validators=[validate_sku, UniqueValidator(queryset=Product.objects.all(), message=SKU_TAKEN)]
    )
    category = CategoryRefSerializer(read_only=True)
    category_id = serializers.PrimaryKeyRelatedField(
        source="category",
        queryset=Category.objects.all(),
        write_only=True,
        help_text=_("Category id"),
        error_messages={"does_not_exist": UNKNOWN_CATEGORY},
    )
    tags = TagNameField(many=True, required=False, help_text=_("Tag names"))
    # No default: a PUT that leaves the status out keeps it (a new product starts as a draft).
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
    effective_price = serializers.DecimalField(**money.PRICE, read_only=True)
    price_source = serializers.ChoiceField(choices=PriceSource.choices, read_only=True)
    is_default_price = serializers.SerializerMethodField(help_text=_("True when no own price is set"))
    units_sold = serializers.IntegerField(read_only=True)
    available = serializers.BooleanField(read_only=True)
    has_orders = serializers.BooleanField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "slug",
            "description",
            "category",
            "category_id",
            "tags",
            "price",
            "cost",
            "effective_price",
            "price_source",
            "is_default_price",
            "stock",
            "allow_backorder",
            "available",
            "units_sold",
            "has_orders",
            "status",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "stock", "published_at", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False, "allow_blank": True}}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_default_price(self, product):
        return getattr(product, "price_source", None) != PriceSource.OWN

    def create(self, validated_data):
        status = validated_data.pop("status", ProductStatus.DRAFT)
        with transaction.atomic():
            product = super().create(validated_data)
            if status != product.status:
                self._change_status(product, status, REASON_CREATE)
        return product

    def update(self, instance, validated_data):
        status = validated_data.pop("status", instance.status)
        with transaction.atomic():
            product = super().update(instance, validated_data)
            if status != product.status:
                self._change_status(product, status, REASON_UPDATE)
        return product

    def _change_status(self, product, status, reason):
        result = STATUS_SERVICES[status](products=[product], user=self._user(), reason=reason)
        if result.skipped:
            why = "; ".join(result.skipped)
            raise serializers.ValidationError({"status": [STATUS_REFUSED % {"status": status, "reason": why}]})


class StockAdjustmentSerializer(serializers.Serializer):
    delta = serializers.IntegerField(
        min_value=-1_000_000, max_value=1_000_000, help_text=_("Units to add (positive) or remove (negative)")
    )
    note = serializers.CharField(max_length=255, help_text=_("Why the stock changes; kept in history"))


class CategorySerializer(HistoryModelSerializer):
    product_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "parent", "default_price", "product_count", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False, "allow_blank": True}}


class TagSerializer(HistoryModelSerializer):
    product_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "product_count", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False, "allow_blank": True}}
