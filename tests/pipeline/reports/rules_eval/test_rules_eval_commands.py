"""`scout rules check|eval|diff`: validation, metrics on labels, diffs that name what moved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from models import Cluster, IndicatorHit, Score
from nlp.rules import RULES_DIR
from pipeline.cli.main import main
from pipeline.core.db import Database
from pipeline.reports.rules_eval.metrics import confusion


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _copy_rules(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(RULES_DIR, folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


def _set_weight(folder: Path, rule_id: str, weight: float) -> None:
    for path in folder.glob("*.yaml"):
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in entries:
            if entry["id"] == rule_id:
                entry["weight"] = weight
                path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
                return
    raise AssertionError(rule_id)


def _production(database: Database) -> list[tuple[object, ...]]:
    with database.session() as session:
        return [
            *session.execute(select(Score.subject_id, Score.score, Score.explanation)),
            *session.execute(select(Cluster.id, Cluster.score)),
            *session.execute(select(IndicatorHit.id, IndicatorHit.weight)),
        ]


def test_rules_eval_metrics() -> None:
    m = confusion({1: True, 2: True, 3: False, 5: True}, {1: True, 2: False, 3: True, 4: False})
    assert (m.tp, m.fp, m.fn, m.tn) == (1, 1, 1, 1)
    assert m.precision == m.recall == m.f1 == 0.5
    assert confusion({}, {1: True}).f1 == 0.0


def test_rules_eval_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "rules", "check")
    assert code == 0 and "target threshold" in out
    broken = _copy_rules(tmp_path, "broken")
    path = broken / "voice.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight:", "wieght:", 1))
    code, _, err = _run(capsys, "rules", "check", "--rules", str(broken))
    assert code == 1 and "voice.yaml" in err and "wieght" in err


@pytest.mark.slow
def test_rules_eval_diff_reports_exactly_the_targets_that_move(
    outreach_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _copy_rules(tmp_path, "old"), _copy_rules(tmp_path, "new")
    before = _production(outreach_db)
    code, out, err = _run(capsys, "rules", "diff", str(old), str(new), "--json")
    assert code == 0, err
    same = json.loads(out)
    assert same["entering"] == same["leaving"] == [] and same["indicator_counts"] == {}
    with outreach_db.session() as session:
        hits = {rule for rule in session.scalars(select(IndicatorHit.rule_id))}
    rule = sorted(hits)[0]
    _set_weight(new, rule, 1.0)
    code, out, err = _run(capsys, "rules", "diff", str(old), str(new), "--json")
    assert code == 0, err
    result = json.loads(out)
    # Expected movers, computed independently: targets under the threshold whose adverts hit
    # the rule and whose score rises past the threshold by the weight change.
    from pipeline.reports.rules_eval.scoring import read_versions, score_rules

    with outreach_db.session() as session:
        scores = score_rules(session, read_versions(session), old)
    delta = 1.0 - next(
        w for hits in scores.advert_rules.values() for r, w in hits.items() if r == rule
    )
    expected = sorted(
        t
        for t, parts in scores.contributions.items()
        if rule in parts and scores.targets[t] < scores.threshold <= scores.targets[t] + delta
    )
    assert expected, "pick a world/rule where the change moves someone"
    assert [c["target"] for c in result["entering"]] == expected
    assert result["leaving"] == []
    assert all(any(rule in why for why in c["why"]) for c in result["entering"])
    assert result["indicator_counts"] == {}  # a weight change moves no hit count
    code, out, _ = _run(capsys, "rules", "diff", str(old), str(new))
    assert code == 0 and expected[0] in out and rule in out
    assert _production(outreach_db) == before


def test_rules_eval_eval_demo_and_jsonl_labels(
    outreach_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _production(outreach_db)
    code, out, err = _run(capsys, "rules", "eval", "--demo-seed", "7", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["labelled_adverts"] > result["positive_adverts"] > 0
    assert "third_person_voice" in result["indicators"]
    assert 0.0 <= result["target_list"]["f1"] <= 1.0
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        '# hand labels\n{"target": "C1", "label": true}\n\n{"advert": "A2", "label": 0}\n'
    )
    code, out, err = _run(capsys, "rules", "eval", "--labels", str(labels))
    assert code == 0 and "target list" in out, err
    labels.write_text('{"advert": "A2"}\n')
    code, _, err = _run(capsys, "rules", "eval", "--labels", str(labels))
    assert code == 1 and "labels.jsonl:1" in err
    assert _run(capsys, "rules", "eval")[0] == 2
    assert _production(outreach_db) == before
