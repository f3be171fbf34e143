from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from inventory.models import Category, Product, StockMovement, Tag


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "parent", "default_price"]
    search_fields = ["name", "slug"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ["sku", "name", "category", "price", "stock", "status"]
    search_fields = ["sku", "name", "tags__name"]
    list_select_related = ["category"]
    readonly_fields = ["stock"]
    autocomplete_fields = ["category", "tags"]


@admin.register(StockMovement)
class StockMovementAdmin(ModelAdmin):
    list_display = ["created_at", "product", "delta", "reason", "order", "user"]
    search_fields = ["product__sku", "product__name"]
    list_select_related = ["product", "order", "user"]
