"""Password-reset requests are rate limited per client address and per e-mail address."""

import pytest
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = "/admin/password-reset/"


@pytest.fixture
def limits(settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    settings.PASSWORD_RESET_WINDOW_SECONDS = 600
    return settings


def ask(client, email, ip="127.0.0.1"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip)


def test_one_mailbox_gets_at_most_the_limit_of_links_and_the_answer_does_not_change(client, alice, limits):
    answers = [ask(client, "alice@shop.test", ip=f"10.0.0.{n}") for n in range(1, 5)]
    assert [a.status_code for a in answers] == [302, 302, 302, 302]
    assert {a.url for a in answers} == {reverse("password_reset_done")}
    assert len(mail.outbox) == 2
    # The address is one mailbox whatever its case.
    ask(client, "ALICE@shop.test", ip="10.0.0.9")
    assert len(mail.outbox) == 2


def test_one_client_address_is_refused_with_a_message_past_its_limit(client, alice, limits):
    answers = [ask(client, f"nobody{n}@shop.test") for n in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 302]

    refused = ask(client, "alice@shop.test")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many password reset requests from your network. Wait 10 minutes and try again" in html
    assert mail.outbox == []
    # Another address is not held back.
    assert ask(client, "alice@shop.test", ip="10.9.9.9").status_code == 302
    assert [m.to for m in mail.outbox] == [["alice@shop.test"]]


def test_an_invalid_address_is_a_form_error_and_counts_nothing(client, alice, limits):
    for _ in range(5):
        response = client.post(URL, {"email": "not-an-address"})
        assert response.status_code == 200
        assert "Enter a valid email address." in response.content.decode()
    assert ask(client, "alice@shop.test").status_code == 302
    assert len(mail.outbox) == 1


REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}}


def test_limits_are_shared_through_redis_and_keep_no_address_in_clear(client, alice, limits):
    limits.CACHES = REDIS
    redis = caches["default"]._cache.get_client()
    redis.flushdb()
    try:
        for _ in range(3):
            ask(client, "alice@shop.test")
        assert len(mail.outbox) == 2
        keys = [key.decode() for key in redis.keys("*")]
        assert len(keys) == 2
        assert not any("alice" in key or "127.0.0.1" in key for key in keys)
    finally:
        redis.flushdb()


def test_a_cache_that_is_down_lets_the_request_through(client, alice, limits):
    limits.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert ask(client, "alice@shop.test").status_code == 302
    assert len(mail.outbox) == 1
