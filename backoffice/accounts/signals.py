"""Glue only: every new User gets a Profile."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from backoffice.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="backoffice.profile_for_new_user")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
