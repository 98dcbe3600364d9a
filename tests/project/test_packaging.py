"""pyproject's package list and package data match the folders, so a wheel ships all of Scout."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ROOTS = ("pipeline", "spiders", "nlp", "models", "demo")


def _setuptools() -> dict[str, Any]:
    path = REPO / "pyproject.toml"
    if not path.is_file():
        pytest.skip(f"{path} not present (running outside a checkout)")
    return tomllib.loads(path.read_text(encoding="utf-8"))["tool"]["setuptools"]


def _folder(package: str, package_dir: dict[str, str]) -> Path:
    return REPO / package_dir.get(package, package.replace(".", "/"))


def test_every_listed_package_is_a_package_folder() -> None:
    config = _setuptools()
    package_dir = config.get("package-dir", {})
    for package in config["packages"]:
        folder = _folder(package, package_dir)
        if package in package_dir:
            # alembic/ keeps no __init__.py: it would shadow the alembic library in a checkout
            assert any(folder.glob("*.py")), f"{package}: no modules in {folder}"
        else:
            assert (folder / "__init__.py").is_file(), f"{package}: no {folder}/__init__.py"


def test_every_package_folder_is_listed() -> None:
    listed = set(_setuptools()["packages"])
    folders = {path.parent for root in ROOTS for path in (REPO / root).rglob("*.py")}
    packages = {".".join(folder.relative_to(REPO).parts) for folder in folders}
    assert packages - listed == set(), "add these to [tool.setuptools] packages"


def test_every_package_data_glob_matches_a_file() -> None:
    config = _setuptools()
    package_dir = config.get("package-dir", {})
    for package, patterns in config["package-data"].items():
        folder = _folder(package, package_dir)
        for pattern in patterns:
            matched = [path for path in folder.glob(pattern) if path.is_file()]
            assert matched, f"package-data {package}: {pattern!r} matches no file"
