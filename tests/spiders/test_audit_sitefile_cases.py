"""The audit's site-file cases that held (§2a: B1–B4, B6–B8, B11–B14, B17, B19, B20, B23),
kept as tests by case id so none comes back: each bad file is refused with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.core.datafiles import DataFileError
from spiders.sitefile import SITES_DIR, load_site, load_site_file

VALID = yaml.safe_load((SITES_DIR / "demo_classic.yaml").read_text())


def _dump(**changes: object) -> str:
    return yaml.safe_dump({**VALID, **changes})


def _field(spec: dict[str, object], name: str = "text") -> str:
    detail = {**VALID["detail"], "fields": {**VALID["detail"]["fields"], name: spec}}
    return _dump(detail=detail)


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)

CASES = [
    ("B1", "name: [demo_classic\n\tmode: html\n", "not valid YAML"),
    ("B2", _dump(proxy_rotation=True), "proxy_rotation"),
    ("B3", _field({"css": "img.face"}, name="face_photo"), "face_photo"),
    ("B4", _field({"css": "p", "regex": "(a+)+$"}), "regex"),
    ("B6", _dump(base_url="file:///etc"), "base_url"),
    ("B7", _dump(base_url="ftp://127.0.0.1/"), "base_url"),
    ("B8", _dump(base_url="javascript:alert(1)//127.0.0.1"), "base_url"),
    ("B11", _dump(name="other_name"), "must equal the file name"),
    ("B12", _dump(robots={"obey": False}), "needs a reason"),
    ("B13", ALIAS_BOMB, "demo_classic.yaml"),
    ("B14", "name: !!python/object/apply:os.system ['touch pwned']\n", "demo_classic.yaml"),
    ("B17", "- name\n- mode\n", "mapping"),
    (
        "B19",
        _dump(politeness={**VALID.get("politeness", {}), "download_delay": -1}),
        "download_delay",
    ),
    ("B20", _field({"css": "p", "xpath": "//p"}), "exactly one of"),
]


@pytest.mark.parametrize(("text", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_b_site_file_case_refused_with_one_line(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "demo_classic.yaml"
    path.write_text(text)
    with pytest.raises(DataFileError) as caught:
        load_site_file(path)
    message = str(caught.value)
    assert "\n" not in message and fragment in message, message
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()  # B14


def test_b23_site_name_outside_the_sites_folder_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        load_site("../../../etc/passwd", tmp_path)
    assert "\n" not in str(caught.value) and "passwd" in str(caught.value)
