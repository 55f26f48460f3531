"""``python -m summarize.bench --scale``: the local engine against the Ray engine, honestly.

*Workload*: the seeds-like workload (:mod:`summarize.bench.workload`: the seed articles,
then word-swapped copies the sentence cache cannot serve), strategy ``extract-translate``
(key sentences picked, then translated) with the real-size random opus-mt
(:mod:`summarize.bench.models`) on CTranslate2 int8 and the **default generation
settings** of :class:`~summarize.config.PipelineConfig` (its beams and output cap, not
greedy decoding). The repair step is off: random weights would flag nearly every
sentence and translate it twice, which a real model does not.

*Alternation*: each round runs the local engine and the Ray engine once each, the order
swapped every round (``--rounds``, at least 3), every run in a fresh child process of
this parent, so load from other processes hits both alike.

*CPU time*: the CPU-seconds (user + system) of the child's whole process tree, read
from ``/proc/<pid>/stat`` just before and just after the measured run: the driver with
all its threads, and every descendant (Ray's GCS, raylet and worker processes, the
model actors), each with the CPU of its children that already exited
(``cutime``/``cstime``). The local engine's run includes loading the models; the Ray
engine's run includes starting the actor pool, which loads them in each actor.
``ray.init`` is not in it: it is start-up, measured apart.

*Start-up*: in a fresh child for each of 1, 2 and 4 actors: ``ray.init`` (a private
instance), then the actor pool ready and the first record written (a one-sentence
article, one record per part file, so the first record is reported as soon as it is
written).

The load average is sampled every 5 seconds during the whole benchmark and reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.strategies import TRANSLATION_ONLY_STRATEGY

ARTICLES = 10
ROUNDS = 3
BATCH_SIZE = 2
STARTUP_ACTORS = (1, 2, 4)
RAY_ACTORS = 2
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# --------------------------------------------------------------------------- CPU time


def _stat(pid: int) -> tuple[int, float] | None:
    """``(parent pid, CPU seconds incl. exited children)`` of ``pid``."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # after the command: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return int(fields[1]), ticks / _TICK


def tree_cpu(root: int | None = None) -> float:
    """CPU seconds of ``root`` (default: this process) and all its living descendants,
    each including its already exited (waited-for) children."""
    root = root or os.getpid()
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            got = _stat(int(entry))
            if got is not None:
                stats[int(entry)] = got
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo.extend(children.get(pid, []))
    return total


class LoadWatch:
    """The 1-minute load average, sampled every ``interval`` seconds."""

    def __init__(self, interval: float = 5.0) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(interval,), daemon=True)

    def _loop(self, interval: float) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(interval)

    def __enter__(self) -> LoadWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        values = self.samples or [os.getloadavg()[0]]
        return {
            "min": round(min(values), 2),
            "mean": round(statistics.fmean(values), 2),
            "max": round(max(values), 2),
        }


# --------------------------------------------------------------------------- children


def write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _config(spec: dict[str, Any]) -> Any:
    from summarize.config import PipelineConfig

    return PipelineConfig.from_dict(spec["config"])


class _FirstBatch:
    """A job's event callback: when the first articles finished, and how many."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.n = 0

    def __call__(self, event: Any) -> None:
        from summarize.jobs import Done

        if self.at is None and isinstance(event, Done):
            self.at, self.n = time.perf_counter(), event.n


def _figures(n: int, start: float, end: float, first: _FirstBatch, cpu: float) -> dict[str, Any]:
    steady = None
    if first.at is not None and n > first.n:
        steady = (end - first.at) / (n - first.n)
    return {
        "articles": n,
        "wall_s": round(end - start, 2),
        "cpu_s": round(cpu, 2),
        "wall_s_per_article": round((end - start) / n, 3) if n else None,
        "cpu_s_per_article": round(cpu / n, 3) if n else None,
        "steady_wall_s_per_article": round(steady, 3) if steady else None,
        "first_batch_s": round(first.at - start, 2) if first.at else None,
    }


def _job(spec: dict[str, Any], output: str, actors: int | None, rows: int) -> Any:
    """The benchmark's job: the local engine (``actors`` ``None``) or the Ray engine."""
    from summarize.distributed import RayOptions
    from summarize.jobs import LOCAL, RAY, Job

    config = _config(spec).replace(batch_size=spec["batch_size"])
    if actors is None:
        return Job(tuple(spec["inputs"]), output, config, engine=LOCAL)
    options = RayOptions(actors=actors, rows_per_file=rows)
    return Job(tuple(spec["inputs"]), output, config, engine=RAY, ray=options)


def _measured(spec: dict[str, Any], actors: int | None, rows: int) -> dict[str, Any]:
    """One job, timed and its process tree's CPU counted."""
    from summarize.jobs import run_job

    with tempfile.TemporaryDirectory(prefix="summarize-scale-") as tmp:
        output = str(Path(tmp) / ("out.jsonl" if actors is None else "out"))
        job = _job(spec, output, actors, rows)
        first = _FirstBatch()
        cpu0, start = tree_cpu(), time.perf_counter()
        summary = run_job(job, on_event=first)
        end, cpu1 = time.perf_counter(), tree_cpu()
    n = summary.ok + summary.failed
    return _figures(n, start, end, first, cpu1 - cpu0)


def _local_child(spec: dict[str, Any]) -> dict[str, Any]:
    """The local engine over the input, in this process: load, then run."""
    return {"engine": "local", **_measured(spec, None, spec["batch_size"])}


def _ray_init(cpus: int) -> Any:
    import logging

    import ray

    ray.init(
        address="local",
        num_cpus=cpus,
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.WARNING,
    )
    return ray


def _ray_child(spec: dict[str, Any]) -> dict[str, Any]:
    """The Ray engine over the input, this process being the driver of a private
    instance; the measured run starts after ``ray.init``."""
    ray = _ray_init(spec["cpus"])
    try:
        figures = _measured(spec, spec["actors"], spec["batch_size"])
    finally:
        ray.shutdown()
    return {"engine": "ray", "actors": spec["actors"], **figures}


def _startup_child(spec: dict[str, Any]) -> dict[str, Any]:
    """``ray.init``, then the actor pool ready and the first record written."""
    cpu0, start = tree_cpu(), time.perf_counter()
    ray = _ray_init(spec["cpus"])
    inited = time.perf_counter()
    first = _FirstBatch()
    try:
        from summarize.jobs import run_job

        with tempfile.TemporaryDirectory(prefix="summarize-scale-") as tmp:
            job = _job({**spec, "batch_size": 1}, str(Path(tmp) / "out"), spec["actors"], 1)
            run_job(job, on_event=first)
            end, cpu1 = time.perf_counter(), tree_cpu()
    finally:
        ray.shutdown()
    return {
        "actors": spec["actors"],
        "ray_init_s": round(inited - start, 2),
        "pool_and_first_record_s": round((first.at or end) - inited, 2),
        "total_s": round((first.at or end) - start, 2),
        "cpu_s": round(cpu1 - cpu0, 2),
    }


_CHILDREN = {"local": _local_child, "ray": _ray_child, "startup": _startup_child}


def _child_main(kind: str, spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = _CHILDREN[kind](spec)
    Path(out_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


def _spawn(kind: str, spec: dict[str, Any], tmp: Path) -> dict[str, Any]:
    spec_path, out_path = tmp / f"{kind}-spec.json", tmp / f"{kind}-out.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    out_path.unlink(missing_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("RAY_ADDRESS", None)
    load = os.getloadavg()[0]
    proc = subprocess.run(
        [sys.executable, "-m", "summarize.bench.scale", kind, str(spec_path), str(out_path)],
        env=env,
        check=False,
    )
    if proc.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"the {kind} benchmark child failed (exit code {proc.returncode})")
    result = dict(json.loads(out_path.read_text(encoding="utf-8")))
    result["load_1min"] = [round(load, 2), round(os.getloadavg()[0], 2)]
    return result


# --------------------------------------------------------------------------- the run


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 3) if values else None


def engine_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds of one engine, and the per-round figures."""
    return {
        "rounds": len(runs),
        "cpu_s_per_article": _median(runs, "cpu_s_per_article"),
        "wall_s_per_article": _median(runs, "wall_s_per_article"),
        "steady_wall_s_per_article": _median(runs, "steady_wall_s_per_article"),
        "cpu_s_per_article_all": [r["cpu_s_per_article"] for r in runs],
        "wall_s_per_article_all": [r["wall_s_per_article"] for r in runs],
        "runs": runs,
    }


def _models(tiny: bool) -> str:
    from summarize.bench.run import _in_subprocess

    if tiny:
        from summarize.engines.ct2 import cache_root

        tiny_dir = os.environ.get("SUMMARIZE_TINY_DIR") or str(cache_root() / "tiny")
        return str(
            _in_subprocess("summarize.testing:build_tiny_models", tiny_dir, ["marian"])["marian"]
        )
    built = _in_subprocess("summarize.bench.models:ensure_bench_models", None, ["opus-mt-id-en"])
    return str(built["opus-mt-id-en"])


def bench_config(mt_model: str) -> Any:
    """The measured pipeline: the default generation settings, CTranslate2 int8."""
    from summarize.config import PipelineConfig

    return PipelineConfig(
        strategy=TRANSLATION_ONLY_STRATEGY,
        mt_model=mt_model,
        backend="ctranslate2",
        device="cpu",
        dtype="int8",
        repair=False,
    )


def run_scale(args: argparse.Namespace) -> dict[str, Any]:
    """Alternated rounds of both engines, then start-up; returns the report."""
    from summarize.bench.run import load_average, machine_info
    from summarize.bench.workload import build_workload

    started = time.perf_counter()
    cpus = max(len(os.sched_getaffinity(0)), 1)
    config = bench_config(_models(args.tiny))
    report: dict[str, Any] = {
        "machine": machine_info(),
        "cpus": cpus,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "load_before": load_average(),
        "workload": {
            "articles": args.articles,
            "batch_size": args.batch_size,
            "ray_actors": args.actors,
            "rounds": args.rounds,
            "models": "tiny" if args.tiny else "real-size random opus-mt-id-en",
            "pipeline": config.to_dict(),
        },
    }
    with tempfile.TemporaryDirectory(prefix="summarize-scale-") as tmpdir, LoadWatch() as load:
        tmp = Path(tmpdir)
        inputs = [str(write_jsonl(build_workload(args.articles), tmp / "articles.jsonl"))]
        spec = {
            "config": config.to_dict(),
            "inputs": inputs,
            "batch_size": args.batch_size,
            "actors": args.actors,
            "cpus": cpus,
        }
        runs: dict[str, list[dict[str, Any]]] = {"local": [], "ray": []}
        for k in range(args.rounds):
            order = ("local", "ray") if k % 2 == 0 else ("ray", "local")
            for kind in order:
                print(f"round {k + 1}/{args.rounds}: {kind}", file=sys.stderr, flush=True)
                runs[kind].append(_spawn(kind, spec, tmp))
        one = [{"id": "start", "text": "Pemerintah kota mengumumkan rencana baru hari ini."}]
        start_spec = {**spec, "inputs": [str(write_jsonl(one, tmp / "one.jsonl"))]}
        startup = []
        for actors in args.startup_actors:
            print(f"start-up: {actors} actor(s)", file=sys.stderr, flush=True)
            startup.append(_spawn("startup", {**start_spec, "actors": actors}, tmp))
    report["local"] = engine_summary(runs["local"])
    report["ray"] = engine_summary(runs["ray"])
    report["startup"] = startup
    report["load_during"] = load.summary()
    report["load_after"] = load_average()
    local_cpu, ray_cpu = report["local"]["cpu_s_per_article"], report["ray"]["cpu_s_per_article"]
    report["ray_cpu_per_article_vs_local"] = (
        round(ray_cpu / local_cpu, 3) if local_cpu and ray_cpu else None
    )
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


# --------------------------------------------------------------------------- report


def render(report: dict[str, Any]) -> str:
    w = report["workload"]
    lines = [
        f"Scale benchmark: {w['articles']} articles per run, -b {w['batch_size']}, "
        f"Ray with {w['ray_actors']} actors, {w['rounds']} alternated rounds, "
        f"{report['cpus']} cores, models: {w['models']}",
        f"load average (1 min) during the run: min {report['load_during']['min']}, "
        f"mean {report['load_during']['mean']}, max {report['load_during']['max']}",
        "",
        f"{'engine':<6} {'CPU s/article':>14} {'wall s/article':>15} {'steady wall':>12}"
        "  per round: CPU s/article | wall s/article",
    ]
    for name in ("local", "ray"):
        s = report[name]
        lines.append(
            f"{name:<6} {s['cpu_s_per_article']!s:>14} {s['wall_s_per_article']!s:>15} "
            f"{s['steady_wall_s_per_article']!s:>12}  {s['cpu_s_per_article_all']} | "
            f"{s['wall_s_per_article_all']}"
        )
    lines += [
        f"Ray CPU per article / local: {report['ray_cpu_per_article_vs_local']}",
        "",
        f"{'actors':>6} {'ray.init s':>11} {'pool + first record s':>22} {'total s':>8} {'CPU s':>7}",
    ]
    for s in report["startup"]:
        lines.append(
            f"{s['actors']:>6} {s['ray_init_s']:>11} {s['pool_and_first_record_s']:>22} "
            f"{s['total_s']:>8} {s['cpu_s']:>7}"
        )
    lines.append(f"\nTotal {report['seconds']:.0f} s.")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m summarize.bench --scale",
        description="Local engine vs Ray engine in alternation: CPU-seconds and wall time "
        "per article, and Ray start-up with 1, 2 and 4 actors.",
    )
    p.add_argument("--articles", type=int, default=ARTICLES, help=f"per run ({ARTICLES})")
    p.add_argument("--rounds", type=int, default=ROUNDS, help=f"of each engine ({ROUNDS})")
    p.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"-b ({BATCH_SIZE})")
    p.add_argument("--actors", type=int, default=RAY_ACTORS, help=f"Ray actors ({RAY_ACTORS})")
    p.add_argument(
        "--startup-actors",
        type=lambda s: tuple(int(x) for x in s.split(",")),
        default=STARTUP_ACTORS,
        help="actor counts whose start-up is measured (1,2,4)",
    )
    p.add_argument("--tiny", action="store_true", help="the tiny test models (smoke test)")
    p.add_argument("--quick", action="store_true", help="small and short (smoke test)")
    p.add_argument("--output-dir", default="bench/results", help="default: bench/results")
    args = p.parse_args(argv)
    if args.quick:
        args.articles, args.rounds, args.startup_actors = 4, 1, (1,)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """``--scale``: alternated rounds, start-up; the report as JSON and text."""
    args = parse_args(argv)
    report = run_scale(args)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"scale-{stamp}.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    text = render(report)
    (out / f"scale-{stamp}.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"results in {out / f'scale-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1], sys.argv[2], sys.argv[3]))
