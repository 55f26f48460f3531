"""``python -m summarize.bench --scale``: the local engine vs the Ray engine as input grows.

Part 1, tiny models (CTranslate2 int8, so that the engines' own costs are visible beside
the models'): short synthetic articles (two shuffled seed-corpus sentences each,
so the sentence cache cannot serve them) at three sizes. For each engine and size it
reports articles/s over the whole run, the cost per article in the steady state (the
time after the first batch came back, divided by the articles after it: model loading
and Ray's start-up are fixed costs, not per-article ones; Ray writes one part file per
batch here so the driver hears of every batch), and peak memory (``VmHWM``) of the
driver and of each Ray actor. Each size runs three times (the median is shown; the
machine is shared, so single runs are noisy).

Part 2, the real-size random opus-mt model (:mod:`summarize.bench.models`), translation
only (``extract-translate`` with the full translation), CTranslate2 int8: the local
engine with its default thread layout vs Ray with 2 actors of one thread each.

Every engine runs in its own child process started from this lean parent (the peak
memory of a process is carried over to the processes it spawns); Ray starts once per
child with ``num_cpus`` = the machine's cores. Peak memory is reset before each size
(``/proc/self/clear_refs``), so each size's peak is its own.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from summarize.strategies import DEFAULT_STRATEGY, TRANSLATION_ONLY_STRATEGY

SIZES = (500, 2_000, 10_000)
REAL_ARTICLES = 120
TINY_SETTINGS = {"num_beams": 1, "max_new_tokens": 8}
REAL_SETTINGS = {"num_beams": 1, "max_new_tokens": 24}


# --------------------------------------------------------------------------- workload


def _call(target: str, *args: Any) -> Any:
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


def _in_subprocess(target: str, *args: Any) -> Any:
    """``module:function(*args)`` in a spawned child (this parent never holds a model)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_call, (target, *args))


def synthetic_articles(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` short articles: two seed-corpus sentences with their words shuffled."""
    from summarize.testing.corpus import FALLBACK_INDONESIAN

    rng = random.Random(seed)
    out = []
    for i in range(n):
        sentences = []
        for _ in range(2):
            words = rng.choice(FALLBACK_INDONESIAN).rstrip(".").split()
            rng.shuffle(words)
            sentences.append(" ".join(words).capitalize() + ".")
        out.append({"id": f"a{i}", "text": " ".join(sentences)})
    return out


def write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


# --------------------------------------------------------------------------- memory


def _status_mb(pid: int | str, key: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def reset_peak() -> None:
    """Reset this process's peak RSS (``VmHWM``) so the next measurement is its own."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:  # pragma: no cover - not Linux
        pass


def peak_mb() -> float | None:
    return _status_mb("self", "VmHWM")


class ActorWatch:
    """Samples the peak RSS of the Ray model actors (processes titled
    ``ray::MapWorker(MapBatches(ModelStage))``) on this machine while a run goes on."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self._before: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    title = fh.read(200)
            except OSError:
                continue
            if b"MapBatches(ModelStage)" in title and int(entry) not in self._before:
                mb = _status_mb(entry, "VmHWM")
                if mb is not None:
                    self.peaks[int(entry)] = max(mb, self.peaks.get(int(entry), 0.0))

    def __enter__(self) -> ActorWatch:
        self.sample()  # actors of an earlier run that are still exiting are not this run's
        self._before, self.peaks = set(self.peaks), {}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


# --------------------------------------------------------------------------- children


def _config(spec: dict[str, Any]) -> Any:
    from summarize.config import PipelineConfig, backend_options
    from summarize.types import GenerationSettings

    return PipelineConfig(
        strategy=spec["strategy"],
        mt_model=spec["mt_model"],
        sum_model=spec.get("sum_model"),
        backend=spec["backend"],
        full_translation=True if spec["strategy"] == TRANSLATION_ONLY_STRATEGY else None,
        translation=GenerationSettings(**spec["settings"]),
        summary=GenerationSettings(**spec["settings"]),
        backend_options=backend_options(spec.get("backend_options")),
        # No sentence cache: repeated runs over one input would measure the cache.
        cache_size=0,
    )


def _local_child(spec: dict[str, Any]) -> dict[str, Any]:
    """The local engine over each input file, in this process."""
    from summarize.io import iter_records
    from summarize.pipeline import Pipeline

    pipe = Pipeline(_config(spec))
    start = time.perf_counter()
    pipe.load()
    load_s = time.perf_counter() - start
    out: dict[str, Any] = {"engine": "local", "load_s": round(load_s, 2), "runs": []}
    warmup = synthetic_articles(2 * spec["batch_size"], seed=-1)
    list(pipe.run(warmup, batch_size=spec["batch_size"]))  # first-call costs are not per article
    for path in spec["inputs"]:
        reset_peak()
        reps = []
        for _ in range(spec["repeats"]):
            n = 0
            first_at = first_n = None
            start = time.perf_counter()
            for _result in pipe.run(iter_records([path]), batch_size=spec["batch_size"]):
                n += 1
                if first_at is None and n >= spec["batch_size"]:
                    first_at, first_n = time.perf_counter(), n
            end = time.perf_counter()
            reps.append(_figures(n, start, end, first_at, first_n, None, {}))
        out["runs"].append(_median(reps, peak_mb()))
    return out


def _median(reps: list[dict[str, Any]], driver_peak: float | None) -> dict[str, Any]:
    """The repetitions of one size: median time and cost, the peak memory over all."""
    import statistics

    out = dict(reps[0])
    for key in ("seconds", "articles_per_s", "steady_ms_per_article"):
        values = [r[key] for r in reps if r[key] is not None]
        out[key] = round(statistics.median(values), 2) if values else None
    out["repeats"] = len(reps)
    out["steady_ms_all"] = [r["steady_ms_per_article"] for r in reps]
    out["driver_peak_mb"] = round(driver_peak, 1) if driver_peak else None
    if "actor_peak_mb" in out:
        out["actor_peak_mb"] = max((r["actor_peak_mb"] for r in reps), key=lambda a: max(a or [0]))
    return out


class _FirstBatch:
    """Records when the first results came back, and how many."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.n: int | None = None

    def __call__(self, n: int) -> None:
        if self.at is None:
            self.at, self.n = time.perf_counter(), n


def _ray_child(spec: dict[str, Any]) -> dict[str, Any]:
    """The Ray engine over each input file, this process being the driver."""
    import ray

    from summarize.distributed import RayOptions
    from summarize.distributed import engine as ray_engine

    ray.init(num_cpus=spec["cpus"], include_dashboard=False, log_to_driver=False)
    options = RayOptions(
        actors=spec["actors"], batch_size=spec["batch_size"], rows_per_file=spec["rows_per_file"]
    )
    out: dict[str, Any] = {"engine": "ray", "runs": []}
    with tempfile.TemporaryDirectory(prefix="summarize-scale-") as tmp:
        for k, path in enumerate(spec["inputs"]):
            reset_peak()
            reps = []
            for rep in range(spec["repeats"]):
                first = _FirstBatch()
                start = time.perf_counter()
                with ActorWatch() as watch:
                    summary = ray_engine.run(
                        [path], Path(tmp) / f"out{k}-{rep}", _config(spec), options, on_batch=first
                    )
                end = time.perf_counter()
                n = summary.ok + summary.failed
                actors = sorted(round(v, 1) for v in watch.peaks.values())
                reps.append(
                    _figures(n, start, end, first.at, first.n, None, {"actor_peak_mb": actors})
                )
            out["runs"].append(_median(reps, peak_mb()))
    ray.shutdown()
    return out


def _figures(
    n: int,
    start: float,
    end: float,
    first_at: float | None,
    first_n: int | None,
    peak: float | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    steady = None
    if first_at is not None and first_n is not None and n > first_n:
        steady = (end - first_at) / (n - first_n)
    return {
        "articles": n,
        "seconds": round(end - start, 2),
        "articles_per_s": round(n / (end - start), 2),
        "steady_ms_per_article": round(steady * 1000, 2) if steady else None,
        "driver_peak_mb": round(peak, 1) if peak else None,
        **extra,
    }


def _child_main(kind: str, spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = _local_child(spec) if kind == "local" else _ray_child(spec)
    Path(out_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


def _spawn(kind: str, spec: dict[str, Any], tmp: Path) -> dict[str, Any]:
    spec_path, out_path = tmp / f"{kind}-spec.json", tmp / f"{kind}-out.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    if out_path.exists():
        out_path.unlink()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "summarize.bench.scale", kind, str(spec_path), str(out_path)],
        env=env,
        check=False,
    )
    if proc.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"the {kind} benchmark child failed (exit code {proc.returncode})")
    return dict(json.loads(out_path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- report


def _spread(values: list[float]) -> float | None:
    """Largest relative deviation from the mean, in percent."""
    values = [v for v in values if v]
    if not values:
        return None
    mean = sum(values) / len(values)
    return round(100 * max(abs(v - mean) / mean for v in values), 1)


def render(report: dict[str, Any]) -> str:
    lines = [
        "Scale benchmark: local engine vs Ray, tiny models on CTranslate2 int8, "
        f"median of {report['repeats']} runs per size, {report['cpus']} cores",
        "",
    ]
    lines.append(
        f"{'engine':<6} {'articles':>8} {'wall s':>8} {'art/s':>8} {'steady ms/art':>14} "
        f"{'driver MB':>10}  actor peak MB"
    )
    for part in ("local", "ray"):
        for run in report["tiny"][part]["runs"]:
            actors = ", ".join(str(a) for a in run.get("actor_peak_mb", [])) or "-"
            lines.append(
                f"{part:<6} {run['articles']:>8} {run['seconds']:>8} {run['articles_per_s']:>8} "
                f"{run['steady_ms_per_article']!s:>14} {run['driver_peak_mb']!s:>10}  {actors}"
            )
    lines.append("")
    for part in ("local", "ray"):
        checks = report["checks"][part]
        lines.append(
            f"{part}: steady cost per article spread {checks['cost_spread_pct']}% "
            f"(target within 20%), driver memory largest/smallest "
            f"{checks['driver_growth']}x (target at most 1.5x)"
        )
    real = report.get("real")
    if real:
        lines += [
            "",
            f"Real-size random opus-mt, translation only, {real['articles']} articles, "
            "CTranslate2 int8:",
            f"  local engine (default threads): {real['local_articles_per_s']} articles/s",
            f"  Ray, 2 actors x 1 thread:       {real['ray_articles_per_s']} articles/s "
            f"(steady {real['ray_steady_articles_per_s']} articles/s)",
            f"  ratio Ray/local: {real['ratio']} whole run, {real['steady_ratio']} steady "
            "(target at least 0.8)",
        ]
    lines.append(f"\nTotal {report['seconds']:.0f}s.")
    return "\n".join(lines)


def _growth(runs: list[dict[str, Any]]) -> float | None:
    first, last = runs[0]["driver_peak_mb"], runs[-1]["driver_peak_mb"]
    return round(last / first, 2) if first and last else None


def run_scale(
    sizes: tuple[int, ...] = SIZES,
    *,
    real: bool = True,
    real_articles: int = REAL_ARTICLES,
    repeats: int = 3,
    tiny_dir: str | None = None,
    output_dir: str | None = None,
) -> dict[str, Any]:
    """Run the scaling benchmark; returns the report (also written as JSON/Markdown)."""
    started = time.perf_counter()
    cpus = max(len(os.sched_getaffinity(0)), 1)
    tiny = tiny_dir or os.environ.get("SUMMARIZE_TINY_DIR")
    if not tiny:
        from summarize.engines.ct2 import cache_root

        tiny = str(cache_root() / "tiny")
    paths = _in_subprocess("summarize.testing:build_tiny_models", tiny, ["marian", "bart"])
    report: dict[str, Any] = {"sizes": list(sizes), "cpus": cpus, "repeats": repeats}
    with tempfile.TemporaryDirectory(prefix="summarize-scale-") as tmpdir:
        tmp = Path(tmpdir)
        inputs = [
            str(write_jsonl(synthetic_articles(n, seed=n), tmp / f"articles-{n}.jsonl"))
            for n in sizes
        ]
        spec = {
            "strategy": DEFAULT_STRATEGY,
            "mt_model": paths["marian"],
            "sum_model": paths["bart"],
            "backend": "ctranslate2",
            "settings": TINY_SETTINGS,
            "inputs": inputs,
            "batch_size": 32,
            "rows_per_file": 32,  # one part file per model batch: the driver hears of each
            "repeats": repeats,
            "actors": 2,
            "cpus": cpus,
        }
        report["tiny"] = {"local": _spawn("local", spec, tmp), "ray": _spawn("ray", spec, tmp)}
        report["checks"] = {
            part: {
                "cost_spread_pct": _spread(
                    [r["steady_ms_per_article"] for r in report["tiny"][part]["runs"]]
                ),
                "driver_growth": _growth(report["tiny"][part]["runs"]),
            }
            for part in ("local", "ray")
        }
        if real:
            report["real"] = _real(tmp, real_articles, cpus)
    report["seconds"] = round(time.perf_counter() - started, 1)
    if output_dir:
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "scale.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        (out / "scale.md").write_text(render(report) + "\n", encoding="utf-8")
    return report


def _real(tmp: Path, articles: int, cpus: int) -> dict[str, Any]:
    from summarize.bench.workload import build_workload

    models = _in_subprocess("summarize.bench.models:ensure_bench_models", None, ["opus-mt-id-en"])
    records = build_workload(articles)
    path = str(write_jsonl(records, tmp / "real.jsonl"))
    spec = {
        "strategy": TRANSLATION_ONLY_STRATEGY,
        "mt_model": models["opus-mt-id-en"],
        "backend": "ctranslate2",
        "settings": REAL_SETTINGS,
        "inputs": [path],
        "batch_size": 4,
        "rows_per_file": 4,
        "repeats": 1,
        "actors": 2,
        "cpus": cpus,
    }
    local = _spawn("local", spec, tmp)["runs"][0]
    ray_run = _spawn("ray", spec, tmp)["runs"][0]
    ray_steady = (
        round(1000 / ray_run["steady_ms_per_article"], 2)
        if ray_run["steady_ms_per_article"]
        else None
    )
    local_steady = (
        round(1000 / local["steady_ms_per_article"], 2) if local["steady_ms_per_article"] else None
    )
    return {
        "articles": articles,
        "local_articles_per_s": local["articles_per_s"],
        "local_steady_articles_per_s": local_steady,
        "ray_articles_per_s": ray_run["articles_per_s"],
        "ray_steady_articles_per_s": ray_steady,
        "ratio": round(ray_run["articles_per_s"] / local["articles_per_s"], 2),
        "steady_ratio": round(ray_steady / local_steady, 2)
        if ray_steady and local_steady
        else None,
        "local": local,
        "ray": ray_run,
    }


def main(quick: bool = False, output_dir: str | None = None) -> int:
    """``--scale``: the full run, or with ``quick`` small sizes (a smoke test)."""
    sizes = (20, 80, 400) if quick else SIZES
    report = run_scale(
        sizes,
        real_articles=8 if quick else REAL_ARTICLES,
        repeats=1 if quick else 3,
        output_dir=output_dir,
    )
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1], sys.argv[2], sys.argv[3]))
