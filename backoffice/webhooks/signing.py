"""HMAC-SHA256 signatures of webhook requests, and the verifier a receiver uses.

Headers of every request:

- ``Webhook-Id``: the event's id (the same for each endpoint and each retry: deduplicate on it);
- ``Webhook-Event``: the event name (``order.paid``);
- ``Webhook-Timestamp``: Unix seconds when this attempt was signed;
- ``Webhook-Signature``: ``v1=<hex HMAC-SHA256 of "<id>.<timestamp>.<body>" with the endpoint's secret>``.

A receiver recomputes the HMAC over the raw body and refuses a timestamp more than
``WEBHOOK_TOLERANCE_SECONDS`` (5 minutes) away from its clock: a captured request cannot be replayed later.
"""

import hashlib
import hmac
import time

from django.conf import settings

ID_HEADER = "Webhook-Id"
EVENT_HEADER = "Webhook-Event"
TIMESTAMP_HEADER = "Webhook-Timestamp"
SIGNATURE_HEADER = "Webhook-Signature"
VERSION = "v1"


class SignatureError(Exception):
    pass


def signature(secret, event_id, timestamp, body):
    signed = f"{event_id}.{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(*, secret, event_id, event, body, now=None):
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        ID_HEADER: str(event_id),
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"{VERSION}={signature(secret, event_id, timestamp, body)}",
    }


def verify(*, secret, body, headers, tolerance=None, now=None):
    """Raise ``SignatureError`` unless ``headers`` sign ``body`` (bytes) with ``secret``, recently.

    ``headers`` is any mapping with the header names above (case as sent, or a case-insensitive mapping).
    """
    tolerance = settings.WEBHOOK_TOLERANCE_SECONDS if tolerance is None else tolerance
    try:
        event_id, raw_timestamp = headers[ID_HEADER], headers[TIMESTAMP_HEADER]
        sent = headers[SIGNATURE_HEADER]
    except KeyError as exc:
        raise SignatureError(f"missing header {exc.args[0]}") from None
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise SignatureError("the timestamp is not a whole number of seconds") from None
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        raise SignatureError("the timestamp is outside the replay window")
    expected = f"{VERSION}={signature(secret, event_id, timestamp, body)}"
    if not any(hmac.compare_digest(expected, part.strip()) for part in sent.split(",")):
        raise SignatureError("the signature does not match")
