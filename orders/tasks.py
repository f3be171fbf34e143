"""Periodic order and customer work (scheduled in settings.JOB_SCHEDULE)."""

from django.tasks import task

from orders.tiers import apply_tier_rules


@task()
def apply_tier_rules_daily():
    """The daily tier run: customers moved to the tier the rules give them (history names the rule)."""
    return apply_tier_rules().as_dict()
