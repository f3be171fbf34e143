from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter, ChoicesDropdownFilter
from unfold.decorators import action, display

from backoffice.admin_actions import (
    admin_reason,
    confirm_delete,
    redirect_to_change_page,
    result_level,
)
from backoffice.admin_history import TrackedAdmin
from backoffice.admin_io import ImportExportAdminMixin
from backoffice.admin_lists import nowrap
from backoffice.admin_site import EstimatedCountPaginator
from backoffice.errors import ServiceError
from inventory import category_services
from inventory.admin.filters import DateRangeFilter
from inventory.models import Category, StockMovement, Tag

NOUN = _("categories")
DELETE_TITLE = _("Delete categories")
DELETE_INTRO = _(
    "Categories that still have products or subcategories are not deleted; they are listed afterwards. "
    "Move their products and subcategories to another category first."
)


@admin.register(Category)
class CategoryAdmin(TrackedAdmin, ModelAdmin, ImportExportAdminMixin):
    """Deleting goes through ``inventory.category_services``: one in use is refused, by name."""

    list_display = ["name", "parent", "default_price", "product_count"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    show_full_result_count = False
    actions = ["delete_categories"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_product_count()

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        # Django's delete_selected would answer a category in use with its own "protected" page.
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """A category in use is refused before the confirmation page, with the service's message."""
        category = self.get_object(request, unquote(object_id))
        if category is not None and self.has_delete_permission(request, category):
            try:
                category_services.refuse_category_in_use(category)
            except ServiceError as error:
                self.message_user(request, error.message, messages.ERROR)
                return redirect_to_change_page(request, category)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        try:
            category_services.delete_category(category=obj, user=request.user, reason=admin_reason("deleted"))
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        categories = list(queryset)
        result = category_services.delete_categories(
            categories=categories, user=request.user, reason=admin_reason("deleted")
        )
        self.message_user(request, result.summary(NOUN, _("deleted")), result_level(result))

    @action(description=_("Delete selected categories"), permissions=["delete"], icon="delete")
    def delete_categories(self, request, queryset):
        def delete(categories, reason):  # the rule: category_services.refuse_category_in_use
            return category_services.delete_categories(categories=categories, user=request.user, reason=reason)

        return confirm_delete(
            self, request, queryset, delete=delete, noun=NOUN, title=_("Delete categories"), intro=DELETE_INTRO
        )

    @display(description=_("Products"), ordering="product_count")
    def product_count(self, obj):
        return obj.product_count


@admin.register(Tag)
class TagAdmin(TrackedAdmin, ModelAdmin, ImportExportAdminMixin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    show_full_result_count = False


@admin.register(StockMovement)
class StockMovementAdmin(ModelAdmin, ImportExportAdminMixin):
    """Read-only for everyone, superusers included: inventory.services write these rows.

    Export only (``export_stockmovement``); there is no importer for stock movements.
    """

    list_display = [
        "created_at",
        "sku_display",
        "product_name",
        "delta",
        "stock_after",
        "reason",
        "order_display",
        "user",
        "note",
    ]
    list_select_related = ["product", "order", "user"]
    list_filter = [
        ("reason", ChoicesDropdownFilter),
        ("product", AutocompleteSelectFilter),
        ("created_at", DateRangeFilter),
    ]
    list_filter_submit = True
    search_fields = ["product__sku", "product__name", "note"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    @display(description=_("SKU"), ordering="product__sku")
    def sku_display(self, obj):
        return nowrap(obj.product.sku)

    @display(description=_("Product"), ordering="product__name")
    def product_name(self, obj):
        return obj.product.name

    @display(description=_("Order"), ordering="order__number")
    def order_display(self, obj):
        return nowrap(obj.order.number) if obj.order_id else "-"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False
