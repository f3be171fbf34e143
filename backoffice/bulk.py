from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class BulkResult:
    """What a bulk change did: how many rows changed, and which were skipped for which reason."""

    changed: int = 0
    skipped: dict = field(default_factory=lambda: defaultdict(list))
    message: str = ""

    @property
    def skipped_count(self):
        return sum(len(items) for items in self.skipped.values())

    def summary(self, noun, verb):
        """``3 products published. 2 skipped: already published (2).``"""
        text = _("%(count)d %(noun)s %(verb)s.") % {"count": self.changed, "noun": noun, "verb": verb}
        if self.skipped_count:
            reasons = "; ".join(f"{reason} ({len(items)})" for reason, items in self.skipped.items())
            text += " " + _("%(count)d skipped: %(reasons)s.") % {"count": self.skipped_count, "reasons": reasons}
        if self.message:
            text += " " + self.message
        return text
