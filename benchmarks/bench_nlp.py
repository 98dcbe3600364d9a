"""The whole NLP stage on 10,000 demo adverts: now against the previous version, each component
against the library it wraps, and `scout analyse`'s process pool against one process.

Run: ``make bench BENCH=nlp``. Absolute rates swing 2x between machines, so every row has a
reference measured in the same run and a ratio:

- full chain: the previous version (git commit ``PREVIOUS``, unpacked with ``git archive``)
  runs the same child measurement on the same texts; ``speed-up x`` is previous / now CPU
  time. Without git history (a shallow CI clone) the row says so.
- components: the tokenizer against a blank spaCy tokenizer, contacts against
  phonenumbers' ``PhoneNumberMatcher``, language against py3langid's ``classify``, fields
  against a blank spaCy tokenizer (they wrap no library), indicators against a
  ``PhraseMatcher`` holding the same phrases; all on the same texts, CPU time.
- process pool: wall time of ``analyse_texts_parallel`` with 1 and with 2 workers, each in a
  fresh process, start-up included.

The full chain runs in fresh child processes (one process, one core), so their peak RSS is
the NLP stage's alone.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
if __name__ != "__main__":  # a child gets its tree (this one or the previous version) on PYTHONPATH
    sys.path.insert(0, str(ROOT))  # the working copy, not an older installed copy of the package

TITLE = "NLP stage on 10,000 demo adverts: now vs previous version, components vs the libraries"
ADVERTS = int(os.environ.get("BENCH_NLP_ADVERTS", "10000"))
R = TypeVar("R")
PREVIOUS = "d3eba7f"  # the version before the speed work of issue 19
POOL_ADVERTS = 20_000  # enough that the workers' start-up (~2.5 CPU-s each) is not all
REPEATS = 2  # runs of the full chain, now and before taking turns


def demo_texts(n: int = ADVERTS, seed: int = 7) -> list[str]:
    """Title and text of each advert's first version, as ``scout analyse`` reads them."""
    from demo import iter_adverts

    return [f"{a['title']}\n\n{a['text']}" for a in iter_adverts(n, seed=seed)]


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(texts_file: str) -> dict:
    """Run in a fresh process: the full chain over the texts in ``texts_file``, timed.

    Uses only ``nlp.pipeline.analyse_texts``, so the previous version's tree can run it too.
    """
    from nlp.pipeline import analyse_texts

    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    list(analyse_texts(texts[:50]))  # load models and rules outside the timing
    before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    found = sum(len(result.contacts) for result in analyse_texts(texts))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"adverts": len(texts), "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "contacts": found, "rss_before_mb": before, "peak_rss_mb": _rss_mb()}  # fmt: skip


def previous_tree(into: Path, commit: str = PREVIOUS) -> str | None:
    """Unpack ``commit`` of this repository into ``into``; the reason when that is impossible."""
    try:
        with subprocess.Popen(
            ["git", "-C", str(ROOT), "archive", commit],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        ) as git:
            assert git.stdout is not None
            with tarfile.open(fileobj=git.stdout, mode="r|") as archive:
                archive.extractall(into, filter="data")
    except (OSError, tarfile.TarError):
        return f"{commit} not in this checkout's git history"
    if git.returncode != 0:
        return f"{commit} not in this checkout's git history"
    return None


def _run_child(tree: Path, texts_file: Path, mode: str = "--child", *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-P", __file__, mode, str(texts_file), *args]
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def _full_row(label: str, full: dict) -> dict:
    return {
        "stage": label, "adverts": full["adverts"], "cpu_seconds": full["cpu_seconds"],
        "ms_per_advert": round(1000 * full["cpu_seconds"] / full["adverts"], 3),
        "adverts_per_cpu_s": round(full["adverts"] / full["cpu_seconds"]),
        "adverts_per_s": round(full["adverts"] / full["seconds"]),
        "peak_rss_mb": full["peak_rss_mb"],
    }  # fmt: skip


def full_chain(texts: list[str]) -> list[dict]:
    """The full chain now and at ``PREVIOUS``, each in fresh children on the same texts.

    Now and before take turns, ``REPEATS`` times each, and the least CPU time of each counts:
    other jobs on a shared machine only ever add time.
    """
    label = f"full chain, previous version ({PREVIOUS})"
    runs: dict[str, list[dict]] = {"now": [], "before": []}
    with tempfile.TemporaryDirectory(prefix="bench_nlp_") as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        missing = previous_tree(Path(tmp) / "previous")
        trees = {"now": ROOT} if missing else {"now": ROOT, "before": Path(tmp) / "previous"}
        for _ in range(REPEATS):
            for key, tree in trees.items():
                runs[key].append(_run_child(tree, texts_file))
    fastest = {key: min(found, key=lambda run: run["cpu_seconds"]) for key, found in runs.items()
               if found}  # fmt: skip
    now = _full_row("full chain (contacts, language, fields, indicators)", fastest["now"])
    if missing:
        return [now, {"stage": label, "reference": f"not measured: {missing}"}]
    before = _full_row(label, fastest["before"])
    now["reference"] = before["stage"]
    now["speed-up x"] = round(before["cpu_seconds"] / now["cpu_seconds"], 2)
    return [now, before]


def timed(work: Callable[[], R]) -> tuple[R, float]:
    """The result of one call and its CPU time (this process only: other jobs do not count).

    The garbage collector is off meanwhile, as in ``timeit``: its passes cost in proportion
    to everything alive, which differs between a component and its reference.
    """
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        result = work()
        return result, time.process_time() - started
    finally:
        gc.enable()


def references(texts: list[str]) -> dict[str, tuple[str, Callable[[], object]]]:
    """Per component: the bare library call it wraps, as (label, work over ``texts``)."""
    import phonenumbers
    import spacy
    from spacy.matcher import PhraseMatcher

    from nlp.language import DEFAULT_LANGUAGES
    from nlp.language_backends import Py3LangIdBackend
    from nlp.pipeline import build_pipeline

    blank = spacy.blank("da")
    identifier = Py3LangIdBackend(DEFAULT_LANGUAGES)._identifier  # Scout's languages, same model
    phrases = PhraseMatcher(blank.vocab, attr="LOWER")
    for rule in build_pipeline().get_pipe("scout_indicators").rules.by_kind("text"):
        for lang, words in rule.phrases.items():
            phrases.add(f"{rule.id}|{lang}", list(blank.tokenizer.pipe(words)))
    docs = [blank.make_doc(text) for text in texts]

    def matcher() -> None:
        for text in texts:
            list(phonenumbers.PhoneNumberMatcher(text, "DK"))

    tokenize = ("blank spaCy tokenizer", lambda: [blank.make_doc(text) for text in texts])
    return {
        "tokenizer": tokenize,
        "scout_contacts": ("phonenumbers PhoneNumberMatcher", matcher),
        "scout_language": ("py3langid classify", lambda: [identifier.classify(t) for t in texts]),
        "scout_fields": tokenize,
        "scout_indicators": ("PhraseMatcher, same phrases", lambda: [phrases(d) for d in docs]),
    }


def _each(component: Callable, docs: Iterable) -> list:
    # components with a pipe() (batched work) are measured the way nlp.pipe calls them
    pipe = getattr(component, "pipe", None)
    return list(pipe(docs)) if pipe else [component(doc) for doc in docs]


def component_split(texts: list[str]) -> list[dict]:
    """CPU time of the tokenizer and of each component over all texts, and of its reference."""
    from nlp.pipeline import build_pipeline, prepare_text

    nlp = build_pipeline()
    clean = [prepare_text(text)[0] for text in texts]
    spent: dict[str, float] = {}
    for text in clean:  # the vocabulary warm, as in a long run and as for the references
        nlp.make_doc(text)
    docs, spent["tokenizer"] = timed(lambda: [nlp.make_doc(text) for text in clean])
    for name, component in nlp.pipeline:
        docs, spent[name] = timed(partial(_each, component, docs))
    total = sum(spent.values())
    rows = []
    for name, (label, work) in references(clean).items():
        seconds, reference = spent[name], timed(work)[1]
        rows.append({
            "stage": f"  {name}", "adverts": len(texts), "cpu_seconds": round(seconds, 2),
            "ms_per_advert": round(1000 * seconds / len(texts), 3),
            "share_pct": round(100 * seconds / total, 1), "reference": label,
            "reference_ms": round(1000 * reference / len(texts), 3),
            "x reference": round(seconds / reference, 2),
        })  # fmt: skip
    return rows


def pool_child(texts_file: str, workers: int) -> dict:
    """Run in a fresh process: wall time of the whole analysis, start-up included (loading
    the pipeline here, or in each worker), as ``scout analyse`` would spend it."""
    started = time.perf_counter()
    from nlp.parallel import analyse_texts_parallel

    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    found = sum(len(r.contacts) for r in analyse_texts_parallel(texts, workers=workers))
    cpu = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))  # fmt: skip
    return {"adverts": len(texts), "seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(cpu, 2), "contacts": found}  # fmt: skip


def pool_rows(texts: list[str]) -> list[dict]:
    """Wall time of the analysis of the same texts in 1 and in 2 worker processes."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_pool_") as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        for workers in (1, 2):
            run = _run_child(ROOT, texts_file, "--pool", str(workers))
            rows.append({"stage": f"process pool, {workers} worker(s), wall incl. start-up",
                         "adverts": run["adverts"], "seconds": run["seconds"],
                         "cpu_seconds": run["cpu_seconds"],
                         "adverts_per_s": round(run["adverts"] / run["seconds"]),
                         "contacts": run["contacts"]})  # fmt: skip
    rows[1]["reference"] = "1 worker"
    rows[1]["speed-up x"] = round(rows[0]["seconds"] / rows[1]["seconds"], 2)
    return rows


def run() -> list[dict]:
    """Full chain now and before, one row per component, then the process pool."""
    texts = demo_texts()
    return full_chain(texts) + component_split(texts) + pool_rows(demo_texts(POOL_ADVERTS))


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    print(json.dumps(child(sys.argv[2])))
elif __name__ == "__main__" and sys.argv[1:2] == ["--pool"]:
    print(json.dumps(pool_child(sys.argv[2], int(sys.argv[3]))))
