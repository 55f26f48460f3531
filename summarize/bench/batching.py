"""``python -m summarize.bench --batching``: what per-article batching costs, and what it buys.

*Cost*: two worker processes run the same pipeline (CTranslate2, the benchmark's
real-size random models) on the seeds-like workload, one with ``batching = "article"``
(the default: model batches within one article) and one with ``batching = "throughput"``
(batches across the articles of a pipeline batch, with the sentence cache). They take
the rounds (``--round-size`` articles, a pipeline batch) in alternation, the order
rotating every round, so load from other processes hits both alike. Reported: wall time
and tokens of each, and the cost (article wall / throughput
wall - 1), in total and as the median over rounds.

*Same records*: one process runs the workload several ways (``-b 3`` and ``-b 8``, one
CTranslate2 worker of 1 or 2 threads as Ray actors have, and a resumed order: the second half of the input
first, on a warm cache) and counts, per batching, the records whose translation and
summary equal those of ``-b 3``. With ``batching = "article"`` every way must give the
same records; ``throughput`` shows how often they differ otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.bench.run import (
    _in_subprocess,
    _rounds,
    bench_config,
    load_average,
    machine_info,
    run_interleaved,
    setup_logging,
    summarize_rounds,
)
from summarize.bench.workers import SystemSpec
from summarize.bench.workload import build_workload
from summarize.config import BATCHING_ARTICLE, BATCHINGS, PipelineConfig

logger = logging.getLogger("summarize.bench")


def part_cost(
    config: PipelineConfig, records: list[dict[str, Any]], round_size: int, repeats: int
) -> dict[str, Any]:
    """Each batching in its own worker, the rounds in alternation."""
    specs = [
        SystemSpec(label=f"batching={name}", config=config.replace(batching=name))
        for name in BATCHINGS
    ]
    rounds = _rounds(records, round_size) * repeats
    res = run_interleaved(specs, rounds)
    out: dict[str, Any] = {}
    for spec in specs:
        r = res[spec.label]
        summary = summarize_rounds(r["rounds"], len(records) * repeats)
        summary["per_round_wall_s"] = [round(x["wall_s"], 2) for x in r["rounds"]]
        out[spec.config.batching] = summary
    article, throughput = (res[s.label]["rounds"] for s in specs)
    per_round = [
        a["wall_s"] / t["wall_s"] - 1
        for a, t in zip(article, throughput, strict=True)
        if t["wall_s"]
    ]
    walls = [out[s.config.batching]["wall_s"] for s in specs]
    out["cost_total"] = round(walls[0] / walls[1] - 1, 3) if walls[1] else None
    out["cost_median_round"] = round(statistics.median(per_round), 3) if per_round else None
    return out


def _canonical(result: Any) -> str:
    """A record as JSON without its timings (what must not depend on the batch)."""
    record = result.to_dict()
    record.pop("timings", None)
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def identity(config_json: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """In a worker process: each batching run several ways; records equal to ``-b 3``'s."""
    from summarize.pipeline import Pipeline

    base = PipelineConfig.from_dict(json.loads(config_json))
    half = len(records) // 2
    out: dict[str, Any] = {}
    for batching in BATCHINGS:
        config = base.replace(batching=batching)

        def run(
            cfg: PipelineConfig, size: int, order: list[dict[str, Any]], pipe: Any = None
        ) -> dict[str, str]:
            pipe = pipe or Pipeline(cfg)
            return {r.id: _canonical(r) for r in pipe.run(order, batch_size=size)}

        start = time.perf_counter()
        reference = run(config, 3, records)
        one_worker = config.replace(backend_options={"threads": 1, "inter_threads": 1})
        wide_worker = config.replace(backend_options={"threads": 2, "inter_threads": 1})
        resumed_pipe = Pipeline(config)
        run(config, 8, records[:half], resumed_pipe)  # the killed run's first half ...
        ways = {
            "-b 8": run(config, 8, records),
            "-b 8, one CTranslate2 worker of 1 thread (2 actors on 2 cores)": run(
                one_worker, 8, records
            ),
            "-b 8, one CTranslate2 worker of 2 threads (1 actor on 2 cores)": run(
                wide_worker, 8, records
            ),
            "-b 5, second half first on a warm cache (a resume)": run(
                config, 5, records[half:] + records[:half], resumed_pipe
            ),
        }
        out[batching] = {
            name: {
                "identical_records": sum(got[k] == reference[k] for k in reference),
                "records": len(reference),
            }
            for name, got in ways.items()
        }
        out[batching]["seconds"] = round(time.perf_counter() - start, 1)
    return out


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m summarize.bench --batching",
        description="Per-article batching (the default) against cross-article batching "
        "('--batching throughput'): throughput cost, and whether records stay the same.",
    )
    p.add_argument("--articles", type=int, default=16, help="articles (default 16)")
    p.add_argument("--round-size", type=int, default=8, help="articles per round (default 8)")
    p.add_argument("--repeats", type=int, default=1, help="passes over the workload")
    p.add_argument("--max-new-tokens", type=int, default=32, help="translation cap (32)")
    p.add_argument("--summary-max-new-tokens", type=int, default=32, help="summary cap (32)")
    p.add_argument("--translate-only", action="store_true", help="no summariser")
    p.add_argument("--skip-cost", action="store_true", help="only the same-records check")
    p.add_argument("--skip-identity", action="store_true", help="only the cost")
    p.add_argument("--tiny", action="store_true", help="the tiny test models (smoke test)")
    p.add_argument("--models-dir", help="where bench models are built (default: cache)")
    p.add_argument("--seeds-dir", help="seed articles (default: the repository's seeds/)")
    p.add_argument("--dtype", default="int8", help="CTranslate2 dtype (default int8)")
    p.add_argument("--output-dir", default="bench/results", help="default: bench/results")
    p.add_argument("-q", "--quiet", action="store_true")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup_logging(args.quiet)
    started = time.perf_counter()
    if args.tiny:
        from summarize.engines.ct2 import cache_root

        tiny_dir = (
            args.models_dir or os.environ.get("SUMMARIZE_TINY_DIR") or str(cache_root() / "tiny")
        )
        paths = _in_subprocess("summarize.testing:build_tiny_models", tiny_dir, ["marian", "bart"])
        mt, sm, mt_beams, sum_beams = paths["marian"], paths["bart"], 2, 2
    else:
        paths = _in_subprocess(
            "summarize.bench.models:ensure_bench_models",
            Path(args.models_dir) if args.models_dir else None,
        )
        mt, sm = paths["opus-mt-id-en"], paths["distilbart-cnn-12-6"]
        mt_beams, sum_beams = 4, 4
    config = bench_config(mt, sm, mt_beams, sum_beams, args)
    if args.translate_only:
        from summarize.strategies import TRANSLATION_ONLY_STRATEGY

        config = config.replace(
            strategy=TRANSLATION_ONLY_STRATEGY, sum_model=None, full_translation=True
        )
    config = config.replace(batching=BATCHING_ARTICLE)
    records = build_workload(args.articles, args.seeds_dir)
    report: dict[str, Any] = {
        "machine": machine_info(),
        "load_before": load_average(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "config": {
            "articles": len(records),
            "round_size": args.round_size,
            "repeats": args.repeats,
            "models": "tiny" if args.tiny else "bench (real dimensions, random weights)",
            "pipeline": config.to_dict(),
        },
    }
    if not args.skip_identity:
        logger.info("same records: each batching run several ways")
        report["identity"] = _in_subprocess(
            "summarize.bench.batching:identity", config.to_json(), records
        )
    if not args.skip_cost:
        logger.info("cost: the two batchings in alternation, %d articles", len(records))
        report["cost"] = part_cost(config, records, args.round_size, args.repeats)
    report["load_after"] = load_average()
    report["elapsed_s"] = round(time.perf_counter() - started, 1)
    out_dir = Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"batching-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("identity", "cost") if k in report}, indent=2))
    print(f"total {report['elapsed_s']}s; results in {path}")
    return 0
