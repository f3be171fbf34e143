"""Fixed-window request counters in Django's cache (shared between workers when it is Redis).

``allow("reset:ip:10.0.0.1", limit=5, window=3600)`` counts one request and says whether it is
within the limit. A cache that is down lets requests through: a rate limit must not lock staff out
of the reset flow because Redis restarted (axes still guards the login itself).
"""

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def key_for(*parts):
    """A cache key that keeps no e-mail address or IP in clear."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"ratelimit:{parts[0]}:{digest}"


def allow(key, *, limit, window):
    """Count one hit on ``key``; False once more than ``limit`` hits fell in the current window."""
    try:
        cache.add(key, 0, timeout=window)
        try:
            hits = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            hits = 1
    except Exception:  # noqa: BLE001 - see the module docstring
        logger.exception("Rate limit cache unavailable; letting %s through", key.split(":")[1])
        return True
    return hits <= limit
