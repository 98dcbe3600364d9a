"""The outreach day in Chromium against `scout web serve`, on both engines: enrol → Today →
target → claim → reveal → back button → contact log → opt-out → gone from the list; a
colleague sees the claim; other roles refused; no contact value in any page, header or
server log but the reveal's answer; axe-core, the CSP and screenshots of the pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings
from pipeline.operations.accounts.users import add_user, enrolment_link

from helpers import outreach_world, web_accounts, web_browser

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]


@pytest.fixture
def server(outreach_db: Database, db_url: str, tmp_path: Path) -> Iterator[Any]:
    """`scout web serve` on a free loopback port, its output kept in a file to search."""
    port = web_browser.free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = {**os.environ, "SCOUT_DATABASE_URL": db_url, "SCOUT_WEB_BASE_URL": url}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "pipeline.cli.main", "web", "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        try:
            web_browser.wait_healthy(url, process)
            yield url, log
        finally:
            process.terminate()
            process.wait(timeout=10)


class Seen:
    """Every response the browser got: (method, url, headers, body)."""

    def __init__(self) -> None:
        self.responses: list[tuple[str, str, dict[str, str], str]] = []

    def record(self, response: Any) -> None:
        try:
            body = response.text()
        except Exception:  # a redirect or an aborted load has no body to read
            body = ""
        request = response.request
        self.responses.append((request.method, response.url, response.all_headers(), body))


def _enrol(page: Any, link: str, url: str) -> str:
    page.goto(link)
    page.click("button.primary")
    page.wait_for_url(url + "/enrol")
    page.fill("#password", "plum harbour violet seventy")
    page.fill("#password_again", "plum harbour violet seventy")
    secret = page.inner_text("#totp-secret").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button.primary")
    page.click("a.button.primary")
    page.wait_for_url(url + "/")
    return secret


def _values_in(text: str, values: set[str]) -> list[str]:
    return sorted(value for value in values if value in text)


def test_browser_outreach_day(
    browser: Any,
    server: tuple[str, Path],
    outreach_db: Database,
    settings: Settings,
    outreach_truth: dict[str, Any],
) -> None:
    url, log = server
    values = outreach_world.contact_strings(outreach_truth)
    with outreach_db.session() as session:
        _, token = add_user(session, settings, "kim", "outreach", clock.now(), "Kim")
    link = enrolment_link(settings.model_copy(update={"web_base_url": url}), token)
    others = {
        name: web_accounts.enrolled(outreach_db, settings, name, role)
        for name, role in (("lee", "outreach"), ("rae", "researcher"), ("ana", "analyst"))
    }
    seen, problems, revealed_bodies = Seen(), {}, []
    with web_browser.page(browser, locale="da-DK") as page:  # a Danish date field in the pictures
        page.on("response", seen.record)
        _enrol(page, link, url)
        page.click("nav >> text=I dag")
        page.wait_for_url(url + "/targets")
        web_browser.screenshot(page, "today-desktop")
        first = page.locator("ol.targets h2 a").first
        target = first.inner_text().split()[-1]
        first.click()
        page.wait_for_url(f"{url}/targets/{target}")
        page.click("text=Tag dette mål")
        assert "Du har taget dette mål" in page.inner_text(".claim")
        web_browser.screenshot(page, "target-desktop")
        cookies = page.context.cookies()

        with web_browser.page(browser) as lee:
            web_browser.sign_in(lee, url, "lee", others["lee"].secret)
            lee.goto(f"{url}/targets/{target}")
            assert "Taget af Kim siden" in lee.inner_text(".claim")
        for name, path in (("rae", f"/targets/{target}"), ("ana", f"/targets/{target}/reveal")):
            with web_browser.page(browser) as other:
                web_browser.sign_in(other, url, name, others[name].secret)
                other.goto(url + path)
                assert other.inner_text("h1") == "Ikke tilladt"

        post = "(path) => fetch(path, {method: 'POST'}).then(r => r.status)"
        assert (
            page.evaluate(post, f"/targets/{target}/release") == 403
        )  # same origin, no CSRF token

        page.click("text=Vis kontaktpunkter")
        page.wait_for_url(f"{url}/targets/{target}/reveal")
        web_browser.screenshot(page, "reveal-desktop")
        page.fill("#reason", "first contact, in Romanian")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("main button.primary")
        revealed_bodies.append(answer.value.text())
        shown = _values_in(page.inner_text("main"), values)
        assert shown, "the reveal shows the contact points"
        page.go_back()
        page.wait_for_load_state()
        assert _values_in(page.content(), values) == []  # not from the cache, not re-posted
        problems["csp reveal"] = web_browser.csp_violations(page)

        problems["axe today"] = web_browser.axe(browser, url, cookies, "/targets")
        problems["axe target"] = web_browser.axe(browser, url, cookies, f"/targets/{target}")
        problems["axe reveal"] = web_browser.axe(browser, url, cookies, f"/targets/{target}/reveal")
        problems["axe contact"] = web_browser.axe(
            browser, url, cookies, f"/targets/{target}/contact"
        )
        for size in ("phone",):
            with web_browser.page(browser, size, locale="da-DK") as phone:
                phone.context.add_cookies(cookies)
                for path, name in (("/targets", "today"), (f"/targets/{target}", "target")):
                    phone.goto(url + path)
                    web_browser.screenshot(phone, f"{name}-{size}")
                problems["csp phone"] = web_browser.csp_violations(phone)

        page.goto(f"{url}/targets/{target}/contact")
        web_browser.screenshot(page, "contact-desktop")
        page.check("#outcome-opted-out")
        page.click("main button.primary")
        page.wait_for_url(url + "/targets")
        listed = re.findall(r"/targets/(C\d+)", page.content())
        assert target not in listed
        problems["csp"] = web_browser.csp_violations(page)

    assert all(not found for found in problems.values()), json.dumps(problems, indent=1)
    leaks = []
    for method, address, headers, body in seen.responses:
        if method == "POST" and address.endswith("/reveal") and body in revealed_bodies:
            continue  # the one answer that may show them
        found = _values_in(body + json.dumps(headers), values)
        if found:
            leaks.append((method, address, found))
    assert len(seen.responses) > 10 and leaks == []
    assert _values_in(log.read_text(), values) == []
