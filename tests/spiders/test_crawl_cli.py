"""`scout crawl` and `scout sites`: progress, a summary table, exit codes, clear errors."""

from __future__ import annotations

import pytest

from pipeline.cli import main


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_cli_summary_and_exit_code(database, demo_sites, capsys) -> None:
    code = main(["crawl", "demo_classic", "--base-url", demo_sites.url("demo_classic"),
                 "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Crawl summary" in out and "demo_classic" in out and "complete" in out
    demo_sites.server.classic.blocked = True
    code = main(["crawl", "demo_classic", "--base-url", demo_sites.url("demo_classic"),
                 "--quiet"])
    out = capsys.readouterr().out
    assert code == 5
    assert "blocked" in out and "log:" in out


def test_crawl_cli_usage_errors(capsys) -> None:
    assert main(["crawl"]) == 2
    assert "name one or more sites, or give --all" in capsys.readouterr().err
    assert main(["crawl", "no_such_site"]) == 1
    assert "no site file for 'no_such_site'" in capsys.readouterr().err


def test_sites_cli_list_and_check(capsys) -> None:
    assert main(["sites", "list"]) == 0
    out = capsys.readouterr().out
    assert "demo_classic" in out and "demo_spa" in out
    assert main(["sites", "check"]) == 0
    assert "site files valid" in capsys.readouterr().out
