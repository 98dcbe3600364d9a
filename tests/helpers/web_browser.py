"""Browser helpers for the web tests: Debian's Chromium, pages that record CSP violations,
axe-core, screenshots for the docs, signing in, and waiting for `scout web serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp

from helpers.web_accounts import PASSWORD

CHROMIUM = "/usr/bin/chromium"  # Debian's
AXE = Path(__file__).resolve().parents[1] / "pipeline" / "web" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
SIZES = {"desktop": (1280, 800), "phone": (360, 740)}
# Collects CSP violations from the moment a page starts (an init script is not page script).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read() if process.stderr else "see its log"
            raise AssertionError(f"scout web serve exited: {output}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("scout web serve did not answer in time")


@contextmanager
def page(browser: Any, size: str = "desktop", **options: Any) -> Iterator[Any]:
    """A new page in a context of its own that records CSP violations and console errors."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.add_init_script(CSP_LISTENER)
    opened = context.new_page()
    opened.console_errors = []
    opened.on("console", lambda msg: msg.type == "error" and opened.console_errors.append(msg.text))
    try:
        yield opened
    finally:
        context.close()


def csp_violations(opened: Any) -> list[str]:
    found = opened.evaluate("window.__csp")
    return found + [e for e in opened.console_errors if "Content Security Policy" in e]


def axe(browser: Any, url: str, cookies: list[dict], path: str) -> list[str]:
    """Serious and critical axe violations of a page (a context that lets axe's script in)."""
    with page(browser, bypass_csp=True) as opened:
        opened.context.add_cookies(cookies)
        opened.goto(url + path)
        opened.add_script_tag(path=str(AXE))
        result = opened.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
    assert len(result["passes"]) > 10, "axe checked almost nothing"  # it really ran
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(opened: Any, name: str) -> None:
    if DOCS_IMAGES.is_dir():  # a checkout: the docs use these pictures
        # A test runs once per engine, and two pytest-xdist workers may take the same picture
        # at once: each writes a file of its own and renames it into place, whole.
        target = DOCS_IMAGES / f"web-{name}.png"
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        partial.write_bytes(opened.screenshot(full_page=True))
        partial.replace(target)


def next_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (one step of drift), never used yet."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def sign_in(opened: Any, url: str, name: str, secret: str) -> None:
    opened.goto(url + "/login")
    opened.fill("#user_name", name)
    opened.fill("#password", PASSWORD)
    opened.click("button.primary")
    opened.wait_for_url(url + "/login/code")
    opened.fill("#code", next_code(secret))
    opened.click("button.primary")
    opened.wait_for_url(url + "/")
