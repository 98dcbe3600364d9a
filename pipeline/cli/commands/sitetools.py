"""`scout sites try` and `scout sites new`: the site-file author's `scrapy shell`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from pipeline.core.app import Context
from pipeline.core.console import console
from pipeline.core.errors import ScoutError
from spiders.sitefile import load_site
from spiders.sitetools import NotAllowed, TryResult, draft_site_file, try_page

SHOWN_LINKS = 5


@click.command("try")
@click.argument("site_name", metavar="SITE")
@click.argument("url")
@click.option(
    "--as",
    "page_type",
    type=click.Choice(["detail", "listing"]),
    default=None,
    help="Read the page as an advert or a listing (default: by external_id_from_url).",
)
@click.option("--base-url", help="The site is served here instead (the demo sites).")
@click.pass_obj
def try_command(
    context: Context, site_name: str, url: str, page_type: str | None, base_url: str | None
) -> None:
    """Fetch one page as the spider would and show every field, the contact points, the
    reveal result and the links found; misses are marked."""
    site = load_site(site_name)
    if base_url:
        site = site.with_base_url(base_url)
    try:
        result = try_page(site, url, context.settings.user_agent, page_type)
    except NotAllowed as exc:
        raise ScoutError(f"not fetched: {exc}") from None
    print_try(result)


def print_try(result: TryResult) -> None:
    out = console()
    out.print(f"{result.page_type} page {result.url} (HTTP {result.status})", markup=False)
    if result.page_type == "detail":
        out.print(f"external id: {result.external_id or 'MISSING'}", markup=False)
        table = Table(title="Fields")
        for column in ("field", "found", "value"):
            table.add_column(column)
        for found in result.fields:
            mark = "MISS (required)" if found.missed and found.required else "miss"
            table.add_row(
                Text(found.name),
                Text(mark, style="red") if found.missed else Text("yes"),
                Text(str(found.value)[:80] if found.value is not None else ""),
            )
        out.print(table)
        out.print(f"contact points: {', '.join(result.contacts) or 'none'}", markup=False)
        sent = [(side["name"], side) for side in result.side]
        for name, info in [*sent, *([("reveal", result.reveal)] if result.reveal else [])]:
            said = info.get("error") or (
                f"fields {info.get('fields')!r}" if name != "reveal" or "fields" in info
                else f"value {info.get('value')!r}"
            )  # fmt: skip
            where = f"{info['method']} {info['url']}: " if "url" in info else ""
            refused = "error" in info and "url" in info
            out.print(f"{name}: {where}{said}", markup=False, style="red" if refused else None)
    for name, urls in result.links.items():
        shown = ", ".join(urls[:SHOWN_LINKS]) + (" …" if len(urls) > SHOWN_LINKS else "")
        if urls:
            out.print(f"{name}: {len(urls)} found: {shown}", markup=False)
        else:
            out.print(f"{name}: none found", markup=False, style="red")
    if result.page_type == "detail" and result.misses:
        out.print(f"missed: {', '.join(result.misses)}", markup=False, style="red")


@click.command("new")
@click.argument("url")
@click.option("--name", default="new_site", show_default=True, help="The site's short id.")
@click.option(
    "--cookie",
    "cookies",
    multiple=True,
    metavar="NAME=VALUE",
    help="A consent or age-gate cookie the site expects (repeatable); never a login.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write it here.")
@click.pass_obj
def new_command(
    context: Context, url: str, name: str, cookies: tuple[str, ...], out: Path | None
) -> None:
    """Draft a starting site file from a site's front page: listing and advert links,
    sitemap, feeds and the JSON-LD the advert page offers. Edit it, then `scout sites try`."""
    declared = {}
    for cookie in cookies:
        key, sep, value = cookie.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{cookie!r} is not NAME=VALUE", param_hint="--cookie")
        declared[key.strip()] = value.strip()
    try:
        draft = draft_site_file(url, name, context.settings.user_agent, declared)
    except NotAllowed as exc:
        raise ScoutError(f"not fetched: {exc}") from None
    except ValueError as exc:
        raise ScoutError(f"no usable site file could be drafted: {exc}") from None
    if out is not None:
        out.write_text(draft.yaml_text, encoding="utf-8")
        click.echo(f"wrote {out}")
    else:
        click.echo(draft.yaml_text, nl=False)
    for note in draft.notes:
        click.echo(f"note: {note}", err=True)
