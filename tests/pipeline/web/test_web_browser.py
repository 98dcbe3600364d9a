"""The web app in Debian's Chromium against `scout web serve` on a free loopback port:
enrolment with TOTP → sign out → sign in → home; a CSRF-less POST refused; the idle
timeout with its warning; axe-core (WCAG 2.2 AA) and the CSP on the pages of this slice;
screenshots for docs/web_accounts.md at desktop and phone size."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp
import pytest

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts.users import add_user, enrolment_link
from spiders.settings import CHROMIUM_ARGS

from helpers import web_accounts

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

CHROMIUM = "/usr/bin/chromium"  # Debian's
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DOCS_IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"
SIZES = {"desktop": (1280, 800), "phone": (360, 740)}
PASSWORD = "plum harbour violet seventy"
# Collects CSP violations from the moment a page starts (an init script is not page script).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"scout web serve exited: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("scout web serve did not answer in time")


@pytest.fixture
def serve(database: Database, db_url: str) -> Iterator[Callable[..., str]]:
    """Start `scout web serve` (a subprocess) with extra settings; returns its base URL."""
    started: list[subprocess.Popen[str]] = []

    def start(**settings: str) -> str:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "SCOUT_DATABASE_URL": db_url, "SCOUT_WEB_BASE_URL": url}
        env.update({f"SCOUT_{name.upper()}": value for name, value in settings.items()})
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "pipeline.cli.main", "web", "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        started.append(process)
        _wait_healthy(url, process)
        return url

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def _page(browser: Any, size: str = "desktop", **options: Any) -> Iterator[Any]:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    try:
        yield page
    finally:
        context.close()


def _csp_violations(page: Any) -> list[str]:
    found = page.evaluate("window.__csp")
    return found + [e for e in page.console_errors if "Content Security Policy" in e]


def _axe(browser: Any, url: str, cookies: list[dict], path: str) -> list[str]:
    """Serious and critical axe violations of a page (a context that lets axe's script in)."""
    with _page(browser, bypass_csp=True) as page:
        page.context.add_cookies(cookies)
        page.goto(url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
    assert len(result["passes"]) > 10, "axe checked almost nothing"  # it really ran
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _screenshot(page: Any, name: str) -> None:
    if DOCS_IMAGES.is_dir():  # a checkout: the docs use these pictures
        page.screenshot(path=str(DOCS_IMAGES / f"web-{name}.png"), full_page=True)


@pytest.fixture
def kim(database: Database, settings: Settings):
    """An enrolled outreach worker (made directly in the database)."""
    return web_accounts.enrolled(database, settings, "kim", "outreach")


def _next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (one step of drift), never used yet."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _link(database: Database, settings: Settings, name: str, role: str) -> str:
    with database.session() as session:
        _, token = add_user(session, settings, name, role, clock.now(), name.title())
    return token


def _sign_in(page: Any, url: str, name: str, secret: str) -> None:
    page.goto(url + "/login")
    page.fill("#user_name", name)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(url + "/login/code")
    page.fill("#code", _next_code(secret))
    page.click("button.primary")
    page.wait_for_url(url + "/")


def test_browser_enrol_sign_out_sign_in_home(
    browser: Any, serve: Callable[..., str], database: Database, settings: Settings
) -> None:
    url = serve()
    token = _link(database, settings, "kim", "outreach")
    link = enrolment_link(settings.model_copy(update={"web_base_url": url}), token)
    with _page(browser) as page:
        page.goto(link)
        page.click("button.primary")
        page.wait_for_url(url + "/enrol")
        page.fill("#password", PASSWORD)
        page.fill("#password_again", PASSWORD)
        secret = page.inner_text("#totp-secret").replace(" ", "")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("button.primary")
        assert page.locator("#recovery-codes li").count() == 10
        page.click("a.button.primary")
        page.wait_for_url(url + "/")
        assert "Hej, Kim" in page.inner_text("h1")
        page.click(".signout button")
        page.wait_for_url(url + "/login")
        _sign_in(page, url, "kim", secret)
        assert "Hej, Kim" in page.inner_text("h1")
        assert "rollen opsøgende medarbejder" in page.inner_text("main")
        assert _csp_violations(page) == []
        cookies = page.context.cookies()
    session = next(c for c in cookies if c["name"] == "__Host-scout_session")
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Strict"
    assert session["path"] == "/" and session["domain"] == "127.0.0.1"  # host-only


def test_browser_post_without_csrf_refused(browser: Any, serve: Callable[..., str], kim) -> None:
    url = serve()
    with _page(browser) as page:
        _sign_in(page, url, "kim", kim.secret)
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
    with _page(browser) as page:
        _sign_in(page, url, "kim", kim.secret)
        dialog = page.locator("#idle-warning")
        dialog.wait_for(state="visible", timeout=15_000)  # 6 s before the end
        page.click("#idle-warning button")
        dialog.wait_for(state="hidden", timeout=5_000)
        assert page.url == url + "/"  # "stay signed in" kept the page and the session
        page.wait_for_url(url + "/login?expired=1", timeout=20_000)
        assert "ikke skete noget" in page.inner_text("main")
        page.goto(url + "/")
        assert page.url == url + "/login"


def test_browser_accessibility_csp_and_screenshots(
    browser: Any, serve: Callable[..., str], database: Database, settings: Settings, kim
) -> None:
    url = serve()
    token = _link(database, settings, "ali", "analyst")
    problems: dict[str, Any] = {}
    for size in SIZES:
        with _page(browser, size) as page:
            page.goto(url + "/login")
            _screenshot(page, f"login-{size}")
            page.goto(f"{url}/enrol/start?token={token}")
            page.click("button.primary")
            page.wait_for_url(url + "/enrol")
            _screenshot(page, f"enrol-{size}")
            enrol_cookies = page.context.cookies()
            problems[f"csp {size}"] = _csp_violations(page)
    problems["axe login"] = _axe(browser, url, [], "/login")
    problems["axe enrol"] = _axe(browser, url, enrol_cookies, "/enrol")
    with _page(browser, "phone") as page:
        _sign_in(page, url, "kim", kim.secret)
        _screenshot(page, "home-phone")
        for path in ("/account", "/account/sessions"):
            page.goto(url + path)
        problems["csp home"] = _csp_violations(page)
        home_cookies = page.context.cookies()
    problems["axe home"] = _axe(browser, url, home_cookies, "/")
    problems["axe account"] = _axe(browser, url, home_cookies, "/account")
    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)
