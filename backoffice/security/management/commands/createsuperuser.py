"""Django's createsuperuser with the password policy enforced in both modes.

Django validates an interactively typed password but then offers to bypass the validators, and
with ``--noinput`` it does not validate ``DJANGO_SUPERUSER_PASSWORD`` at all. Here a password
that fails AUTH_PASSWORD_VALIDATORS never becomes a superuser's password.
"""

import builtins
import os

from django.contrib.auth import password_validation
from django.contrib.auth.management.commands import createsuperuser
from django.core import exceptions
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

PASSWORD_ENV = "DJANGO_SUPERUSER_PASSWORD"  # noqa: S105 (a variable name, not a password)
BYPASS_PROMPT = "Bypass password validation"


class Command(createsuperuser.Command):
    help = createsuperuser.Command.help + " The password must satisfy the password policy."

    def handle(self, *args, **options):
        if not options["interactive"]:
            if os.environ.get(PASSWORD_ENV):
                self._validate_noinput_password(options)
            return super().handle(*args, **options)
        # Django's prompt loop calls the builtin input() for the bypass question; a module global
        # of the same name shadows it for that module only, for the length of this command.
        createsuperuser.input = self._input_without_bypass
        try:
            return super().handle(*args, **options)
        finally:
            del createsuperuser.input

    def _input_without_bypass(self, prompt=""):
        if prompt.startswith(BYPASS_PROMPT):
            self.stderr.write(_("The password policy cannot be bypassed. Choose another password."))
            return "n"
        return builtins.input(prompt)

    def _validate_noinput_password(self, options):
        username_field = self.UserModel.USERNAME_FIELD
        fields = {}
        for name in (username_field, *self.UserModel.REQUIRED_FIELDS):
            field = self.UserModel._meta.get_field(name)
            value = options.get(name) or os.environ.get(f"DJANGO_SUPERUSER_{name.upper()}")
            if value and not field.is_relation:
                fields[name] = value
        try:
            password_validation.validate_password(os.environ[PASSWORD_ENV], self.UserModel(**fields))
        except exceptions.ValidationError as error:
            raise CommandError(f"{PASSWORD_ENV}: " + " ".join(error.messages)) from error
