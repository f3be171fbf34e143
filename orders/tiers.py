"""Tiers that follow the rules: what each customer's recent orders earn, a preview, and applying it.

``TierRule`` rows are tried in position order; the first rule a customer meets gives the target
tier, and a customer who meets none is regular. Pinned customers (``Customer.tier_pinned``) are
never moved. With no active rule nothing moves at all.

Set-based, whatever the number of customers: one annotated queryset computes every customer's
target (one correlated subquery per window and measure over their orders, on PostgreSQL an
index-only scan of ``order_customer_cover_idx`` each), one query reads the customers who move,
and each rule's movers are written by ``orders.services.change_customer_tier`` (lock, one UPDATE,
history rows in bulk) in chunks of ``APPLY_CHUNK``: the reason is ``tier rule: <rule>``.

A scheduled job calls ``apply_tier_rules()`` (no arguments needed); the management command
``apply_tier_rules [--dry-run]`` does the same from the shell.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, Lag
from django.utils import timezone

from orders.choices import REVENUE_STATUSES, CustomerTier
from orders.models import Customer, Order, TierRule
from orders.querysets import MONEY_FIELD, ZERO

RULE_REASON = "tier rule: %(rule)s"
NO_RULE_REASON = "tier rule: no rule met"
APPLY_CHUNK = 5000
# regular < silver < gold < vip: a move to a higher rank is "up".
TIER_RANK = {tier: rank for rank, tier in enumerate(CustomerTier.values)}
NO_RULE = 0


def active_rules():
    return list(TierRule.objects.filter(active=True).order_by("position", "pk"))


def with_tier_targets(queryset, rules, now=None):
    """Annotate ``target_rule`` (the pk of the first rule met, else 0) and ``target_tier``.

    Also ``spend_<days>`` / ``orders_<days>``: the revenue and number of revenue orders placed in
    each rule's window, one correlated subquery each (only the measures some rule uses).
    """
    now = now or timezone.now()
    measures = {}
    for rule in rules:
        since = now - timedelta(days=rule.window_days)
        orders = (
            Order.objects.filter(customer=OuterRef("pk"), status__in=REVENUE_STATUSES, placed_at__gte=since)
            .order_by()
            .values("customer")
        )
        if rule.min_spend is not None:
            spend = orders.annotate(v=Sum("placed_total")).values("v")
            measures[f"spend_{rule.window_days}"] = Coalesce(Subquery(spend, output_field=MONEY_FIELD), ZERO)
        if rule.min_orders is not None:
            count = orders.annotate(n=Count("*")).values("n")
            measures[f"orders_{rule.window_days}"] = Coalesce(Subquery(count), 0)
    queryset = queryset.annotate(**measures)
    conditions = [(rule, _rule_condition(rule)) for rule in rules]
    return queryset.annotate(
        target_rule=Case(
            *[When(condition, then=Value(rule.pk)) for rule, condition in conditions],
            default=Value(NO_RULE),
            output_field=IntegerField(),
        ),
        target_tier=Case(
            *[When(condition, then=Value(rule.tier)) for rule, condition in conditions],
            default=Value(CustomerTier.REGULAR.value),
            output_field=CharField(),
        ),
    )


def _rule_condition(rule):
    condition = Q()
    if rule.min_spend is not None:
        condition &= Q(**{f"spend_{rule.window_days}__gte": rule.min_spend})
    if rule.min_orders is not None:
        condition &= Q(**{f"orders_{rule.window_days}__gte": rule.min_orders})
    return condition


def moving_customers(rules, now=None):
    """Customers, not pinned, whose tier differs from the one the rules give them (none without rules)."""
    targets = with_tier_targets(Customer.objects.filter(tier_pinned=False), rules, now)
    movers = targets.exclude(tier=F("target_tier"))
    return movers if rules else movers.none()


def direction(from_tier, to_tier):
    return "up" if TIER_RANK[to_tier] > TIER_RANK[from_tier] else "down"


@dataclass
class TierMove:
    """One group of movers: from a tier to another, by one rule (or by meeting none)."""

    from_tier: str
    to_tier: str
    rule: object  # the TierRule, or None: no rule met
    count: int

    @property
    def direction(self):
        return direction(self.from_tier, self.to_tier)

    @property
    def reason(self):
        return RULE_REASON % {"rule": self.rule} if self.rule is not None else NO_RULE_REASON


@dataclass
class TierPreview:
    rules: list
    moves: list = field(default_factory=list)  # [TierMove], biggest first
    sample: list = field(default_factory=list)  # the first customers who move, with their target

    @property
    def total(self):
        return sum(move.count for move in self.moves)

    @property
    def up(self):
        return sum(move.count for move in self.moves if move.direction == "up")

    @property
    def down(self):
        return sum(move.count for move in self.moves if move.direction == "down")


def preview_tier_rules(*, now=None, sample_size=50):
    """Which customers the rules would move, up and down; writes nothing. Two queries."""
    rules = active_rules()
    preview = TierPreview(rules=rules)
    movers = moving_customers(rules, now)
    by_pk = {rule.pk: rule for rule in rules}
    groups = movers.values("tier", "target_tier", "target_rule").annotate(n=Count("pk")).order_by()
    for group in groups:
        preview.moves.append(TierMove(group["tier"], group["target_tier"], by_pk.get(group["target_rule"]), group["n"]))
    preview.moves.sort(key=lambda move: (-move.count, move.from_tier, move.to_tier))
    if preview.moves:
        for customer in movers.order_by("pk")[:sample_size]:
            customer.target_rule_obj = by_pk.get(customer.target_rule)
            customer.direction = direction(customer.tier, customer.target_tier)
            preview.sample.append(customer)
    return preview


@dataclass
class TierRun:
    moved: Counter = field(default_factory=Counter)  # reason -> customers moved
    dry_run: bool = False

    @property
    def total(self):
        return sum(self.moved.values())

    def as_dict(self):
        """For a scheduled job's result (JSON)."""
        return {"moved": self.total, "by_reason": dict(self.moved), "dry_run": self.dry_run}


@transaction.atomic
def apply_tier_rules(*, user=None, now=None, dry_run=False):
    """Move every customer to the tier the rules give them; ``dry_run`` counts and writes nothing.

    One query reads the movers (pk, rule, tier); each rule's movers then go through
    ``change_customer_tier`` with the reason ``tier rule: <rule>`` (``tier rule: no rule met`` for
    those who meet none and go back to regular). Pinned customers are never moved.
    """
    from orders.services import change_customer_tier

    rules = active_rules()
    by_pk = {rule.pk: rule for rule in rules}
    run = TierRun(dry_run=dry_run)
    groups = {}
    movers = moving_customers(rules, now).order_by("pk").values_list("pk", "target_rule", "target_tier")
    for pk, rule_pk, tier in movers:
        groups.setdefault((rule_pk, tier), []).append(pk)
    for (rule_pk, tier), ids in groups.items():
        rule = by_pk.get(rule_pk)
        reason = RULE_REASON % {"rule": rule} if rule is not None else NO_RULE_REASON
        if dry_run:
            run.moved[reason] += len(ids)
            continue
        for start in range(0, len(ids), APPLY_CHUNK):
            chunk = [Customer(pk=pk) for pk in ids[start : start + APPLY_CHUNK]]
            result = change_customer_tier(customers=chunk, tier=tier, user=user, reason=reason)
            run.moved[reason] += result.changed
    return run


def tier_history(customer, limit=20):
    """The customer's tier changes, newest first: when, from, to, who and why (one query).

    Read from the customer's history rows (every tier change writes one, with its user and reason:
    a form, the bulk action, a rule); consecutive rows with the same tier are no change.
    """
    history = Customer.history.model.objects.filter(id=customer.pk)
    ordered = [F("history_date").asc(), F("history_id").asc()]
    return list(
        history.annotate(previous_tier=Window(Lag("tier"), order_by=ordered))
        .filter(Q(previous_tier__isnull=True) | ~Q(tier=F("previous_tier")))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
