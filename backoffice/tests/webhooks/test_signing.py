"""The verifier a receiver uses: the signature must match and the timestamp be within the replay window."""

import time

import pytest

from backoffice.webhooks.signing import SignatureError, signed_headers, verify

SECRET = "whsec_test"
BODY = b'{"id":"e1","event":"order.paid"}'


def headers(now=None, secret=SECRET, body=BODY):
    return signed_headers(secret=secret, event_id="e1", event="order.paid", body=body, now=now)


def test_a_fresh_signature_verifies(settings):
    verify(secret=SECRET, body=BODY, headers=headers())


def test_a_stale_timestamp_is_refused(settings):
    settings.WEBHOOK_TOLERANCE_SECONDS = 300
    old = headers(now=time.time() - 301)
    with pytest.raises(SignatureError, match="replay window"):
        verify(secret=SECRET, body=BODY, headers=old)
    verify(secret=SECRET, body=BODY, headers=headers(now=time.time() - 290))


@pytest.mark.parametrize(
    ("secret", "body", "change"),
    [
        ("whsec_other", BODY, {}),
        (SECRET, BODY + b" ", {}),
        (SECRET, BODY, {"Webhook-Id": "e2"}),
        (SECRET, BODY, {"Webhook-Signature": "v1=00"}),
    ],
)
def test_a_wrong_secret_body_id_or_signature_is_refused(settings, secret, body, change):
    sent = {**headers(), **change}
    with pytest.raises(SignatureError, match="does not match"):
        verify(secret=secret, body=body, headers=sent)


def test_missing_or_unreadable_headers_are_refused(settings):
    sent = headers()
    del sent["Webhook-Timestamp"]
    with pytest.raises(SignatureError, match="missing header Webhook-Timestamp"):
        verify(secret=SECRET, body=BODY, headers=sent)
    with pytest.raises(SignatureError, match="whole number"):
        verify(secret=SECRET, body=BODY, headers={**headers(), "Webhook-Timestamp": "soon"})
