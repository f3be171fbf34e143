"""Validators shared by models, forms, imports and the API."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

SKU_PATTERN = re.compile(r"^[A-Z0-9](?:[A-Z0-9-]{1,30})[A-Z0-9]$")
SKU_INVALID = _(
    "Enter a SKU of 3 to 32 characters: letters, digits and dashes, "
    "starting and ending with a letter or digit (for example TSHIRT-RED-L)."
)
SPECIAL_CHARACTERS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ")


def normalize_sku(value):
    """Upper-case and trim a SKU, the one form it is stored and compared in."""
    return (value or "").strip().upper()


def whole_number(value):
    """``value`` as an int if it is a whole number ("3", 3, 3.0, Decimal("3")), else ``None``."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def validate_sku(value):
    if not SKU_PATTERN.match(normalize_sku(value)):
        raise ValidationError(SKU_INVALID, code="invalid_sku")


class PasswordPolicyValidator:
    """The shop's own rule beside Django's four: long, with a digit and a special character."""

    def __init__(self, min_length=12):
        self.min_length = min_length

    def validate(self, password, user=None):
        problems = []
        if len(password) < self.min_length:
            problems.append(
                ValidationError(
                    ngettext(
                        "This password must contain at least %(min_length)d character.",
                        "This password must contain at least %(min_length)d characters.",
                        self.min_length,
                    ),
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if not any(ch.isdigit() for ch in password):
            problems.append(ValidationError(_("This password must contain a digit."), code="password_no_digit"))
        if not any(ch in SPECIAL_CHARACTERS for ch in password):
            problems.append(
                ValidationError(
                    _("This password must contain a special character such as ! ? # or %."),
                    code="password_no_special",
                )
            )
        if problems:
            raise ValidationError(problems)

    def get_help_text(self):
        return _("Your password must contain at least %(min_length)d characters, a digit and a special character.") % {
            "min_length": self.min_length
        }


AVATAR_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
AVATAR_MAX_PIXELS = 4096
AVATAR_TOO_LARGE = _("The image is %(size)s; an avatar may be at most %(limit)s. Choose a smaller image.")
AVATAR_NOT_IMAGE = _("This file is not an image we can read. Upload a JPEG, PNG or WebP image.")
AVATAR_WRONG_TYPE = _("%(kind)s images are not taken. Upload a JPEG, PNG or WebP image.")
AVATAR_TOO_WIDE = _("The image is %(width)d x %(height)d pixels; at most %(limit)d x %(limit)d are taken.")
TIME_ZONE_UNKNOWN = _("%(value)s is not a time zone. Pick one from the list, e.g. Europe/Berlin.")


def validate_avatar(image):
    """An avatar is a JPEG, PNG or WebP of at most ``AVATAR_MAX_BYTES`` and 4096 px a side.

    Pillow reads the file itself: the name and the browser's content type prove nothing.
    """
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat
    from PIL import Image, UnidentifiedImageError

    limit = settings.AVATAR_MAX_BYTES
    if image.size > limit:
        raise ValidationError(
            AVATAR_TOO_LARGE,
            code="avatar_too_large",
            params={"size": filesizeformat(image.size), "limit": filesizeformat(limit)},
        )
    position = image.tell() if hasattr(image, "tell") else 0
    try:
        image.seek(0)
        with Image.open(image) as picture:
            kind, (width, height) = picture.format, picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(AVATAR_NOT_IMAGE, code="avatar_not_image") from None
    finally:
        image.seek(position)
    if kind not in AVATAR_TYPES:
        raise ValidationError(AVATAR_WRONG_TYPE, code="avatar_wrong_type", params={"kind": kind})
    if max(width, height) > AVATAR_MAX_PIXELS:
        raise ValidationError(
            AVATAR_TOO_WIDE,
            code="avatar_too_wide",
            params={"width": width, "height": height, "limit": AVATAR_MAX_PIXELS},
        )


def validate_time_zone(value):
    import zoneinfo

    if value not in zoneinfo.available_timezones():
        raise ValidationError(TIME_ZONE_UNKNOWN, code="unknown_time_zone", params={"value": value})
