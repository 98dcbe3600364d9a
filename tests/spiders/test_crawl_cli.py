"""`scout crawl` and `scout sites`: progress, a summary table, exit codes, clear errors."""

from __future__ import annotations

import pytest

from pipeline.cli.main import main


@pytest.mark.subprocess
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_cli_summary_and_exit_code(database, demo_sites, capsys) -> None:
    code = main(["crawl", "demo_classic", "--base-url", demo_sites.url("demo_classic"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Crawl summary" in out and "demo_classic" in out and "complete" in out
    demo_sites.server.classic.blocked = True
    code = main(["crawl", "demo_classic", "--base-url", demo_sites.url("demo_classic"), "--quiet"])
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


@pytest.mark.subprocess
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_crawl_plain_scrapy_crawl_works(database, demo_sites, tmp_path) -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from sqlalchemy import func, select

    from models import Advert

    repo = Path(__file__).resolve().parents[2]
    if not (repo / "scrapy.cfg").is_file():
        pytest.skip("scrapy.cfg lives in a checkout")
    shutil.copy(repo / "scrapy.cfg", tmp_path / "scrapy.cfg")
    result = subprocess.run(
        [
            sys.executable,
            "-P",
            "-m",
            "scrapy",
            "crawl",
            "adverts",
            "-a",
            "site=demo_classic",
            "-a",
            f"base_url={demo_sites.url('demo_classic')}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=8",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Advert)) > 0
