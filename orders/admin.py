from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline

from orders.models import Customer, Order, OrderLine


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ["email", "first_name", "last_name", "tier"]
    search_fields = ["email", "first_name", "last_name"]


class OrderLineInline(TabularInline):
    model = OrderLine
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Order)
class OrderAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ["number", "customer", "status", "placed_at"]
    search_fields = ["number", "customer__email"]
    list_select_related = ["customer"]
    inlines = [OrderLineInline]
    autocomplete_fields = ["customer"]
