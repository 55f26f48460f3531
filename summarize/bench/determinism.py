"""``python -m summarize.bench --determinism``: the same records whatever the engine, the
actor count, the batch size or an interruption, with the benchmark's real-size model.

Runs ``summarize run`` (the command line, in child processes) over the same input five
ways, in the default mode (``batching = "article"``):

* the local engine with ``-b 3`` (the reference) and with ``-b 8``;
* the Ray engine (a private instance) with 1 actor (``-b 3``) and with 2 actors (``-b 1``:
  one article per batch, so that both actors translate some);
* the local engine with ``-b 1``, killed with SIGKILL twice (after the first and after
  the second record reached the output) and resumed to the end.

and counts, for each way, the records that are byte-identical to the reference's as
written (JSON), apart from ``timings`` and the batch size in ``settings``.

Models: the real-size random opus-mt (:mod:`summarize.bench.models`) on CTranslate2
int8 (``--tiny``: the tiny test models). Workload: the first ``--articles`` seed articles,
strategy ``extract-translate`` with the full translation, the default generation
settings (no repair step: random weights would flag nearly every sentence).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The ways, each ``(name, engine arguments)``; the first is the reference.
WAYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("local -b 3", ("-b", "3")),
    ("local -b 8", ("-b", "8")),
    ("ray, 1 actor, -b 3", ("--engine", "ray", "--actors", "1", "-b", "3")),
    # -b 1: every article a batch of its own, so both actors get some
    ("ray, 2 actors, -b 1", ("--engine", "ray", "--actors", "2", "-b", "1")),
)
KILLED = "local -b 1, killed twice (SIGKILL) and resumed"


def comparable(record: dict[str, Any]) -> str:
    """A written record without what may differ: its timings and the batch size in its
    settings (key order kept as written)."""
    record = {k: v for k, v in record.items() if k != "timings"}
    if isinstance(record.get("settings"), dict):
        record["settings"] = {k: v for k, v in record["settings"].items() if k != "batch_size"}
    return json.dumps(record, ensure_ascii=False)


def read_output(path: Path) -> dict[str, str]:
    """The records of a JSONL file or a Ray output directory, by id (each id once)."""
    if path.is_dir():
        from summarize.distributed import read_results

        rows = list(read_results(path))
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    out: dict[str, str] = {}
    for row in rows:
        if row["id"] in out:
            raise AssertionError(f"{row['id']} written twice in {path}")
        out[row["id"]] = comparable(row)
    return out


def _env() -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("RAY_ADDRESS", None)
    return env


def _run(base: list[str], out: Path, extra: Sequence[str]) -> float:
    cmd = [*base, "-o", str(out), *extra]
    if "--engine" in extra:
        cmd += ["--output-format", "jsonl"]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not out.exists():
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _kill_after(cmd: list[str], out: Path, lines: int, timeout: float) -> int:
    """Start ``cmd``; SIGKILL it once ``out`` holds ``lines`` records; the count then."""
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while _lines(out) < lines:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"the run ended (exit {proc.returncode}) before the kill: {err}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {lines} records within {timeout:g} s")
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return _lines(out)


def killed_and_resumed(base: list[str], out: Path, timeout: float = 1800.0) -> dict[str, Any]:
    """``-b 1``, killed after the first and after the second record, then resumed."""
    cmd = [*base, "-o", str(out), "-b", "1"]
    start = time.perf_counter()
    first = _kill_after(cmd, out, 1, timeout)
    second = _kill_after([*cmd, "--resume"], out, first + 1, timeout)
    done = subprocess.run(
        [*cmd, "--resume"], env=_env(), capture_output=True, text=True, check=False
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"the resumed run exited {done.returncode}: {done.stderr[-2000:]}")
    return {"killed_at_records": [first, second], "seconds": time.perf_counter() - start}


def _models(tiny: bool) -> str:
    from summarize.bench.run import _in_subprocess

    if tiny:
        from summarize.engines.ct2 import cache_root

        tiny_dir = os.environ.get("SUMMARIZE_TINY_DIR") or str(cache_root() / "tiny")
        built = _in_subprocess("summarize.testing:build_tiny_models", tiny_dir, ["marian"])
        return str(built["marian"])
    built = _in_subprocess("summarize.bench.models:ensure_bench_models", None, ["opus-mt-id-en"])
    return str(built["opus-mt-id-en"])


def check(args: argparse.Namespace) -> dict[str, Any]:
    """Every way over the same input; identical-record counts against the reference."""
    from summarize.bench.workload import build_workload
    from summarize.strategies import TRANSLATION_ONLY_STRATEGY

    mt = _models(args.tiny)
    report: dict[str, Any] = {"articles": args.articles, "models": "tiny" if args.tiny else mt}
    with tempfile.TemporaryDirectory(prefix="summarize-determinism-") as tmpdir:
        tmp = Path(tmpdir)
        src = tmp / "articles.jsonl"
        src.write_text(
            "".join(
                json.dumps(r, ensure_ascii=False) + "\n" for r in build_workload(args.articles)
            ),
            encoding="utf-8",
        )
        base = [sys.executable, "-m", "summarize", "run", str(src), "--mt-model", mt]
        base += ["-s", TRANSLATION_ONLY_STRATEGY, "--full-translation", "--no-repair"]
        base += ["--backend", "ctranslate2", "--dtype", "int8", "--no-progress"]
        got: dict[str, dict[str, str]] = {}
        seconds: dict[str, float] = {}
        for k, (name, extra) in enumerate(WAYS):
            print(f"determinism: {name}", file=sys.stderr, flush=True)
            out = tmp / (f"way{k}" + ("" if "--engine" in extra else ".jsonl"))
            seconds[name] = round(_run(base, out, extra), 1)
            got[name] = read_output(out)
        print(f"determinism: {KILLED}", file=sys.stderr, flush=True)
        killed = killed_and_resumed(base, tmp / "killed.jsonl")
        seconds[KILLED] = round(killed["seconds"], 1)
        got[KILLED] = read_output(tmp / "killed.jsonl")
        report["killed_at_records"] = killed["killed_at_records"]
    reference = got[WAYS[0][0]]
    report["ways"] = {
        name: {
            "identical_records": sum(records.get(i) == r for i, r in reference.items()),
            "records": len(reference),
            "ids_match": records.keys() == reference.keys(),
            "seconds": seconds[name],
        }
        for name, records in got.items()
    }
    report["all_identical"] = all(
        w["identical_records"] == w["records"] and w["ids_match"] for w in report["ways"].values()
    )
    return report


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m summarize.bench --determinism",
        description="Same records from local -b 3/-b 8, Ray with 1 and 2 actors, and a "
        "run killed twice and resumed (real-size random opus-mt, CTranslate2 int8).",
    )
    p.add_argument("--articles", type=int, default=4, help="seed articles (default 4)")
    p.add_argument("--tiny", action="store_true", help="the tiny test models (smoke test)")
    p.add_argument("--output-dir", default="bench/results", help="default: bench/results")
    args = p.parse_args(argv)
    started = time.perf_counter()
    report = check(args)
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"determinism-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for name, way in report["ways"].items():
        print(f"{name}: {way['identical_records']}/{way['records']} identical ({way['seconds']} s)")
    print(f"all identical: {report['all_identical']}; results in {path}")
    return 0 if report["all_identical"] else 1
