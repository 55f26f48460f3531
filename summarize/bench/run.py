"""``python -m summarize.bench``: plain transformers vs the project's fast path.

(a) *baseline*: what a user would write with transformers: sentences in fixed batches of
16 in input order, no cache, float32, ``model.generate`` with the model's own beam size;
the summariser gets each translated article packed into chunks that fit its 1,024-token
window (no truncation, like the project) and the chunk summaries are summarised again.

(b) *fast*: the real :class:`~summarize.pipeline.Pipeline` with ``backend="ctranslate2"``,
int8, length-sorted batches with a token budget, the sentence cache and the default
thread layout.

Both use the same beam sizes and the same fixed ``max_new_tokens`` (the Translator's
ratio-based output cap is switched off, so it cannot give the fast path shorter outputs),
and count the tokens they actually generated (random models rarely emit EOS). Every
system runs in its own process (peak RSS is that process's ``ru_maxrss``); the two
pipeline workers process the articles in alternation, one round at a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from summarize.bench.isa import ct2_dispatch, describe, host_isa
from summarize.bench.report import ratio, write_report
from summarize.bench.workers import SystemSpec, worker_main
from summarize.bench.workload import build_workload
from summarize.config import PipelineConfig

logger = logging.getLogger("summarize.bench")


class BenchError(RuntimeError):
    pass


class Worker:
    """A system under test in its own (spawned) process."""

    def __init__(self, spec: SystemSpec) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.spec = spec
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, spec), daemon=True)
        self.proc.start()
        child.close()

    def call(self, command: str, payload: Any = None) -> Any:
        self.conn.send((command, payload))
        try:
            status, value = self.conn.recv()
        except EOFError as exc:
            self.proc.join(5)
            raise BenchError(
                f"worker '{self.spec.label}' died (exit code {self.proc.exitcode})"
            ) from exc
        if status != "ok":
            raise BenchError(f"worker '{self.spec.label}' failed: {value}")
        return value

    def finish(self) -> dict[str, Any]:
        try:
            return dict(self.call("finish"))
        finally:
            self.proc.join(30)
            if self.proc.is_alive():  # pragma: no cover
                self.proc.kill()


# --------------------------------------------------------------------------- helpers


def machine_info() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count() or 1
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("torch", "transformers", "ctranslate2"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # pragma: no cover
            versions[name] = None
    return {
        "cpu": model,
        "cores": cores,
        "memory_gb": mem_gb,
        "isa": host_isa(),
        "versions": versions,
        "platform": platform.platform(),
    }


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover
        return None


def _sum(rounds: list[dict[str, Any]], key: str) -> float:
    return float(sum(r.get(key, 0) or 0 for r in rounds))


def summarize_rounds(rounds: list[dict[str, Any]], articles: int) -> dict[str, Any]:
    wall = _sum(rounds, "wall_s")
    tr_s, tr_tok = _sum(rounds, "translate_s"), _sum(rounds, "translate_tokens")
    out: dict[str, Any] = {
        "articles": articles,
        "sentences": int(_sum(rounds, "sentences")),
        "wall_s": round(wall, 2),
        "articles_per_min": round(articles / wall * 60, 2) if wall else None,
        "translate_s": round(tr_s, 2),
        "translate_tokens": int(tr_tok),
        "translate_tokens_per_s": round(tr_tok / tr_s, 1) if tr_s else None,
        "first_result_s": round(rounds[0]["wall_s"], 2) if rounds else None,
        "peak_rss_mb": max((r.get("peak_rss_mb", 0) for r in rounds), default=None),
        "cache_hits": int(_sum(rounds, "cache_hits")),
    }
    if any("summarize_s" in r for r in rounds):
        sm_s, sm_tok = _sum(rounds, "summarize_s"), _sum(rounds, "summarize_tokens")
        out.update(
            summarize_s=round(sm_s, 2),
            summarize_tokens=int(sm_tok),
            summarize_tokens_per_s=round(sm_tok / sm_s, 1) if sm_s else None,
            summary_calls=int(_sum(rounds, "summary_calls")),
            empty_summaries=int(_sum(rounds, "empty_summaries")),
            total_tokens_per_s=round((tr_tok + sm_tok) / wall, 1) if wall else None,
        )
    return out


def run_interleaved(
    specs: Sequence[SystemSpec], rounds: list[list[dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """Run ``specs`` side by side: set each up, then hand out the rounds in alternation
    (the order rotates every round). Returns label -> {setup, rounds, finish}."""
    workers = [Worker(s) for s in specs]
    out: dict[str, dict[str, Any]] = {}
    try:
        for w in workers:  # one at a time, so load times are not contended
            logger.info("loading %s", w.spec.label)
            out[w.spec.label] = {"setup": w.call("setup"), "rounds": []}
        for i, batch in enumerate(rounds):
            order = workers[i % len(workers) :] + workers[: i % len(workers)]
            for w in order:
                result = w.call("round", batch)
                out[w.spec.label]["rounds"].append(result)
                logger.info(
                    "round %d/%d %-28s %6.1fs", i + 1, len(rounds), w.spec.label, result["wall_s"]
                )
        for w in workers:
            out[w.spec.label]["finish"] = w.finish()
    finally:
        for w in workers:
            if w.proc.is_alive():
                w.proc.kill()
    return out


def _call(target: str, *args: Any) -> Any:
    import importlib

    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


def _in_subprocess(target: str, *args: Any) -> Any:
    """``module:function(*args)`` in a spawned child process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_call, (target, *args))


def _rounds(records: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [records[i : i + size] for i in range(0, len(records), size)]


# --------------------------------------------------------------------------- parts


def part_translation(
    base: SystemSpec, fast: SystemSpec, records: list[dict[str, Any]], round_size: int
) -> dict[str, Any]:
    """Translation alone: processes that hold only the translator, same sentences."""
    specs = [
        replace(base, translate_only=True, label="baseline-translate"),
        replace(fast, translate_only=True, label="fast-translate"),
    ]
    res = run_interleaved(specs, _rounds(records, round_size))
    out: dict[str, Any] = {}
    for spec in specs:
        r = res[spec.label]
        summary = summarize_rounds(r["rounds"], len(records))
        summary["load_s"] = round(r["setup"].get("load_mt_s", 0.0), 2)
        summary["peak_rss_mb"] = r["finish"]["peak_rss_mb"]
        summary["vm_hwm_mb"] = r["finish"].get("vm_hwm_mb")
        summary["setup"] = r["setup"]
        summary["per_round_tokens_per_s"] = [
            round(x["translate_tokens"] / x["translate_s"], 1)
            for x in r["rounds"]
            if x.get("translate_s")
        ]
        out[spec.system] = summary
    out["median_round_speedup"] = _median_ratio(
        res[specs[1].label]["rounds"],
        res[specs[0].label]["rounds"],
        "translate_tokens",
        "translate_s",
    )
    return out


def _median_ratio(
    a: list[dict[str, Any]], b: list[dict[str, Any]], num: str, den: str
) -> float | None:
    """Median over rounds of rate(a) / rate(b), the rate being ``num / den``."""
    values = [
        (x[num] / x[den]) / (y[num] / y[den])
        for x, y in zip(a, b, strict=True)
        if x.get(den) and y.get(den) and y.get(num)
    ]
    return round(statistics.median(values), 3) if values else None


def part_pipeline(
    base: SystemSpec, fast: SystemSpec, records: list[dict[str, Any]], round_size: int
) -> dict[str, Any]:
    res = run_interleaved([base, fast], _rounds(records, round_size))
    out: dict[str, Any] = {}
    for spec in (base, fast):
        r = res[spec.label]
        summary = summarize_rounds(r["rounds"], len(records))
        summary["load_mt_s"] = round(r["setup"].get("load_mt_s", 0.0), 2)
        summary["load_sum_s"] = round(r["setup"].get("load_sum_s", 0.0), 2)
        summary["peak_rss_mb"] = r["finish"]["peak_rss_mb"]
        summary["vm_hwm_mb"] = r["finish"].get("vm_hwm_mb")
        summary["setup"] = r["setup"]
        summary["per_round_wall_s"] = [round(x["wall_s"], 2) for x in r["rounds"]]
        out[spec.system] = summary
    per_round = [
        b["wall_s"] / f["wall_s"]
        for b, f in zip(res[base.label]["rounds"], res[fast.label]["rounds"], strict=True)
        if f["wall_s"]
    ]
    out["median_round_speedup"] = round(statistics.median(per_round), 2) if per_round else None
    return out


def part_ablations(
    base: SystemSpec, fast: SystemSpec, records: list[dict[str, Any]], repeats: int
) -> dict[str, Any]:
    """Translation only: the fast path with one optimisation off at a time.

    Every round is the whole workload in one ``translate`` call (so batching and sorting
    work across articles, as with ``Pipeline.run(batch_size=8)``), repeated ``repeats``
    times with the sentence cache emptied before each round (the cache is measured
    separately); the variants take turns within each round. Reported: median tokens/s
    and the median over rounds of (all on / variant).
    """
    t = replace(fast, translate_only=True, fresh_cache=True)
    reference = "fast (all on)"
    variants = [
        replace(t, label=reference),
        replace(t, label="no int8 (ct2 float32)").with_config(dtype="float32"),
        replace(t, label="no length sorting", sort_batches=False),
        replace(t, label="threads intra=cores, inter=1").with_config(
            backend_options={"threads": fast_cores(), "inter_threads": 1}
        ),
        replace(t, label="max_batch_size 8", max_batch_size=8),
        replace(t, label="max_batch_size 32 (old default)", max_batch_size=32),
        replace(t, label="transformers backend (fp32)").with_config(
            backend="transformers", dtype="float32", backend_options={}
        ),
        replace(base, translate_only=True, label="baseline (plain transformers)"),
    ]
    res = run_interleaved(variants, [records] * repeats)
    ref_rounds = res[reference]["rounds"]
    table = {}
    for spec in variants:
        rounds = res[spec.label]["rounds"]
        s = summarize_rounds(rounds, len(records) * repeats)
        rates = [r["translate_tokens"] / r["translate_s"] for r in rounds if r.get("translate_s")]
        s["median_tokens_per_s"] = round(statistics.median(rates), 1) if rates else None
        s["round_tokens_per_s"] = [round(x, 1) for x in rates]
        s["speedup_of_all_on"] = _median_ratio(
            ref_rounds, rounds, "translate_tokens", "translate_s"
        )
        s["peak_rss_mb"] = res[spec.label]["finish"]["peak_rss_mb"]
        table[spec.label] = s
    return table


def part_cache_repeats(
    fast: SystemSpec, articles: int, seeds_dir: str | None, round_size: int
) -> dict[str, Any]:
    """The sentence cache on verbatim repeated articles (the best case for it)."""
    records = build_workload(articles, seeds_dir, exact=True)
    t = replace(fast, translate_only=True)
    variants = [
        replace(t, label="cache on (verbatim repeats)"),
        replace(t, label="cache off (verbatim repeats)").with_config(cache_size=0),
    ]
    res = run_interleaved(variants, _rounds(records, round_size))
    return {s.label: summarize_rounds(res[s.label]["rounds"], len(records)) for s in variants}


def part_pipeline_variants(
    fast: SystemSpec, records: list[dict[str, Any]], round_size: int
) -> dict[str, Any]:
    """Whole pipeline: streaming vs one batch, extract-translate, threads, int8."""
    streaming = replace(fast, label="translate-summarize, streaming")
    variants = [
        streaming,
        replace(fast, label="extract-translate (lead-3)").with_config(strategy="extract-translate"),
        replace(fast, label="threads intra=cores, inter=1").with_config(
            backend_options={"threads": fast_cores(), "inter_threads": 1}
        ),
        replace(fast, label="no int8 (ct2 float32)").with_config(dtype="float32"),
    ]
    res = run_interleaved(variants, _rounds(records, round_size))
    one = replace(fast, label="translate-summarize, one batch")
    res.update(run_interleaved([one], [records]))
    out = {}
    for spec in [*variants, one]:
        s = summarize_rounds(res[spec.label]["rounds"], len(records))
        s["peak_rss_mb"] = res[spec.label]["finish"]["peak_rss_mb"]
        if spec is not one:
            s["median_round_speedup_of_streaming"] = _median_ratio(
                [{"n": 1, "t": r["wall_s"]} for r in res[spec.label]["rounds"]],
                [{"n": 1, "t": r["wall_s"]} for r in res[streaming.label]["rounds"]],
                "n",
                "t",
            )
        out[spec.label] = s
    return out


def agreement(a: list[list[int]], b: list[list[int]]) -> dict[str, float]:
    """Token agreement of two systems' outputs for the same inputs."""
    positional, prefix, exact = [], [], 0
    for x, y in zip(a, b, strict=True):
        n = max(len(x), len(y)) or 1
        positional.append(sum(1 for i, j in zip(x, y, strict=False) if i == j) / n)
        common = 0
        for i, j in zip(x, y, strict=False):
            if i != j:
                break
            common += 1
        prefix.append(common / n)
        exact += x == y
    return {
        "token_agreement": round(statistics.mean(positional), 4),
        "common_prefix": round(statistics.mean(prefix), 4),
        "identical_outputs": round(exact / max(len(a), 1), 4),
        "sentences": len(a),
    }


def part_drift(
    base: SystemSpec, fast: SystemSpec, records: list[dict[str, Any]], sentences: int
) -> dict[str, Any]:
    """int8 drift (CTranslate2 int8 vs float32) and the float32 equivalence at full size."""
    from summarize.text import prepare_article

    flat = [s for r in records for s in prepare_article(r["text"]).sentences][:sentences]
    systems = {
        "transformers float32": replace(base, translate_only=True, label="drift-hf"),
        "ct2 float32": replace(fast, translate_only=True, label="drift-f32").with_config(
            dtype="float32"
        ),
        "ct2 int8": replace(fast, translate_only=True, label="drift-int8"),
    }
    out: dict[str, Any] = {}
    for beams in (1, base.config.translation.num_beams):
        tokens = {}
        for name, spec in systems.items():
            w = Worker(spec)
            try:
                tokens[name] = w.call("tokens", {"sentences": flat, "num_beams": beams})
                w.finish()
            finally:
                if w.proc.is_alive():
                    w.proc.kill()
        out[f"beams={beams}"] = {
            "ct2 float32 vs transformers float32": agreement(
                tokens["ct2 float32"], tokens["transformers float32"]
            ),
            "ct2 int8 vs ct2 float32": agreement(tokens["ct2 int8"], tokens["ct2 float32"]),
            "ct2 int8 vs transformers float32": agreement(
                tokens["ct2 int8"], tokens["transformers float32"]
            ),
        }
    return out


def bench_config(
    mt_model: str, sum_model: str, mt_beams: int, sum_beams: int, args: Any
) -> PipelineConfig:
    """The measured pipeline: CTranslate2 at ``args.dtype`` on the CPU, the given beams
    and output caps; the baseline takes its models and decoding settings."""
    from summarize.types import GenerationSettings

    return PipelineConfig(
        mt_model=mt_model,
        sum_model=sum_model,
        backend="ctranslate2",
        device="cpu",
        dtype=args.dtype,
        translation=GenerationSettings(num_beams=mt_beams, max_new_tokens=args.max_new_tokens),
        summary=GenerationSettings(
            num_beams=sum_beams,
            max_new_tokens=args.summary_max_new_tokens,
            min_new_tokens=min(56, max(args.summary_max_new_tokens - 8, 0)),
            no_repeat_ngram_size=3,
            length_penalty=2.0,
        ),
        # the baseline loop has no repair step: both sides do the same work (random
        # weights would flag, and so retranslate, nearly every sentence)
        repair=False,
    )


def fast_cores() -> int:
    from summarize.engines.ct2 import default_threads

    return default_threads()


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m summarize.bench",
        description="Benchmark the plain transformers baseline against the project's "
        "fast path (ctranslate2, int8, batching, cache) on architecture-faithful "
        "random-weight models.",
    )
    p.add_argument("--articles", type=int, default=5, help="articles in the workload (default 5)")
    p.add_argument(
        "--max-new-tokens",
        type=int,
        default=64,
        help="translation output cap, both systems (default 64)",
    )
    p.add_argument(
        "--summary-max-new-tokens",
        type=int,
        default=64,
        help="summary output cap, both systems (default 64)",
    )
    p.add_argument(
        "--round-size",
        type=int,
        default=1,
        help="articles per round; the systems alternate rounds (default 1)",
    )
    p.add_argument(
        "--quick", action="store_true", help="smoke check: 2 articles, 16-token caps, no ablations"
    )
    p.add_argument(
        "--ablations",
        action="store_true",
        help="also measure each optimisation's share, the cache on repeats, "
        "streaming, extract-translate and the int8 drift (several more minutes)",
    )
    p.add_argument(
        "--repeats",
        type=int,
        default=2,
        help="rounds of the whole workload per ablation variant (default 2)",
    )
    p.add_argument("--drift", action="store_true", help="also measure the int8 drift")
    p.add_argument("--drift-sentences", type=int, default=48)
    p.add_argument(
        "--tiny",
        action="store_true",
        help="use the tiny test models (seconds; for smoke tests only)",
    )
    p.add_argument("--models-dir", help="where bench models are built (default: cache)")
    p.add_argument("--seeds-dir", help="seed articles (default: the repository's seeds/)")
    p.add_argument("--output-dir", default="bench/results", help="default: bench/results")
    p.add_argument("--dtype", default="int8", help="fast path dtype (default int8)")
    p.add_argument(
        "--vmap",
        help="fast path: decode with this vocabulary map (summarize models vmap; opt-in, "
        "it changes outputs)",
    )
    p.add_argument("-q", "--quiet", action="store_true")
    return p.parse_args(argv)


def setup_logging(quiet: bool) -> None:
    """The bench commands' log lines: time-stamped messages, INFO unless ``quiet``."""
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup_logging(args.quiet)
    if args.quick:
        args.articles = min(args.articles, 2)
        args.max_new_tokens = min(args.max_new_tokens, 16)
        args.summary_max_new_tokens = min(args.summary_max_new_tokens, 16)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "machine": machine_info(),
        "load_before": load_average(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }

    t0 = time.perf_counter()
    mt_model, sum_model, mt_beams, sum_beams = _bench_models(args)
    report["build_models_s"] = round(time.perf_counter() - t0, 1)

    records = build_workload(args.articles, args.seeds_dir)
    config = bench_config(mt_model, sum_model, mt_beams, sum_beams, args)
    if args.vmap:  # the fast side only: the baseline takes models and decoding settings
        options = {**config.backend_options.to_dict(), "vmap": args.vmap}
        config = config.replace(backend_options=options)
    base = SystemSpec(label="baseline", config=config, fast=False)
    fast = SystemSpec(label="fast", config=config)

    from summarize.text import prepare_article

    n_sent = sum(len(prepare_article(r["text"]).sentences) for r in records)
    report["config"] = {
        "articles": len(records),
        "sentences": n_sent,
        "num_beams": mt_beams,
        "max_new_tokens": args.max_new_tokens,
        "sum_num_beams": sum_beams,
        "sum_max_new_tokens": args.summary_max_new_tokens,
        "sum_min_new_tokens": config.summary.min_new_tokens,
        "round_size": args.round_size,
        "dtype": args.dtype,
        "vmap": args.vmap,
        "models": "tiny" if args.tiny else "bench (real dimensions)",
        "mt_model": mt_model,
        "sum_model": sum_model,
    }

    report["prepare"] = _prepare_models(fast)
    # What CTranslate2 runs on this CPU (its kernels' ISA, the GEMM backend), beside the ratios.
    report["machine"]["ct2"] = ct2_dispatch(report["prepare"].get("mt_dir"))
    _run_parts(report, args, base, fast, records)
    report["load_after"] = load_average()
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    report["targets"] = targets = _targets(report)
    out_dir = Path(args.output_dir)
    table = write_report(report, out_dir)
    print(table)
    print(f"targets: {json.dumps(targets)}")
    print(f"total {report['elapsed_s']}s; results in {out_dir}/latest.json and latest.md")
    return 0


def _bench_models(args: Any) -> tuple[str, str, int, int]:
    """The models (paths) and their beams: tiny random ones, or the bench models of real
    dimensions. Built in a child process: Linux carries a process's peak RSS over to
    the processes it spawns, so this parent must never hold a model itself."""
    logger.info("building the benchmark models (first run only)")
    if args.tiny:
        from summarize.engines.ct2 import cache_root

        tiny_dir = (
            args.models_dir or os.environ.get("SUMMARIZE_TINY_DIR") or str(cache_root() / "tiny")
        )
        paths = _in_subprocess("summarize.testing:build_tiny_models", tiny_dir, ["marian", "bart"])
        return paths["marian"], paths["bart"], 2, 2
    paths = _in_subprocess(
        "summarize.bench.models:ensure_bench_models",
        Path(args.models_dir) if args.models_dir else None,
    )
    return paths["opus-mt-id-en"], paths["distilbart-cnn-12-6"], 6, 4


def _prepare_models(fast: SystemSpec) -> dict[str, Any]:
    """Convert the fast path's models once, in a worker, so the measured loads are cached."""
    logger.info("converting the fast path's models (first use only)")
    w = Worker(replace(fast, label="prepare"))
    try:
        t0 = time.perf_counter()
        prepared: dict[str, Any] = w.call("prepare")
        prepared["total_s"] = round(time.perf_counter() - t0, 1)
        w.finish()
    finally:
        if w.proc.is_alive():
            w.proc.kill()
    return prepared


def _run_parts(
    report: dict[str, Any],
    args: Any,
    base: SystemSpec,
    fast: SystemSpec,
    records: list[dict[str, Any]],
) -> None:
    """The measured parts, into ``report``."""
    logger.info("translation only, %d articles", len(records))
    report["translation_only"] = part_translation(base, fast, records, args.round_size)
    logger.info("whole pipeline, %d articles", len(records))
    report["pipeline"] = part_pipeline(base, fast, records, args.round_size)
    if args.ablations:
        logger.info("ablations (translation only)")
        report["ablations"] = part_ablations(base, fast, records, args.repeats)
        report["cache_repeats"] = part_cache_repeats(
            fast, max(len(records), 10), args.seeds_dir, args.round_size
        )
        report["pipeline_variants"] = part_pipeline_variants(fast, records, args.round_size)
    if args.ablations or args.drift:
        logger.info("int8 drift")
        report["drift"] = part_drift(base, fast, records, args.drift_sentences)


def _targets(report: dict[str, Any]) -> dict[str, Any]:
    """The speed-up and memory targets, as measured."""
    tr, pl = report["translation_only"], report["pipeline"]
    m = report["machine"]
    return {
        "isa": describe(m.get("isa", {}), m.get("ct2", {})),
        "translation tokens/s >= 4x": {
            "total": ratio(
                tr["fast"]["translate_tokens_per_s"], tr["baseline"]["translate_tokens_per_s"]
            ),
            "median_round": tr.get("median_round_speedup"),
        },
        "translation peak RSS <= 0.5x": ratio(
            tr["fast"]["peak_rss_mb"], tr["baseline"]["peak_rss_mb"]
        ),
        "pipeline end to end >= 3x": {
            "total": ratio(pl["baseline"]["wall_s"], pl["fast"]["wall_s"]),
            "median_round": pl.get("median_round_speedup"),
        },
    }


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
