"""The web app in Debian's Chromium against `scout web serve` on a free loopback port:
enrolment with TOTP → sign out → sign in → home; a CSRF-less POST refused; the idle
timeout with its warning; axe-core (WCAG 2.2 AA) and the CSP on the pages of this slice;
screenshots for docs/web_accounts.md at desktop and phone size."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

from models import User, WebSession
from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts import authenticator
from pipeline.operations.accounts.users import add_user, enrolment_link

from helpers import web_accounts, web_browser

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]


@pytest.fixture
def kim(database: Database, settings: Settings):
    """An enrolled outreach worker (made directly in the database)."""
    return web_accounts.enrolled(database, settings, "kim", "outreach")


def _link(database: Database, settings: Settings, name: str, role: str) -> str:
    with database.session() as session:
        _, token = add_user(session, settings, name, role, clock.now(), name.title())
    return token


def test_browser_enrol_sign_out_sign_in_home(
    browser: Any, serve: Callable[..., str], database: Database, settings: Settings
) -> None:
    url = serve()
    token = _link(database, settings, "kim", "outreach")
    link = enrolment_link(settings.model_copy(update={"web_base_url": url}), token)
    with web_browser.page(browser) as page:
        page.goto(link)
        page.click("button.primary")
        page.wait_for_url(url + "/enrol")
        page.fill("#password", web_accounts.PASSWORD)
        page.fill("#password_again", web_accounts.PASSWORD)
        secret = page.inner_text("#totp-secret").replace(" ", "")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("button.primary")
        assert page.locator("#recovery-codes li").count() == 10
        page.click("a.button.primary")
        page.wait_for_url(url + "/")
        assert "Hej, Kim" in page.inner_text("h1")
        page.click(".signout button")
        page.wait_for_url(url + "/login")
        web_browser.sign_in(page, url, "kim", secret)
        assert "Hej, Kim" in page.inner_text("h1")
        assert "rollen opsøgende medarbejder" in page.inner_text("main")
        assert web_browser.csp_violations(page) == []
        cookies = page.context.cookies()
    session = next(c for c in cookies if c["name"] == "__Host-scout_session")
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
    assert session["path"] == "/" and session["domain"] == "127.0.0.1"  # host-only


def test_browser_post_without_csrf_refused(browser: Any, serve: Callable[..., str], kim) -> None:
    url = serve()
    with web_browser.page(browser) as page:
        web_browser.sign_in(page, url, "kim", kim.secret)
        # same origin, but no token: fetch from the page itself
        status = page.evaluate("fetch('/logout', {method: 'POST'}).then(r => r.status)")
        assert status == 403
        # another origin's form posting to Scout (the page is about:blank's)
        other = page.context.new_page()
        other.set_content(f'<form method="post" action="{url}/logout"><button>go</button></form>')
        with other.expect_navigation():
            other.click("button")
        assert "Ikke tilladt" in other.inner_text("h1")
        page.reload()
        assert "Hej, Kim" in page.inner_text("h1")  # still signed in


def test_browser_idle_timeout_warns_then_signs_out(
    browser: Any, serve: Callable[..., str], kim
) -> None:
    url = serve(web_idle_timeout_seconds="12")
    with web_browser.page(browser) as page:
        web_browser.sign_in(page, url, "kim", kim.secret)
        dialog = page.locator("#idle-warning")
        dialog.wait_for(state="visible", timeout=15_000)  # 6 s before the end
        page.click("#idle-warning button")
        dialog.wait_for(state="hidden", timeout=5_000)
        assert page.url == url + "/"  # "stay signed in" kept the page and the session
        page.wait_for_url(url + "/login?expired=1", timeout=20_000)
        assert "ikke skete noget" in page.inner_text("main")
        page.goto(url + "/")
        assert page.url == url + "/login"


SCREENSHOT_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # synthetic, for the docs' picture only


def _set_secret(database: Database, name: str, secret: str) -> None:
    with database.session() as session:
        session.scalars(select(User).where(User.name == name)).one().totp_secret = secret


def test_browser_accessibility_csp_and_screenshots(
    browser: Any, serve: Callable[..., str], database: Database, settings: Settings, kim
) -> None:
    url = serve()
    token = _link(database, settings, "ali", "analyst")
    problems: dict[str, Any] = {}
    for size in web_browser.SIZES:
        with web_browser.page(browser, size) as page:
            page.goto(url + "/login")
            web_browser.screenshot(page, f"login-{size}")
            page.goto(f"{url}/enrol/start?token={token}")
            page.click("button.primary")
            page.wait_for_url(url + "/enrol")
            # the docs' picture: a fixed test secret, so a test run does not redraw the QR code
            _set_secret(database, "ali", SCREENSHOT_SECRET)
            page.reload()
            assert page.inner_text("#totp-secret").replace(" ", "") == SCREENSHOT_SECRET
            web_browser.screenshot(page, f"enrol-{size}")
            enrol_cookies = page.context.cookies()
            problems[f"csp {size}"] = web_browser.csp_violations(page)
    problems["axe login"] = web_browser.axe(browser, url, [], "/login")
    problems["axe enrol"] = web_browser.axe(browser, url, enrol_cookies, "/enrol")
    with web_browser.page(browser, "phone") as page:
        web_browser.sign_in(page, url, "kim", kim.secret)
        web_browser.screenshot(page, "home-phone")
        for path in ("/account", "/account/sessions"):
            page.goto(url + path)
        problems["csp home"] = web_browser.csp_violations(page)
        home_cookies = page.context.cookies()
    problems["axe home"] = web_browser.axe(browser, url, home_cookies, "/")
    problems["axe account"] = web_browser.axe(browser, url, home_cookies, "/account")
    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)


def _sign_in_with_recovery_code(page: Any, url: str, code: str) -> None:
    page.goto(url + "/login")
    page.fill("#user_name", "kim")
    page.fill("#password", web_accounts.PASSWORD)
    page.click("button.primary")
    page.wait_for_url(url + "/login/code")
    page.fill("#code", code)
    page.click("button.primary")
    page.wait_for_url(url + "/")


def _fixed_pending_secret(page: Any, url: str, database: Database) -> None:
    """The docs' picture: the setup cookie sealed anew around the fixed test secret."""
    with database.session() as session:
        user = session.scalars(select(User).where(User.name == "kim")).one()
        row = session.scalars(
            select(WebSession).where(WebSession.user_id == user.id).order_by(WebSession.id.desc())
        ).first()
        assert row is not None
        token = authenticator.seal_pending(
            database.keyring,
            user.id,
            authenticator.session_ref(row),
            SCREENSHOT_SECRET,
            datetime.now(UTC),
        )
    cookie = next(c for c in page.context.cookies() if c["name"] == "__Host-scout_totp_setup")
    page.context.add_cookies([{**cookie, "value": token}])
    page.reload()
    assert page.inner_text("#totp-secret").replace(" ", "") == SCREENSHOT_SECRET


def test_browser_new_authenticator(
    browser: Any, serve: Callable[..., str], database: Database, kim
) -> None:
    """A lost phone: sign in and start with recovery codes, scan the new app's QR code,
    confirm with its code; the stored secret is the new one. Axe, CSP and screenshots."""
    url = serve()
    codes = iter(kim.recovery_codes)
    problems: dict[str, Any] = {}
    for size in ("phone", "desktop"):
        with web_browser.page(browser, size) as page:
            _sign_in_with_recovery_code(page, url, next(codes))
            page.goto(url + "/account")
            page.click("a[href='/account/authenticator']")
            page.wait_for_url(url + "/account/authenticator")
            page.fill("#password", web_accounts.PASSWORD)
            page.fill("#code", next(codes))
            page.click("button.primary")
            page.wait_for_url(url + "/account/authenticator/new")
            assert page.inner_text("#totp-secret").replace(" ", "") != kim.secret.upper()
            _fixed_pending_secret(page, url, database)
            web_browser.screenshot(page, f"authenticator-{size}")
            problems[f"csp {size}"] = web_browser.csp_violations(page)
            cookies = page.context.cookies()
            problems[f"axe start {size}"] = web_browser.axe(
                browser, url, cookies, "/account/authenticator"
            )
            problems[f"axe new {size}"] = web_browser.axe(
                browser, url, cookies, "/account/authenticator/new"
            )
            if size == "desktop":  # once: each confirmation spends a time step
                page.fill("#code", web_browser.next_code(SCREENSHOT_SECRET))
                page.click("button.primary")
                page.wait_for_url(url + "/account?changed=authenticator")
                assert "den gamle virker ikke længere" in page.inner_text("main")
                problems["csp done"] = web_browser.csp_violations(page)
    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)
    with database.session() as session:  # the old app's secret is gone (unit tests sign in)
        stored = session.scalars(select(User.totp_secret).where(User.name == "kim")).one()
    assert stored == SCREENSHOT_SECRET
