"""The `scout` command line: one command per verb; problems end in one clear line."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from pipeline import __version__
from pipeline.cli.help import answer_help
from pipeline.core.app import App
from pipeline.core.errors import ScoutError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Read settings from this TOML file (default: $SCOUT_CONFIG, else ./scout.toml).",
)
@click.version_option(__version__, "--version", prog_name="scout", help="Show the version.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Scout: finds people in escort adverts who may need an offer of help.

    Every indicator is a reason to offer help, never a verdict about a person.
    """
    if config_path is not None:
        os.environ["SCOUT_CONFIG"] = str(config_path)
    app = App()
    ctx.obj = app
    ctx.call_on_close(app.close)
    _check_role(ctx, app)


def _check_role(ctx: click.Context, app: App) -> None:
    """Refuse a command the actor's role may not run, before it touches anything.

    `main` has answered help requests already: any role may read any command's help.
    """
    from pipeline.core import roles

    if ctx.invoked_subcommand is None:
        return
    # nested groups check their exact subcommand (once per process)
    roles.guard(cli, before=audit_before)
    roles.check_top_level(lambda: app.settings, ctx.invoked_subcommand)
    if not isinstance(cli.commands.get(ctx.invoked_subcommand), click.Group):
        audit_before(app, ctx.invoked_subcommand)


# Commands that remove data, change keys or accounts: an audit entry is committed before they run
# (`db downgrade` writes its own after its checks, `db upgrade` one when the schema is current).
AUDITED_BEFORE = (
    "purge",
    "keys",
    "users add",
    "users disable",
    "users reset",
    "users end-sessions",
    "suppress lift",
)


def audit_before(app: App, path: str) -> None:
    """Commit a `command` audit entry naming the command, when the database has an audit log."""
    if not any(path == name or path.startswith(name + " ") for name in AUDITED_BEFORE):
        return
    from pipeline.operations.auditlog import record_command

    record_command(app.database(require_schema=False), app.settings, path)


def _register_commands() -> None:
    from pipeline.cli.commands import (
        analyse,
        audit,
        clinics,
        config,
        contact,
        crawl,
        db,
        demo,
        digest,
        evaluate,
        export,
        jobs,
        keys,
        link,
        purge,
        report,
        rules,
        schedule,
        status,
        targets,
        users,
        web,
        worker,
    )

    commands = (
        db.db,
        config.config,
        status.status,
        status.version,
        crawl.crawl,
        crawl.sites,
        analyse.analyse_command,
        demo.demo,
        targets.targets,
        clinics.clinics,
        jobs.jobs,
        contact.contact,
        contact.suppress,
        rules.rules,
        digest.digest,
        report.report,
        export.export_command,
        keys.keys,
        link.link_command,
        evaluate.evaluate_command,
        purge.purge_command,
        schedule.schedule,
        users.users,
        web.web,
        worker.worker,
        worker.workers,
        audit.audit_group,
    )
    for command in commands:
        cli.add_command(command)


_register_commands()


def _usage_line(exc: click.UsageError) -> str:
    where = exc.ctx.command_path if exc.ctx else "scout"
    return f"error: {exc.format_message().rstrip('.')} (see '{where} --help')"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `scout` script; returns the exit code instead of raising."""
    args = list(argv) if argv is not None else sys.argv[1:]
    if any("\x00" in arg for arg in args):  # no file name or value holds one (hostile input)
        click.echo("error: an argument contains a NUL character", err=True)
        return 2
    try:
        answered = answer_help(cli, args, "scout")
        if answered is not None:
            return answered
        # without standalone mode click hands back an Exit's code instead of raising it
        returned = cli.main(args=args, prog_name="scout", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.UsageError as exc:
        click.echo(_usage_line(exc), err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except ScoutError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        click.echo(f"error: database: {first}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except OSError as exc:  # a file name the system refuses (too long, no permission, ...)
        name = str(exc.filename or "")
        where = f": {name[:80]}{'…' if len(name) > 80 else ''}" if name else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        return 1
    return returned if isinstance(returned, int) else 0


if __name__ == "__main__":
    sys.exit(main())
