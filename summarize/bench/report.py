"""The benchmark's report: the Markdown table of its figures and the files it writes
(``bench-<time>.json``/``.md`` and ``latest.json``/``.md``)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from summarize.bench.isa import describe


def ratio(a: Any, b: Any) -> float | None:
    if not a or not b:
        return None
    return round(float(a) / float(b), 2)


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value + unit
    if isinstance(value, float):
        text = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    else:
        text = f"{value:,}"
    return text + unit


def _load_warning(report: dict[str, Any]) -> list[str]:
    """A warning when other processes kept the CPUs busy: the baseline's OpenMP threads
    spin while they wait for a core, so its times (and the ratios) then measure the load."""
    cores = report["machine"].get("cores") or 1
    loads = [x[0] for x in (report.get("load_before"), report.get("load_after")) if x]
    if not loads or max(loads) <= cores:
        return []
    return [
        f"**Warning**: load average up to {max(loads):.1f} on {cores} cores: other processes "
        "shared the CPUs, so these ratios measure that load as much as the code.",
        "",
    ]


def _header(report: dict[str, Any]) -> list[str]:
    m = report["machine"]
    cfg = report["config"]
    return [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; "
        f"torch {m['versions'].get('torch')}, transformers {m['versions'].get('transformers')}, "
        f"ctranslate2 {m['versions'].get('ctranslate2')}. Load average before/after: "
        f"{report.get('load_before')} / {report.get('load_after')}.",
        "",
        f"{describe(m.get('isa', {}), m.get('ct2', {}))} (every ratio below is for this ISA).",
        "",
        *_load_warning(report),
        f"Workload: {cfg['articles']} articles ({cfg['sentences']} sentences + titles), "
        f"translation beams {cfg['num_beams']}, max_new_tokens {cfg['max_new_tokens']}; "
        f"summary beams {cfg['sum_num_beams']}, max_new_tokens {cfg['sum_max_new_tokens']}, "
        f"min_new_tokens {cfg['sum_min_new_tokens']}; models: {cfg['models']}; "
        f"fast path dtype {cfg['dtype']}.",
        "",
    ]


def _main_table(report: dict[str, Any]) -> list[str]:
    """(a) the transformers baseline against (b) the fast path."""
    lines = [
        "| | (a) transformers baseline | (b) fast path | (b)/(a) |",
        "| --- | ---: | ---: | ---: |",
    ]
    tr = report["translation_only"]
    pl = report["pipeline"]
    ta, tb = tr["baseline"], tr["fast"]
    a, b = pl["baseline"], pl["fast"]

    def row(name: str, x: Any, y: Any, unit: str = "", r: Any = "auto") -> None:
        rr = ratio(y, x) if r == "auto" else r
        lines.append(f"| {name} | {_fmt(x, unit)} | {_fmt(y, unit)} | {_fmt(rr, '×')} |")

    row(
        "translation: generated tokens/s",
        ta["translate_tokens_per_s"],
        tb["translate_tokens_per_s"],
    )
    row("translation: generated tokens", ta["translate_tokens"], tb["translate_tokens"], r=None)
    row("translation: articles/minute", ta["articles_per_min"], tb["articles_per_min"])
    row("translation: peak RSS", ta["peak_rss_mb"], tb["peak_rss_mb"], " MB")
    row("translation: model load", ta["load_s"], tb["load_s"], " s")
    row("pipeline: articles/minute", a["articles_per_min"], b["articles_per_min"])
    row("pipeline: wall time", a["wall_s"], b["wall_s"], " s", r=ratio(a["wall_s"], b["wall_s"]))
    row(
        "pipeline: generated tokens/s (all)",
        a.get("total_tokens_per_s"),
        b.get("total_tokens_per_s"),
    )
    row(
        "pipeline: translation stage tokens/s",
        a["translate_tokens_per_s"],
        b["translate_tokens_per_s"],
    )
    row(
        "pipeline: summariser tokens/s",
        a.get("summarize_tokens_per_s"),
        b.get("summarize_tokens_per_s"),
    )
    row(
        "pipeline: summariser calls / tokens",
        f"{a.get('summary_calls')} / {a.get('summarize_tokens')}",
        f"{b.get('summary_calls')} / {b.get('summarize_tokens')}",
        r=None,
    )
    row("pipeline: peak RSS", a["peak_rss_mb"], b["peak_rss_mb"], " MB")
    row(
        "pipeline: model load (mt + sum)",
        round(a["load_mt_s"] + a["load_sum_s"], 2),
        round(b["load_mt_s"] + b["load_sum_s"], 2),
        " s",
    )
    row(
        "pipeline: first result",
        a["first_result_s"],
        b["first_result_s"],
        " s",
        r=ratio(a["first_result_s"], b["first_result_s"]),
    )
    return lines


def _footer(report: dict[str, Any]) -> list[str]:
    cfg, tr, pl = report["config"], report["translation_only"], report["pipeline"]
    prep = report.get("prepare", {})
    return [
        "",
        "(b)/(a) for rates and memory, (a)/(b) for times. Median per-round speed-up: "
        f"translation {_fmt(tr.get('median_round_speedup'), '×')}, pipeline "
        f"{_fmt(pl.get('median_round_speedup'), '×')}. Building the bench models: "
        f"{_fmt(report.get('build_models_s'), ' s')}; first-use conversion to CTranslate2 "
        f"{cfg['dtype']}: translator {_fmt(prep.get('mt_seconds'), ' s')}, summariser "
        f"{_fmt(prep.get('sum_seconds'), ' s')} (converted: {prep.get('mt_converted')}/"
        f"{prep.get('sum_converted')}). Whole benchmark: {_fmt(report.get('elapsed_s'), ' s')}.",
    ]


def _table(header: str, rows: Iterable[Sequence[str]]) -> list[str]:
    """A blank line and a Markdown table with ``header`` (``"| a | b |"``): the first
    column left-aligned, the others right-aligned."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    aligns = ["---"] + ["---:"] * header.count(" | ")
    return ["", header, line(aligns), *map(line, rows)]


def _ablation_lines(ab: dict[str, Any]) -> list[str]:
    base_rate = ab.get("baseline (plain transformers)", {}).get("median_tokens_per_s")
    full = ab.get("fast (all on)", {}).get("median_tokens_per_s")
    total_gain = (full / base_rate) if full and base_rate else None

    def share(name: str, speedup: Any) -> str:
        if speedup and total_gain and total_gain > 1 and name != "fast (all on)":
            return f"{math.log(speedup) / math.log(total_gain):.0%}"
        return "-"

    header = "| variant | median tokens/s | all-on / variant | share of the log-gain | peak RSS |"
    rows = (
        (
            name,
            _fmt(s.get("median_tokens_per_s")),
            _fmt(s.get("speedup_of_all_on"), "×"),
            share(name, s.get("speedup_of_all_on")),
            _fmt(s.get("peak_rss_mb"), " MB"),
        )
        for name, s in ab.items()
    )
    heading = "Translation only, whole workload per round, one change at a time:"
    return ["", heading, *_table(header, rows)]


def _cache_lines(report: dict[str, Any]) -> list[str]:
    header = "| sentence cache, verbatim repeated articles | tokens generated | cache hits | wall |"
    rows = (
        (name, f"{s['translate_tokens']:,}", str(s["cache_hits"]), _fmt(s["wall_s"], " s"))
        for name, s in report["cache_repeats"].items()
    )
    return _table(header, rows)


def _variant_lines(report: dict[str, Any]) -> list[str]:
    header = (
        "| fast pipeline variant | articles/min | first result | wall | "
        "vs streaming (median per round) | peak RSS |"
    )
    rows = (
        (
            name,
            _fmt(s["articles_per_min"]),
            _fmt(s["first_result_s"], " s"),
            _fmt(s["wall_s"], " s"),
            _fmt(s.get("median_round_speedup_of_streaming"), "×"),
            _fmt(s.get("peak_rss_mb"), " MB"),
        )
        for name, s in report["pipeline_variants"].items()
    )
    return _table(header, rows)


def _drift_lines(report: dict[str, Any]) -> list[str]:
    header = "| output agreement | beams | token agreement | common prefix | identical |"
    rows = (
        (
            name,
            beams.split("=")[1],
            f"{s['token_agreement']:.1%}",
            f"{s['common_prefix']:.1%}",
            f"{s['identical_outputs']:.1%}",
        )
        for beams, comps in report["drift"].items()
        for name, s in comps.items()
    )
    return _table(header, rows)


def markdown(report: dict[str, Any]) -> str:
    lines = _header(report) + _main_table(report) + _footer(report)
    if "ablations" in report:
        lines += _ablation_lines(report["ablations"])
    if "cache_repeats" in report:
        lines += _cache_lines(report)
    if "pipeline_variants" in report:
        lines += _variant_lines(report)
    if "drift" in report:
        lines += _drift_lines(report)
    return "\n".join(lines) + "\n"


def write_report(report: dict[str, Any], out_dir: Path) -> str:
    """Write the report as JSON and Markdown (stamped and ``latest``); returns the Markdown."""
    table = markdown(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}", "latest"):
        (out_dir / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        (out_dir / f"{name}.md").write_text(table, encoding="utf-8")
    return table
