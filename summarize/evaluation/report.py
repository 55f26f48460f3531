"""Report writers: ``results.json``, ``report.md``, ``scores.png``, ``predictions.jsonl``
and the plain-text table printed to stdout."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from summarize.evaluation.metrics import metric_label
from summarize.evaluation.results import RESULTS_VERSION, EvalReport, results_dict
from summarize.evaluation.systems import describe_system
from summarize.text.markdown import escape_markdown

__all__ = [
    "RESULTS_VERSION",
    "plot_scores",
    "render_markdown",
    "render_table",
    "results_dict",
    "write_predictions",
    "write_report",
]

# -------------------------------------------------------------------------- tables


def _table_rows(report: EvalReport) -> tuple[list[str], list[list[str]]]:
    header = ["system", *[metric_label(m) for m in report.metrics]]
    rows = []
    for run in report.systems:
        rows.append([run.name, *[report.score(run.name, m).format() for m in report.metrics]])
    return header, rows


def render_table(report: EvalReport) -> str:
    """A plain-text table (system x metric, ``score [lo, hi]``) for the terminal."""
    header, rows = _table_rows(report)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        ),
        "  ".join("-" * w for w in widths),
    ]
    for r in rows:
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    sig = report.signature["bootstrap"]
    lines.append(
        f"{len(report.items)} items; 95% percentile bootstrap CIs "
        f"({sig['resamples']} resamples, seed {sig['seed']})"
    )
    return "\n".join(lines)


def _header_lines(report: EvalReport) -> list[str]:
    sig = report.signature
    suite, ds, boot = sig["suite"], sig["dataset"], sig["bootstrap"]
    lines = [f"# Evaluation: {report.suite.name}", ""]
    if suite.get("description"):
        lines += [suite["description"].strip(), ""]
    files = ", ".join(f"`{f}`" for f in ds.get("files", []))
    limit = f" (limit {ds['limit']})" if ds.get("limit") is not None else ""
    return lines + [
        f"- Task: **{report.suite.task}**",
        f"- Data: `{ds['loader']}` loader on {files} - **{ds['items']} items**{limit}"
        f", sha256 `{ds['sha256']}`",
        f"- Suite file: `{suite['path']}`"
        if suite.get("path")
        else "- Suite: ad hoc (from a data file)",
        f"- Confidence intervals: 95% percentile bootstrap, {boot['resamples']} resamples, "
        f"seed {boot['seed']} (`{boot['signature']}`)",
        f"- Run: {sig['created']}, {report.seconds:.1f} s",
        "",
    ]


def _score_lines(report: EvalReport) -> list[str]:
    header, rows = _table_rows(report)
    lines = ["## Scores", ""]
    lines.append("| " + " | ".join(escape_markdown(h) for h in header) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    lines += ["| " + " | ".join(escape_markdown(c) for c in r) + " |" for r in rows]
    lines += [
        "",
        "Each cell is `score [low, high]`. ROUGE is F1 x 100 (mean over items); BLEU and "
        "chrF are corpus scores from summed statistics (sacrebleu), resampled the same way.",
        "",
    ]
    rouge_rows = [s for s in report.scores if s.metric.startswith("rouge") and s.score is not None]
    if rouge_rows:
        lines += ["ROUGE precision / recall (x 100):", ""]
        lines.append("| system | metric | precision | recall | F1 |")
        lines.append("|---|---|---:|---:|---:|")
        for s in rouge_rows:
            lines.append(
                f"| {s.system} | {metric_label(s.metric)} | {s.details.get('precision', float('nan')):.2f}"
                f" | {s.details.get('recall', float('nan')):.2f} | {s.score:.2f} |"
            )
        lines.append("")
    return lines


def _comparison_lines(report: EvalReport) -> list[str]:
    if not report.comparisons:
        return []
    boot = report.signature["bootstrap"]
    base = report.comparisons[0].baseline
    lines = [
        f"## Paired bootstrap vs `{base}`",
        "",
        f"Two-sided paired bootstrap test (sacrebleu's paired-bs; `{boot['paired_test']}`). "
        "`wins` is the share of resamples in which the system beats the baseline "
        f"(Koehn 2004). The smallest possible p-value is 1/({boot['resamples']}+1).",
        "",
        "| system | metric | delta | p-value | wins |",
        "|---|---|---:|---:|---:|",
    ]
    for c in report.comparisons:
        lines.append(
            f"| {c.system} | {metric_label(c.metric)} | {c.delta:+.2f} | {c.p_value:.4f} | "
            f"{100 * c.win_rate:.1f}% |"
        )
    return [*lines, ""]


#: How report.md describes ROUGE's tokenizers and rougeLsum sentence splits.
_ROUGE_TOKENIZERS = {
    "unicode": "unicode (NFC, lowercase, letters and digits of any script, hyphenated words "
    "kept whole)",
}
_ROUGE_DEFAULT_TOKENIZER = (
    "rouge-score default (lowercase, every non [a-z0-9] character becomes a space)"
)
_ROUGE_LSUM = {
    "newline-or-split": "sentences at newlines; a text without newlines is split with "
    "summarize.text.split_sentences",
    "newline": "sentences at newlines only (rouge-score's convention)",
    "split": "sentences from summarize.text.split_sentences",
}


def _settings_lines(report: EvalReport) -> list[str]:
    sig = report.signature
    lines = ["## Metric settings and signatures", ""]
    rouge = sig.get("rouge", {})
    if any(m.startswith("rouge") for m in report.metrics):
        lsum = str(rouge.get("lsum"))
        lines += [
            f"- ROUGE: `{rouge.get('signature')}`",
            "  - tokenizer: "
            + _ROUGE_TOKENIZERS.get(str(rouge.get("tokenizer")), _ROUGE_DEFAULT_TOKENIZER),
            f"  - stemmer: {rouge.get('stemmer')} (language `{rouge.get('lang')}`)",
            f"  - rougeLsum: {_ROUGE_LSUM.get(lsum, lsum)}",
        ]
    for metric, signature in sig.get("metrics", {}).items():
        if not metric.startswith("rouge"):
            lines.append(f"- {metric_label(metric)}: `{signature}`")
    return lines


def _system_lines(report: EvalReport) -> list[str]:
    lines = ["", "## Systems", ""]
    for run in report.systems:
        extra = f"; {run.error_count} failed items" if run.error_count else ""
        lines.append(
            f"- **{run.name}** - {describe_system(run.description)} "
            f"(output language `{run.output_language}`, {run.seconds:.1f} s{extra})"
        )
    lines.append("")
    if report.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    versions = report.signature.get("versions", {})
    return lines + [
        "## Environment",
        "",
        ", ".join(f"{k} {v}" for k, v in versions.items() if v and k != "platform"),
        "",
    ]


def render_markdown(report: EvalReport) -> str:
    """The content of ``report.md``."""
    return "\n".join(
        _header_lines(report)
        + _score_lines(report)
        + _comparison_lines(report)
        + _settings_lines(report)
        + _system_lines(report)
    )


# ---------------------------------------------------------------------------- plot

_SCALE_TITLES = {
    "percent": "score (0-100)",
    "words": "words",
    "ratio": "ratio (source / output)",
}


_PLOT_LABELS = {
    "number-preservation": "numbers kept",
    "number-support": "numbers supported",
    "entity-preservation": "entities kept",
    "entity-support": "entities supported",
    "length": "length",
    "compression": "compression",
}


def _plot_label(metric: str) -> str:
    return _PLOT_LABELS.get(metric, metric_label(metric))


def _plot_scales(report: EvalReport) -> dict[str, list[str]]:
    """The metrics with a score to plot, by scale (one panel per scale)."""
    systems = report.system_names()
    scales: dict[str, list[str]] = {}
    for m in report.metrics:
        cells = [report.score(s, m) for s in systems]
        if any(c.score is not None and not c.skipped for c in cells):
            scales.setdefault(cells[0].scale, []).append(m)
    return scales


def _annotate(ax: Any, pos: Any, vals: Any, highs: Any) -> None:
    """Each bar's value above its CI."""
    import numpy as np

    for p, v, h in zip(pos, vals, highs, strict=True):
        if not np.isnan(v):
            ax.annotate(
                f"{v:.1f}",
                (p, h if not np.isnan(h) else v),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
            )


def _bars(ax: Any, report: EvalReport, metrics: list[str], i: int, color: Any) -> tuple[Any, float]:
    """System ``i``'s bars over ``metrics`` with CI error bars; the bars and the top."""
    import numpy as np

    systems = report.system_names()
    bar_w = 0.8 / len(systems)
    cells = [report.score(systems[i], m) for m in metrics]

    def column(name: str) -> Any:
        values = [getattr(c, name) for c in cells]
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    vals, lows, highs = column("score"), column("low"), column("high")
    err = np.clip(np.vstack([np.nan_to_num(vals - lows), np.nan_to_num(highs - vals)]), 0, None)
    pos = np.arange(len(metrics)) - 0.4 + bar_w * (i + 0.5)
    bars = ax.bar(
        pos,
        np.nan_to_num(vals),
        bar_w * 0.92,
        yerr=err,
        capsize=3,
        color=color,
        label=systems[i],
        error_kw={"elinewidth": 1},
    )
    if len(systems) * len(metrics) <= 24:
        _annotate(ax, pos, vals, highs)
    return bars, float(np.nanmax(np.where(np.isnan(highs), vals, highs)))


def _style_axis(ax: Any, metrics: list[str], scale: str, top: float, first: bool) -> None:
    from matplotlib.ticker import FuncFormatter

    labels = [_plot_label(m) for m in metrics]
    rotate = sum(len(lb) for lb in labels) > 9 * len(labels) or len(labels) > 6
    ax.set_xticks(range(len(metrics)))
    ax.set_xticklabels(
        labels, fontsize=9, rotation=30 if rotate else 0, ha="right" if rotate else "center"
    )
    ax.set_ylabel(_SCALE_TITLES.get(scale, scale))
    ax.set_xlabel("metric")
    headroom = 1.35 if first else 1.15  # room for the legend
    ax.set_ylim(0, top * headroom if top > 0 else 1)
    if scale == "percent":  # no tick labels above 100 in the legend's headroom
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: "" if v > 100.5 else f"{v:g}"))
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def plot_scores(report: EvalReport, path: Path) -> Path | None:
    """Grouped bars (one group per metric, one bar per system) with 95% CI error bars.
    Returns ``None`` when there is nothing to plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = report.system_names()
    scales = _plot_scales(report)
    if not scales or not systems:
        return None
    order = [s for s in ("percent", "words", "ratio") if s in scales]
    per_metric = 0.35 + 0.32 * len(systems)
    widths = [max(1.8, per_metric * len(scales[s]) + 0.6) for s in order]
    fig, axes = plt.subplots(
        1,
        len(order),
        figsize=(min(max(6.5, sum(widths) + 1.2), 18.0), 5.0),
        dpi=150,
        gridspec_kw={"width_ratios": widths},
        squeeze=False,
        layout="constrained",
    )
    colors = [plt.get_cmap("tab10")(i) for i in range(10)]
    handles = []
    for ax, scale in zip(axes[0], order, strict=True):
        drawn = [
            _bars(ax, report, scales[scale], i, colors[i % len(colors)])
            for i in range(len(systems))
        ]
        if scale == order[0]:
            handles = [bars for bars, _ in drawn]
        top = max(0.0, *(t for _, t in drawn))  # a NaN top (nothing drawn) never wins
        _style_axis(ax, scales[scale], scale, top, scale == order[0])
    boot = report.signature["bootstrap"]
    fig.suptitle(
        f"{report.suite.name}: {len(report.items)} items, 95% bootstrap CI "
        f"({boot['resamples']} resamples, seed {boot['seed']})",
        fontsize=10,
    )
    axes[0][0].legend(
        handles,
        systems,
        loc="upper right",
        ncol=min(len(systems), 3),
        fontsize=8,
        framealpha=0.9,
        title="system",
        title_fontsize=8,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- files


def write_predictions(report: EvalReport, path: Path) -> Path:
    """One JSON line per item: id, reference, and each system's prediction and scores."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, item in enumerate(report.items):
            row: dict[str, Any] = {"id": item.id, "reference": item.reference, "systems": {}}
            for run in report.systems:
                row["systems"][run.name] = {
                    "prediction": run.predictions[i],
                    **({"error": run.errors[i]} if run.errors and run.errors[i] else {}),
                }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_report(report: EvalReport, output_dir: Path, *, plot: bool = True) -> EvalReport:
    """Write results.json, report.md, predictions.jsonl and scores.png into
    ``output_dir``; returns the report with ``output_dir`` and ``files`` set."""
    output_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    report = replace(report, output_dir=output_dir)
    results = output_dir / "results.json"
    results.write_text(
        json.dumps(results_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    files["results"] = results
    md = output_dir / "report.md"
    md.write_text(render_markdown(report), encoding="utf-8")
    files["report"] = md
    files["predictions"] = write_predictions(report, output_dir / "predictions.jsonl")
    png_path = output_dir / "scores.png"
    png = plot_scores(report, png_path) if plot else None
    if png is not None:
        files["plot"] = png
    elif png_path.exists():
        png_path.unlink()  # don't leave a stale plot from an earlier run
    return replace(report, files=files)
