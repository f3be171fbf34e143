"""Cell parsers shared by the importers: each returns a value or raises ``CellError``."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backoffice import money

NOT_A_NUMBER = _("“%(value)s” is not a number.")
NOT_A_WHOLE_NUMBER = _("“%(value)s” is not a whole number.")
NEGATIVE = _("“%(value)s” is negative; enter 0 or more.")
TOO_MANY_DECIMALS = _("“%(value)s” has more than two decimal places.")
TOO_LARGE = _("“%(value)s” is too large.")
NOT_A_BOOLEAN = _("“%(value)s” is not yes/no (use yes, no, true, false, 1 or 0).")
NOT_A_CHOICE = _("“%(value)s” is not one of: %(choices)s.")
REQUIRED = _("A value is required.")
TOO_LONG = _("At most %(limit)d characters (this has %(length)d).")

TRUE_WORDS = {"1", "yes", "y", "true", "t", "on", "x"}
FALSE_WORDS = {"0", "no", "n", "false", "f", "off", ""}
MAX_MONEY = money.MAX_PRICE
MAX_INT = 2**31 - 1
_CHOICE_WORDS = {}


class CellError(Exception):
    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


def parse_money(text):
    """``""`` -> None; otherwise a non-negative amount with at most two decimals."""
    if text == "":
        return None
    try:
        value = Decimal(text.replace(" ", ""))
    except InvalidOperation:
        raise CellError(NOT_A_NUMBER % {"value": text}) from None
    if not value.is_finite():
        raise CellError(NOT_A_NUMBER % {"value": text})
    if value < 0:
        raise CellError(NEGATIVE % {"value": text})
    if not money.has_cents_only(value):
        raise CellError(TOO_MANY_DECIMALS % {"value": text})
    if value > MAX_MONEY:
        raise CellError(TOO_LARGE % {"value": text})
    return value.quantize(money.CENT)


def parse_count(text):
    """``""`` -> None; otherwise a whole number of 0 or more (``12.0`` from a spreadsheet is fine)."""
    if text == "":
        return None
    try:
        value = Decimal(text.replace(" ", ""))
    except InvalidOperation:
        raise CellError(NOT_A_WHOLE_NUMBER % {"value": text}) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise CellError(NOT_A_WHOLE_NUMBER % {"value": text})
    if value < 0:
        raise CellError(NEGATIVE % {"value": text})
    if value > MAX_INT:
        raise CellError(TOO_LARGE % {"value": text})
    return int(value)


def parse_bool(text):
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(NOT_A_BOOLEAN % {"value": text})


def _choice_words(choices):
    """``{"gold": "gold", ...}`` for values and labels in the active language, built once per language."""
    key = (choices, get_language())
    words = _CHOICE_WORDS.get(key)
    if words is None:
        words = {}
        for value, label in choices.choices:
            words.setdefault(str(label).lower(), value)
            words[str(value).lower()] = value
        _CHOICE_WORDS[key] = words
    return words


def parse_choice(text, choices):
    """A TextChoices member by value or label, case-insensitive (``Gold``, ``gold``)."""
    value = _choice_words(choices).get(text.strip().lower())
    if value is None:
        raise CellError(NOT_A_CHOICE % {"value": text, "choices": ", ".join(str(v) for v in choices.values)})
    return value


def check_length(text, limit):
    if len(text) > limit:
        raise CellError(TOO_LONG % {"limit": limit, "length": len(text)})
    return text


def split_list(text):
    """``"a, b,, A"`` -> ``["a", "b"]``: comma-separated, trimmed, first spelling wins."""
    seen, items = set(), []
    for part in text.split(","):
        name = part.strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            items.append(name)
    return items
