"""Change sets: one record per bulk action, import, API batch, revert, undo and restore.

``recording(kind=..., user=..., reason=...)`` opens one; every history row written inside it (row
by row through simple-history's signal, in bulk through ``backoffice.history``) carries its id.
Services need no new argument: they read ``current()``.
"""

from backoffice.changesets.context import current, current_id, recording

__all__ = ["current", "current_id", "recording"]
