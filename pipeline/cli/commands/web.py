"""`scout web serve`: the web app on loopback, or behind a TLS-terminating reverse proxy."""

from __future__ import annotations

import click
import uvicorn

from pipeline.core.app import App
from pipeline.core.errors import ScoutError
from pipeline.core.net import is_loopback

# Loaded by name: the CLI and the web app are sibling layers that do not import each other.
APP_FACTORY = "pipeline.web.main:create_app"


@click.group()
def web() -> None:
    """The web app for the team (accounts: scout users)."""


@web.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="A reverse proxy terminates TLS in front: allow a non-loopback host and trust "
    "its X-Forwarded-* headers.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Server processes; one per core serves more people at once (sessions, sign-in "
    "throttles and the list's freshness are kept in the database, so they all agree).",
)
@click.pass_obj
def serve(app: App, host: str, port: int, behind_proxy: bool, workers: int) -> None:
    """Serve the web app (plain HTTP: TLS is the reverse proxy's job)."""
    if not (behind_proxy or is_loopback(host)):
        raise ScoutError(
            f"refusing to serve plain HTTP on {host}: use a loopback address, or put a "
            "TLS proxy in front and pass --behind-proxy"
        )
    app.database().dispose()  # fail here, in one line, if the database is not ready
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=behind_proxy,
        server_header=False,
        log_level="info",
    )
