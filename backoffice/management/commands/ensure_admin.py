"""Make sure the superuser ``admin`` exists, without ever resetting it or using a known password."""

import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
GENERATED_LENGTH = 20
ALPHABET = string.ascii_letters + string.digits + "!#%+-.:=?@^_"
ALREADY_EXISTS = "User '%(username)s' already exists; nothing changed (its password is never reset here)."
NOT_SUPERUSER = "Note: '%(username)s' is not a superuser. Use `manage.py createsuperuser` for another account."
CREATED_FROM_ENV = "Superuser '%(username)s' created with the password from DJANGO_ADMIN_PASSWORD."
WEAK_PASSWORD = "DJANGO_ADMIN_PASSWORD is too weak, so no user was created:\n%(problems)s"  # noqa: S105


def generate_password():
    """A random password that passes every validator in AUTH_PASSWORD_VALIDATORS."""
    while True:
        password = "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_LENGTH))
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' if it does not exist. The password comes from DJANGO_ADMIN_PASSWORD "
        "(checked against the password validators); without it a strong one is generated and printed once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        existing = User.objects.filter(username=USERNAME).first()
        if existing is not None:
            self.stdout.write(ALREADY_EXISTS % {"username": USERNAME})
            if not existing.is_superuser:
                self.stdout.write(self.style.WARNING(NOT_SUPERUSER % {"username": USERNAME}))
            return
        password = settings.BOOTSTRAP_ADMIN_PASSWORD
        generated = not password
        if generated:
            password = generate_password()
        else:
            try:
                validate_password(password, user=User(username=USERNAME))
            except ValidationError as error:
                problems = "\n".join(f"  - {message}" for message in error.messages)
                raise CommandError(WEAK_PASSWORD % {"problems": problems}) from None
        User.objects.create_superuser(username=USERNAME, email="", password=password)
        if generated:
            rule = "=" * 64
            self.stdout.write(
                "\n".join(
                    [
                        rule,
                        f"  Superuser created. Log in at /admin/ as:   {USERNAME}",
                        f"  Password (shown only this once):          {password}",
                        "  Save it now, or set DJANGO_ADMIN_PASSWORD before the first run next time.",
                        rule,
                    ]
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(CREATED_FROM_ENV % {"username": USERNAME}))
