"""Small callbacks the Unfold settings point at (environment label, styles, sidebar) and the
changelists' paginator; its SQL is in ``backoffice.sql``.

What reads the apps' data (the dashboard, the low-stock badge, the command palette) lives in
``backoffice.dashboard``, the one package of ``backoffice`` that may import inventory and orders.
"""

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from backoffice.db import capabilities
from backoffice.sql import capped_or_estimated_count, estimated_or_exact_table_rows

ENVIRONMENT_LABELS = {
    "development": (_("Development"), "info"),
    "staging": (_("Staging"), "warning"),
    "production": (_("Production"), "danger"),
}


def admin_styles(request):
    """Our few rules on top of Unfold's stylesheet (UNFOLD["STYLES"])."""
    from django.templatetags.static import static

    return static("backoffice/admin.css")


def environment_callback(request):
    return ENVIRONMENT_LABELS.get(settings.ENVIRONMENT, (settings.ENVIRONMENT, "info"))


def _can(*perms):
    def check(request):
        return any(request.user.has_perm(perm) for perm in perms)

    return check


def _item(title, icon, model, extra_perms=()):
    app_label, model_name = model.split(".")
    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy(f"admin:{app_label}_{model_name}_changelist"),
        "permission": _can(f"{app_label}.view_{model_name}", f"{app_label}.change_{model_name}", *extra_perms),
    }


def sidebar_navigation(request):
    """Sidebar groups; each item shows only for users who may view its model."""
    products = _item(_("Products"), "inventory_2", "inventory.product")
    products["badge"] = "backoffice.dashboard.badges.low_stock_badge"
    groups = [
        {
            "title": _("Catalogue"),
            "items": [
                products,
                _item(_("Categories"), "category", "inventory.category"),
                _item(_("Tags"), "sell", "inventory.tag"),
                _item(_("Stock movements"), "swap_vert", "inventory.stockmovement"),
            ],
        },
        {"title": _("Sales"), "items": [_item(_("Orders"), "receipt_long", "orders.order")]},
        {
            "title": _("Customers"),
            "items": [
                _item(_("Customers"), "group", "orders.customer"),
                _item(_("Tier rules"), "workspace_premium", "orders.tierrule"),
            ],
        },
        {
            "title": _("History"),
            "items": [
                _item(_("Change sets"), "history", "changesets.changeset"),
                {
                    "title": _("Recycle bin"),
                    "icon": "delete",
                    "link": reverse_lazy("admin:changesets_recycle_bin"),
                    # The bin lists the deleted rows of the models one may view.
                    "permission": _can(
                        "inventory.view_product",
                        "inventory.view_category",
                        "inventory.view_tag",
                        "orders.view_customer",
                    ),
                },
            ],
        },
        {
            "title": _("Access"),
            "items": [
                _item(_("Users"), "person", "auth.user"),
                _item(_("Groups"), "shield_person", "auth.group"),
                _item(_("Login attempts"), "lock_clock", "axes.accessattempt"),
                _item(_("Login log"), "login", "axes.accesslog"),
            ],
        },
        {
            "title": _("Integrations"),
            "items": [
                _item(_("API keys"), "key", "security.apikey"),
                _item(_("API tokens"), "token", "token_blacklist.outstandingtoken"),
                _item(_("Webhook endpoints"), "webhook", "webhooks.webhookendpoint"),
                _item(_("Webhook deliveries"), "outbox", "webhooks.webhookdelivery"),
            ],
        },
    ]
    dashboard = {
        "title": _("Overview"),
        "items": [
            {"title": _("Dashboard"), "icon": "dashboard", "link": reverse_lazy("admin:index")},
            # jobs: every staff user has their own imports and exports there.
            {"title": _("Jobs"), "icon": "work_history", "link": reverse_lazy("admin:jobs_job_changelist")},
        ],
    }
    # A group whose items the user may not see is left out whole.
    return [dashboard] + [g for g in groups if any(item["permission"](request) for item in g["items"])]


class EstimatedCountPaginator(Paginator):
    """Paginator that does not count a huge table on every page view (PostgreSQL).

    - Unfiltered list of a table the planner believes holds at least ``ESTIMATE_FROM`` rows: the
      planner's estimate (``pg_class.reltuples``, exact after each ANALYZE); a smaller table is
      counted exactly in the same statement.
    - Filtered or searched list: counted exactly up to ``EXACT_UP_TO`` rows; past that, the
      planner's estimate of the filtered query (``EXPLAIN``, never run), and never less than the
      rows actually seen. The page then says "about N".

    One query either way; other databases count exactly.
    """

    ESTIMATE_FROM = 10_000
    EXACT_UP_TO = 1_000
    template_name = "admin/pagination_estimated.html"
    estimated = False

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.combinator:
            if not query.where and not query.distinct:
                rows = _estimated_or_exact_rows(queryset, self.ESTIMATE_FROM)
                self.estimated = rows is not None and rows >= self.ESTIMATE_FROM
            else:
                rows, self.estimated = _capped_or_estimated_rows(queryset, self.EXACT_UP_TO)
            if rows is not None:
                return rows
        return super().count


def _capped_or_estimated_rows(queryset, exact_up_to):
    """``(rows, estimated)`` of a filtered queryset: exact up to ``exact_up_to``, else the planner's."""
    connection = connections[queryset.db]
    if not capabilities(connection).planner_estimates:
        return None, False
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0, False  # a filter no row can match (``pk__in=[]``): Django counts nothing either
    # The list's own query, built and quoted by Django, as text: the estimate EXPLAINs it.
    return capped_or_estimated_count(connection, connection.ops.compose_sql(sql, params), exact_up_to)


def _estimated_or_exact_rows(queryset, estimate_from):
    """Rows of the queryset's table: the planner's estimate from ``estimate_from`` on, else COUNT(*).

    Only for an unfiltered queryset: its joins are the list's ``select_related`` foreign keys,
    which never add or drop rows, so the table's row count is the list's.
    """
    connection = connections[queryset.db]
    if not capabilities(connection).planner_estimates:
        return None
    return estimated_or_exact_table_rows(connection, queryset.model._meta.db_table, estimate_from)
