"""Security in the browser: the CSP breaks nothing, password reset by email, the lockout page."""

import quopri
import re
import time
from urllib.parse import urlsplit

import pytest

from e2e.conftest import ARTIFACTS, log_in, screenshot

# Records every violation of the Content-Security-Policy on the page, before any script runs.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`
));
"""
ADMIN_PAGES = [
    "/admin/",
    "/admin/inventory/product/",
    "/admin/inventory/product/add/",
    "/admin/inventory/category/",
    "/admin/orders/order/",
    "/admin/orders/customer/",
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/axes/accessattempt/",
]
RESET_USER = "e2e-reset"
RESET_EMAIL = "e2e-reset@example.com"
NEW_PASSWORD = "E2e-new-Reset-pass-7731"


def watch(page):
    """Start recording CSP violations and console errors of ``page``; return the error list."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    errors = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if "Content Security Policy" in m.text else None)
    return errors


def violations(page):
    return page.evaluate("window.__cspViolations")


def assert_no_csp_violations(page, errors, where):
    assert violations(page) == [], where
    assert errors == [], where


def test_admin_pages_run_under_the_csp(admin_page):
    page = admin_page
    errors = watch(page)
    for path in ADMIN_PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("!!window.Alpine"), path  # Alpine (needs 'unsafe-eval') came up
        assert_no_csp_violations(page, errors, path)

    # A change form with its tabs, a history page, then the interactive bits of a changelist.
    page.goto("/admin/inventory/product/")
    first_product = page.locator("#result_list tbody tr a").first.get_attribute("href")
    page.goto(first_product)
    page.wait_for_load_state("networkidle")
    assert_no_csp_violations(page, errors, "change form")
    page.goto(first_product.replace("/change/", "/history/"))
    page.wait_for_load_state("networkidle")
    assert_no_csp_violations(page, errors, "history")

    page.goto("/admin/inventory/product/")
    page.locator("input.action-select").first.check()
    page.keyboard.press("Control+k")
    page.keyboard.type("shirt")
    page.wait_for_timeout(800)
    assert_no_csp_violations(page, errors, "changelist interactions")
    screenshot(page, "security-csp-changelist")


def test_login_and_password_reset_pages_run_under_the_csp(anonymous_page):
    page = anonymous_page
    errors = watch(page)
    for path in ("/admin/login/", "/admin/password-reset/", "/admin/password-reset/sent/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert_no_csp_violations(page, errors, path)


@pytest.fixture
def reset_user(demo_shop):
    from django.contrib.auth.models import User

    User.objects.filter(username=RESET_USER).delete()
    return User.objects.create_user(RESET_USER, RESET_EMAIL, "E2e-old-Reset-pass-1234", is_staff=True)


def emailed_link(server):
    """The reset link from the console mail backend's output in the server log.

    Only links to this run's server count: a parallel e2e run may write to the same log file.
    """
    log = ARTIFACTS / "server.log"
    pattern = re.compile(re.escape(server) + r"/admin/password-reset/[^/\s]+/[^/\s]+/")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        # The console backend prints the raw message: long lines come quoted-printable.
        text = quopri.decodestring(log.read_bytes().replace(b"\0", b"")).decode(errors="replace")
        links = pattern.findall(text)
        if links:
            return links[-1]
        time.sleep(0.2)
    pytest.fail("no reset email in the server log")


def test_password_reset_by_email(anonymous_page, reset_user, server):
    page = anonymous_page
    page.goto("/admin/login/")
    page.click("a.password-reset-link")
    page.wait_for_url("**/admin/password-reset/")
    page.fill("input[name=email]", RESET_EMAIL)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/password-reset/sent/")
    screenshot(page, "security-reset-sent")

    page.goto(emailed_link(server))
    page.wait_for_url("**/set-password/")
    page.fill("input[name=new_password1]", "password")
    page.fill("input[name=new_password2]", "password")
    page.click("button[type=submit]")
    assert "This password is too common." in page.inner_text("body")
    screenshot(page, "security-reset-weak-password")

    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/password-reset/complete/")
    page.get_by_role("link", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/login/")
    log_in(page, RESET_USER, NEW_PASSWORD)
    assert urlsplit(page.url).path == "/admin/"


def test_lockout_page_after_repeated_failures(anonymous_page):
    from django.conf import settings

    page = anonymous_page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/admin/login/")
        page.fill("input[name=username]", "e2e-guesser")
        page.fill("input[name=password]", "Wrong-guess-1!")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Too many failed login attempts" in body
    assert "This account is locked after 5 failed login attempts from your address." in body
    screenshot(page, "security-lockout")
