"""Periodic order and customer work (scheduled in settings.JOB_SCHEDULE)."""

from django.tasks import task

from orders.tiers import apply_tier_rules


@task()
def apply_tier_rules_daily():
    """The daily tier run: customers moved to the tier the rules give them (history names the rule)."""
    return apply_tier_rules().as_dict()


@task()
def apply_tier_rules_as(user_id):
    """The admin's "apply": the same run on a worker (72k moves take ~40 s at shop scale), in the user's name."""
    from django.contrib.auth import get_user_model

    return apply_tier_rules(user=get_user_model().objects.get(pk=user_id)).as_dict()
