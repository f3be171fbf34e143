"""Status changes of orders: only through ``orders.services.transition_order``.

The detail page offers one action per status the order may move to next (the others are hidden);
the list offers one bulk action whose form lists the statuses reachable from the selected orders.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import ActionLocation
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminSelectWidget

from backoffice.admin_actions import (
    OptionalReasonForm,
    ReasonDialogForm,
    form_action,
    redirect_to_change_page,
    result_level,
)
from backoffice.bulk import BulkResult
from backoffice.errors import ServiceError
from orders.choices import ALLOWED_TRANSITIONS, OrderStatus
from orders.models import Order
from orders.services import transition_order

MOVED = _("Order %(number)s is now %(status)s.")
SKIP_NOT_ALLOWED = _("not allowed from their status")
NOTHING_REACHABLE = _("None of the selected orders can change status: they are cancelled or refunded.")

# Detail action name -> target status, in the order the buttons appear.
DETAIL_TRANSITIONS = {
    "mark_placed": OrderStatus.PLACED,
    "mark_paid": OrderStatus.PAID,
    "mark_shipped": OrderStatus.SHIPPED,
    "mark_delivered": OrderStatus.DELIVERED,
    "mark_cancelled": OrderStatus.CANCELLED,
    "mark_refunded": OrderStatus.REFUNDED,
}
ICONS = {
    OrderStatus.PLACED: "shopping_cart_checkout",
    OrderStatus.PAID: "payments",
    OrderStatus.SHIPPED: "local_shipping",
    OrderStatus.DELIVERED: "done_all",
    OrderStatus.CANCELLED: "cancel",
    OrderStatus.REFUNDED: "currency_exchange",
}


class TransitionDialogForm(ReasonDialogForm):
    reason_help_text = _("Optional; kept in the order's history.")


class BulkTransitionForm(OptionalReasonForm):
    to_status = forms.ChoiceField(label=_("New status"), widget=UnfoldAdminSelectWidget)
    field_order = ["to_status", "reason"]

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(OrderStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in OrderStatus.values if s in statuses]


def _transition_action(to_status):
    label = OrderStatus(to_status).label

    def run(self, request, form, object_id):
        order = get_object_or_404(Order, pk=object_id)
        try:
            transition_order(order=order, to_status=to_status, user=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, MOVED % {"number": order.number, "status": label.lower()})
        return redirect_to_change_page(request, order)

    # The name must be set before decorating: unfold matches it against actions_detail.
    run.__name__ = f"mark_{to_status}"
    return action(
        description=_("Mark as %(status)s") % {"status": label.lower()},
        permissions=[f"transition_to_{to_status}"],
        icon=ICONS[to_status],
        dialog={
            "title": _("Mark order as %(status)s") % {"status": label.lower()},
            "description": _("The change is recorded in the order's history with your name."),
            "form_class": TransitionDialogForm,
            "form_submit_text": _("Mark as %(status)s") % {"status": label.lower()},
        },
    )(run)


class OrderActionsMixin:
    actions = ["change_status"]
    actions_detail = list(DETAIL_TRANSITIONS)

    mark_placed = _transition_action(OrderStatus.PLACED)
    mark_paid = _transition_action(OrderStatus.PAID)
    mark_shipped = _transition_action(OrderStatus.SHIPPED)
    mark_delivered = _transition_action(OrderStatus.DELIVERED)
    mark_cancelled = _transition_action(OrderStatus.CANCELLED)
    mark_refunded = _transition_action(OrderStatus.REFUNDED)

    def _status_of(self, request, object_id):
        cache = request.__dict__.setdefault("_order_status_cache", {})
        if object_id not in cache:
            cache[object_id] = Order.objects.filter(pk=object_id).values_list("status", flat=True).first()
        return cache[object_id]

    def has_transition_permission(self, request, to_status, object_id=None):
        """May the user move this order (or, on the list, any order) to ``to_status``?

        Change permission, and on a detail page a transition ``ALLOWED_TRANSITIONS`` allows from
        the order's status: the page shows only the buttons of the statuses it may move to.
        """
        if not self.has_change_permission(request):
            return False
        if object_id is None:
            return True
        status = self._status_of(request, str(object_id))
        return status is not None and to_status in ALLOWED_TRANSITIONS.get(status, ())

    # Unfold asks has_<permission>_permission for each detail action (permissions=[...] above).
    def has_transition_to_placed_permission(self, request, object_id=None):
        return self.has_transition_permission(request, OrderStatus.PLACED, object_id)

    def has_transition_to_paid_permission(self, request, object_id=None):
        return self.has_transition_permission(request, OrderStatus.PAID, object_id)

    def has_transition_to_shipped_permission(self, request, object_id=None):
        return self.has_transition_permission(request, OrderStatus.SHIPPED, object_id)

    def has_transition_to_delivered_permission(self, request, object_id=None):
        return self.has_transition_permission(request, OrderStatus.DELIVERED, object_id)

    def has_transition_to_cancelled_permission(self, request, object_id=None):
        return self.has_transition_permission(request, OrderStatus.CANCELLED, object_id)

    def has_transition_to_refunded_permission(self, request, object_id=None):
        return self.has_transition_permission(request, OrderStatus.REFUNDED, object_id)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    @action(description=_("Change status of selected orders"), permissions=["change"], icon="sync_alt")
    def change_status(self, request, queryset):
        current = set(queryset.order_by().values_list("status", flat=True).distinct())
        reachable = {s for status in current for s in ALLOWED_TRANSITIONS.get(status, ())}
        if not reachable:
            self.message_user(request, NOTHING_REACHABLE, messages.WARNING)
            return None

        def form_class(*args, **kwargs):
            return BulkTransitionForm(*args, statuses=reachable, **kwargs)

        def perform(orders, data):
            result = BulkResult()
            for order in orders.order_by("pk"):
                if not order.can_transition_to(data["to_status"]):
                    result.skipped[str(SKIP_NOT_ALLOWED)].append(order)
                    continue
                try:
                    transition_order(order=order, to_status=data["to_status"], user=request.user, reason=data["reason"])
                except ServiceError as error:
                    result.skipped[error.message].append(order)
                else:
                    result.changed += 1
            verb = _("marked as %(status)s") % {"status": OrderStatus(data["to_status"]).label.lower()}
            return result.summary(_("orders"), verb), result_level(result)

        return form_action(
            self, request, queryset, form_class=form_class, title=_("Change order status"), perform=perform
        )
