"""Request body parsers of the API: DRF's, with every malformed body a 400 in the API's error shape."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

NESTED_TOO_DEEP = _("JSON parse error - the body is nested too deeply.")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested past Python's recursion limit (``[[[[...``) is a parse error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(NESTED_TOO_DEEP) from None
