"""Does a speed change keep the NLP stage's results? One hash over every analysis of many texts.

Run it with one tree, then another, and compare the printed digests::

    PYTHONPATH=/work/main python -P benchmarks/nlp_equality.py --save /tmp/main.json
    PYTHONPATH=$PWD python -P benchmarks/nlp_equality.py --compare /tmp/main.json

The texts: the demo world's adverts, upper- and swapped-case copies of some of them, empty,
markup, over-long and hostile texts, and every string in the peer suites and in ``tests/nlp``'s case
files (inputs and expectations alike: more odd texts). Each ``AdvertAnalysis`` is hashed by
its ``repr`` (contacts, language, fields, indicator hits and the flags); ``--compare`` names
the texts whose analysis differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PEER = Path(os.environ.get("SCOUT_PEER_TESTDATA") or ROOT.parent / "shared" / "testdata" / "peer")
DEMO_ADVERTS, CASE_COPIES = 10_000, 3_000


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _case_file_strings(folder: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".jsonl":
            lines = path.read_text("utf-8").splitlines()
            found += [s for line in lines if line.strip() for s in _strings(json.loads(line))]
        elif path.suffix in (".yaml", ".yml"):
            found += list(_strings(yaml.safe_load(path.read_text("utf-8"))))
    return found


def texts() -> list[str]:
    """The texts checked, in a fixed order."""
    from demo import iter_adverts

    demo = [f"{a['title']}\n\n{a['text']}" for a in iter_adverts(DEMO_ADVERTS, seed=7)]
    odd = ["", " ", "\n\n", "12345678", "<b>ring</b> 20 12 34 56", "x" * 120_000 + " 20123456"]
    # hostile ones, which run out the limits (parse budget, runs, edits) on the way
    odd += ["12 " * 6000, "2 0 1 2 3 4 " * 900, "en to tre fire " * 800, "1O l2 oo " * 1500,
            "+45 20 " * 900, "ring 20 12 kl 18 34 56 " * 400, "2fire5seks1nul " * 600,
            "12 34 56 78 90 12 34 56 78, " * 300, "20 12 34 56, " + "1 2 3, " * 900 + "30 91 18 62",
            "11 22, " * 3000 + "+45 30 91 18 62"]  # fmt: skip
    cases = _case_file_strings(PEER) + _case_file_strings(ROOT / "tests" / "nlp")
    unique_cases = sorted(set(cases))
    copies = [t.upper() for t in demo[:CASE_COPIES]] + [t.swapcase() for t in demo[-CASE_COPIES:]]
    return demo + copies + odd + unique_cases


def digests() -> list[str]:
    """One SHA-256 a text, of the repr of its analysis by the tree on the path."""
    from nlp.pipeline import analyse_texts

    return [hashlib.sha256(repr(a).encode()).hexdigest() for a in analyse_texts(texts())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save", type=Path, help="write the per-text digests here")
    parser.add_argument("--compare", type=Path, help="per-text digests saved from another tree")
    args = parser.parse_args()
    found = digests()
    total = hashlib.sha256("".join(found).encode()).hexdigest()
    print(f"{len(found)} texts, results digest {total}")
    if args.save:
        args.save.write_text(json.dumps(found), encoding="utf-8")
    if args.compare:
        saved = json.loads(args.compare.read_text(encoding="utf-8"))
        checked = texts()
        differ = [i for i, (a, b) in enumerate(zip(saved, found, strict=True)) if a != b]
        for i in differ[:20]:
            print(f"differs: text {i}: {checked[i][:100]!r}")
        print(f"{len(differ)} of {len(found)} analyses differ")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
