"""The hostile demo site: loopback only, two host names, generated bombs that stay small."""

from __future__ import annotations

import gzip

import pytest

from demo.hostile import OTHER_HOST, HostileServer


def test_hostile_refuses_a_non_loopback_address() -> None:
    with pytest.raises(ValueError, match="loopback only"):
        HostileServer(host="0.0.0.0")


def test_hostile_other_host_disallows_everything() -> None:
    with HostileServer() as server:
        robots = server.handle(OTHER_HOST, "/robots.txt").body.decode()
        own = server.handle("127.0.0.1", "/robots.txt").body.decode()
    assert "Disallow: /\n" in robots
    assert "Disallow: /ad/private\n" in own


def test_hostile_bombs_are_small_on_the_wire_and_big_unpacked() -> None:
    with HostileServer() as server:
        page = server.handle("127.0.0.1", "/ad/gzbomb").body
        png = server.handle("127.0.0.1", "/img/bomb.png").body
    assert len(page) < 200_000 and len(gzip.decompress(page)) == 64 * 1024 * 1024
    assert len(png) < 200_000 and png.startswith(b"\x89PNG")
    assert int.from_bytes(png[16:20], "big") == 30_000  # width in the IHDR chunk


def test_hostile_side_requests_point_at_the_other_host() -> None:
    with HostileServer() as server:
        page = server.handle("127.0.0.1", "/ad/offreveal").body.decode()
        assert f"http://{OTHER_HOST}:{server.port}/api/phone" in page
