"""Glue only: a new shopper's User gets a Customer. Staff get a profile (backoffice.accounts), not a customer."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from orders.models import Customer


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="orders.customer_profile_for_new_user")
def create_customer_profile(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.is_staff:
        return
    email = (instance.email or "").strip().lower() or None
    if email:
        # A shopper who bought before getting an account keeps their history.
        existing = Customer.objects.filter(email__iexact=email, user__isnull=True).first()
        if existing is not None:
            existing.user = instance
            existing._change_reason = "linked to new user account"
            existing.save(update_fields=["user", "updated_at"])
            return
        if Customer.objects.filter(email__iexact=email).exists():
            email = None  # taken by another account's profile; the profile keeps no email
    profile = Customer(user=instance, email=email, first_name=instance.first_name, last_name=instance.last_name)
    profile._change_reason = "profile for new user account"
    profile.save()
