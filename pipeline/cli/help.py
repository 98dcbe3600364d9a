"""Help pages for every role: `scout ... --help` is answered before any role gate runs."""

from __future__ import annotations

from collections.abc import Sequence

import click


def _descend(ctx: click.Context) -> None:
    """Parse down to the command the line names, as click's own run would, running nothing."""
    if not isinstance(ctx.command, click.Group):
        return
    # click keeps a group's unparsed words in two lists until 9.0 merges them into `args`
    rest = [*getattr(ctx, "_protected_args", ()), *ctx.args]
    if not rest:
        return
    name, command, rest = ctx.command.resolve_command(ctx, rest)
    if name is None or command is None:
        return
    with command.make_context(name, rest, parent=ctx) as sub:
        _descend(sub)


def answer_help(group: click.Group, args: Sequence[str], prog_name: str) -> int | None:
    """Print the help page when `args` asks for one and return its exit code; else None.

    Help text is harmless, so every role may read it, even for commands it may not run.
    The line is parsed exactly as the real run parses it (`--reason --help` gives the
    option the value "--help" and asks for no help), but no command callback runs: the role
    gates and the commands' work only start in the real run, which follows when this
    returns None. A line click refuses is left to the real run to report, in its usual order.
    """
    try:
        with group.make_context(prog_name, list(args)) as ctx:
            _descend(ctx)
    except click.exceptions.Exit as exc:  # the eager --help (or --version) option answered
        return exc.exit_code
    except click.ClickException:
        return None
    return None
