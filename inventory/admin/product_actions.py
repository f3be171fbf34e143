"""Bulk and detail actions of the product admin; each one calls a service in inventory.services."""

from django.contrib import messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.enums import ActionVariant

from backoffice.admin_actions import (
    ReasonDialogForm,
    admin_reason,
    confirm_and_apply,
    confirm_delete,
    form_action,
    redirect_to_change_page,
    result_level,
)
from backoffice.bulk import BulkResult
from backoffice.errors import ServiceError
from inventory import services
from inventory.admin.forms import AdjustStockDialogForm, AdjustStockForm
from inventory.choices import MovementReason, ProductStatus
from inventory.models import Product, StockMovement

NOUN = _("products")
ADJUSTED = _("Stock of %(product)s changed by %(delta)+d to %(stock)d.")
ORDERED_NOT_DELETED = _(
    "%(product)s appears in orders and cannot be deleted. Archive it instead: archiving keeps it out of "
    "the shop and keeps the order history."
)
DELETE_TITLE = _("Delete products")
DELETE_INTRO = _(
    "Products that appear in orders are not deleted; they are listed afterwards with the advice to archive "
    "them. Deleting cannot be undone from the list, only from each product's history."
)


class StatusDialogForm(ReasonDialogForm):
    reason_help_text = _("Optional; kept in the product's history.")


def _status_detail_action(name, service, verb, verb_label, label, permission):
    """A detail-page button that changes one product's status through ``service`` (POST via its dialog)."""

    def run(self, request, form, object_id):
        product = get_object_or_404(Product, pk=object_id)
        result = service(products=[product], user=request.user, reason=admin_reason(verb, form.cleaned_data["reason"]))
        self.message_user(request, result.summary(NOUN, verb_label), result_level(result))
        return redirect_to_change_page(request, product)

    run.__name__ = name
    return action(
        description=label,
        permissions=[permission],
        dialog={"title": label, "form_class": StatusDialogForm, "form_submit_text": label},
    )(run)


class ProductActionsMixin:
    actions = ["publish", "unpublish", "archive", "delete_products", "adjust_stock_bulk"]
    actions_detail = [
        "adjust_stock_detail",
        {"title": _("Status"), "icon": "toggle_on", "items": ["publish_detail", "unpublish_detail", "archive_detail"]},
    ]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        # Django's delete_selected would bypass the rule that ordered products are archived, not deleted.
        actions.pop("delete_selected", None)
        return actions

    publish_detail = _status_detail_action(
        "publish_detail", services.publish_products, "published", _("published"), _("Publish"), "publish"
    )
    unpublish_detail = _status_detail_action(
        "unpublish_detail", services.unpublish_products, "unpublished", _("unpublished"), _("Unpublish"), "unpublish"
    )
    archive_detail = _status_detail_action(
        "archive_detail", services.archive_products, "archived", _("archived"), _("Archive"), "archive"
    )

    def _may_move(self, request, object_id, to_status):
        """A product's page offers only the status buttons whose service would not skip it."""
        if not self.has_change_permission(request):
            return False
        if object_id is None:
            return True
        status = Product.objects.filter(pk=object_id).values_list("status", flat=True).first()
        return status is not None and services.can_change_status(status, to_status)

    def has_publish_permission(self, request, object_id=None):
        return self._may_move(request, object_id, ProductStatus.PUBLISHED)

    def has_unpublish_permission(self, request, object_id=None):
        return self._may_move(request, object_id, ProductStatus.DRAFT)

    def has_archive_permission(self, request, object_id=None):
        return self._may_move(request, object_id, ProductStatus.ARCHIVED)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Stock movements are nobody's to delete by hand, but they go with a never-ordered product
        # (delete_products records it in the product's last history row).
        perms_needed.discard(StockMovement._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        ordered = self.get_object(request, unquote(object_id))  # annotated with has_orders (get_queryset)
        if ordered is not None and ordered.has_orders and self.has_delete_permission(request, ordered):
            # Not Django's "protected objects" page: the advice the bulk action gives.
            self.message_user(request, ORDERED_NOT_DELETED % {"product": ordered}, messages.WARNING)
            return redirect_to_change_page(request, ordered)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        # The delete button of one product takes the same path as the bulk action.
        result = services.delete_products(products=[obj], user=request.user, reason=admin_reason("deleted"))
        if result.message:
            self.message_user(request, result.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        result = services.delete_products(products=list(queryset), user=request.user, reason=admin_reason("deleted"))
        self.message_user(request, result.summary(NOUN, _("deleted")), result_level(result))

    def has_adjust_stock_permission(self, request, obj=None):
        return request.user.has_perm("inventory.adjust_stock_product")

    def _bulk_status(self, request, queryset, service, verb, default_reason):
        result = service(products=queryset, user=request.user, reason=default_reason)
        self.message_user(request, result.summary(NOUN, verb), result_level(result))

    @action(description=_("Publish selected products"), permissions=["change"], icon="visibility")
    def publish(self, request, queryset):
        self._bulk_status(request, queryset, services.publish_products, _("published"), admin_reason("published"))

    @action(description=_("Unpublish selected products"), permissions=["change"], icon="visibility_off")
    def unpublish(self, request, queryset):
        self._bulk_status(request, queryset, services.unpublish_products, _("unpublished"), admin_reason("unpublished"))

    @action(description=_("Archive selected products"), permissions=["change"], icon="archive")
    def archive(self, request, queryset):
        def archive(products, reason):
            return services.archive_products(products=products, user=request.user, reason=reason)

        return confirm_and_apply(
            self,
            request,
            queryset,
            apply=archive,
            what="archived",
            noun=NOUN,
            verb=_("archived"),
            title=_("Archive products"),
            intro=_("Archived products leave the shop but stay in orders and reports."),
        )

    @action(description=_("Delete selected products"), permissions=["delete"], icon="delete")
    def delete_products(self, request, queryset):
        # The optional reason typed on the confirmation page goes into each deleted row's history.
        def delete(products, reason):
            return services.delete_products(products=products, user=request.user, reason=reason)

        return confirm_delete(
            self, request, queryset, delete=delete, noun=NOUN, title=_("Delete products"), intro=DELETE_INTRO
        )

    @action(description=_("Adjust stock of selected products"), permissions=["adjust_stock"], icon="swap_vert")
    def adjust_stock_bulk(self, request, queryset):
        def perform(products, data):
            result = BulkResult()
            for product in products.order_by("pk"):
                try:
                    services.adjust_stock(
                        product=product,
                        delta=data["delta"],
                        reason=MovementReason.ADJUSTMENT,
                        user=request.user,
                        note=data["note"],
                    )
                except ServiceError as error:
                    result.skipped[error.message].append(product)
                else:
                    result.changed += 1
            return result.summary(NOUN, _("adjusted")), result_level(result)

        return form_action(
            self, request, queryset, form_class=AdjustStockForm, title=_("Adjust stock"), perform=perform
        )

    @action(
        description=_("Adjust stock"),
        permissions=["adjust_stock"],
        icon="swap_vert",
        variant=ActionVariant.PRIMARY,
        dialog={
            "title": _("Adjust stock"),
            "description": _("The change is recorded as a stock movement and in the product's history."),
            "form_class": AdjustStockDialogForm,
            "form_submit_text": _("Adjust stock"),
        },
    )
    def adjust_stock_detail(self, request, form, object_id):
        product = get_object_or_404(Product, pk=object_id)
        try:
            services.adjust_stock(
                product=product,
                delta=form.cleaned_data["delta"],
                reason=MovementReason.ADJUSTMENT,
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            # The dialog shows errors beside fields only: a refusal of the quantity belongs to "delta".
            form.add_error(error.field if error.field in form.fields else "delta", error.message)
            dialog = self.adjust_stock_detail.dialog
            return render(request, "unfold/helpers/dialog.html", {"dialog": dialog, "form": form}, status=200)
        messages.success(
            request, ADJUSTED % {"product": product, "delta": form.cleaned_data["delta"], "stock": product.stock}
        )
        return redirect_to_change_page(request, product)
