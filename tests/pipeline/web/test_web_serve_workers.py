"""`scout web serve --workers 2`: two server processes that agree on who is signed in.

Sessions, sign-in throttles and the target list's freshness live in the database, so a
request may land on either process. The test signs in through one connection after another
(each a new TCP connection, which uvicorn's processes take turns to accept) and checks
every page answers for the same person, and that the server really runs two processes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pipeline.core import clock
from pipeline.core.db import Database
from pipeline.core.settings import Settings

from helpers import fleet, web_accounts, web_browser

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}  # what a browser sends with a form post
SIGNED_IN = 'action="/logout"'  # the sign-out button, on every page of a signed-in person
_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _server_processes(url: str) -> list[int]:
    port = int(url.rsplit(":", 1)[1])
    wanted = b"serve\x00--port\x00" + str(port).encode() + b"\x00"
    listening = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if wanted in path.read_bytes():
                listening.append(path.parent.name)
        except OSError:
            continue  # gone meanwhile
    assert len(listening) == 1, listening
    return fleet.children_of(int(listening[0]))


def test_web_serve_two_workers_share_sessions(
    serve: Callable[..., str], database: Database, settings: Settings
) -> None:
    clock.set_now(None)  # the server and the TOTP codes run on the real clock
    account = web_accounts.enrolled(database, settings, "wen", "outreach")
    url = serve(workers=2, web_secure_cookie="false")
    deadline = time.monotonic() + 60  # the supervisor starts its processes one by one
    while len(workers := _server_processes(url)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(workers) >= 2, f"expected two server processes, found {workers}"

    cookies = httpx.Cookies()
    for path, data in (
        ("/login", {"user_name": account.name, "password": account.password}),
        ("/login/code", {"code": web_browser.next_code(account.secret)}),
    ):
        # a new client (connection) per request: either process may answer
        with httpx.Client(base_url=url, cookies=cookies, headers=SAME_ORIGIN) as client:
            page = client.get(path, follow_redirects=True)
            found = _TOKEN.search(page.text)
            assert found, (path, page.status_code)
            response = client.post(path, data={"csrf_token": found.group(1), **data})
            assert response.status_code == 303, (path, response.status_code, response.text)
            cookies = client.cookies
    for _ in range(12):
        with httpx.Client(base_url=url, cookies=cookies) as client:
            page = client.get("/targets")
        assert page.status_code == 200 and SIGNED_IN in page.text, page.status_code
    with httpx.Client(base_url=url) as stranger:
        assert stranger.get("/targets").status_code in (302, 303)
