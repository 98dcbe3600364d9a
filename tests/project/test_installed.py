"""make test runs the suite against the installed package, not the source folders."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest

import demo
import models
import nlp
import pipeline
import spiders
from pipeline.core.migrations import migrations_dir


@pytest.mark.skipif(
    os.environ.get("SCOUT_TEST_INSTALLED") != "1",
    reason="only under make test (SCOUT_TEST_INSTALLED=1)",
)
def test_installed_packages_come_from_site_packages() -> None:
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    # tests/ is on sys.path (pytest's pythonpath) and has folders of these names: not packages,
    # so the installed ones win
    for module in (pipeline, models, nlp, spiders, demo):
        assert site in Path(module.__file__).resolve().parents, module.__file__
    scripts = migrations_dir()
    assert site in scripts.resolve().parents
    assert any(scripts.joinpath("versions").glob("*_0001_initial_schema.py"))
    assert (scripts / "env.py").is_file()
