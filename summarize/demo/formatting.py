"""What the demo shows, as Markdown: the info panel (compression, numbers and names
kept, time per stage, models, warnings), the article title and the evaluation table;
plus the article metrics the info panel reports.

Every piece of user or model text goes through :func:`summarize.text.markdown.escape_markdown`.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from typing import Any

from summarize.text.markdown import escape_markdown
from summarize.text.names import NameIndex
from summarize.types import Flag, Result

log = logging.getLogger("summarize.demo")

ALIGNMENT_HEADERS = ["#", "Indonesian (cleaned source)", "English translation", "Check"]
#: marks a flagged row of the sentence table (see summarize.quality)
FLAG_MARK = "⚠"
BATCH_HEADERS = ["id", "status", "summary", "errors / warnings"]


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def preservation(source: str, output: str, *, src_lang: str = "id") -> dict[str, Any]:
    """Numbers and names of ``source`` found in ``output``.

    Uses :mod:`summarize.evaluation.metrics.preservation` (value-aware: ``1.000`` =
    ``1,000``, Indonesian dates = English dates); falls back to a digit-string check.
    """
    try:
        from summarize.evaluation.metrics.preservation import (
            entity_preservation,
            number_preservation,
        )
    except ImportError:  # pragma: no cover - evaluation package missing
        src = set(re.findall(r"\d+", source))
        found = {n for n in src if re.search(rf"(?<!\d){n}(?!\d)", output)}
        return {
            "numbers": {"kept": len(found), "total": len(src), "missing": sorted(src - found)},
        }
    out: dict[str, Any] = {}
    try:
        nums = number_preservation(source, output, src_lang=src_lang, out_lang="en")
        out["numbers"] = {
            "kept": nums.matched,
            "total": nums.total,
            "missing": list(nums.missing),
            "unsupported": list(nums.unsupported),
        }
        in_source, in_output = NameIndex(source), NameIndex(output)  # also: names as written
        ents = entity_preservation(source, output, in_source=in_source, in_output=in_output)
        out["entities"] = {
            "kept": ents.matched,
            "total": ents.total,
            "missing": [in_source.as_written(e) for e in ents.missing],
            "unsupported": [in_output.as_written(e) for e in ents.unsupported],
        }
    except Exception as exc:  # informative only: never fail a request on it
        log.warning("preservation check failed: %r", exc)
    return out


def article_metrics(result: Result, *, english: bool) -> dict[str, Any]:
    """Compression and numbers/names kept, for the info panel and the JSON details.

    ``english``: the source was already English (translation skipped)."""
    metrics: dict[str, Any] = {}
    src_words, sum_words = _words(result.source), _words(result.summary)
    if src_words and sum_words:
        metrics["compression"] = {
            "ratio": round(src_words / sum_words, 2),
            "source_words": src_words,
            "summary_words": sum_words,
        }
    src_lang = "en" if english else "id"
    metrics["summary_preservation"] = preservation(result.source, result.summary, src_lang=src_lang)
    if result.translation and not english:
        metrics["translation_preservation"] = preservation(result.source, result.translation)
    return metrics


def title_markdown(result: Result) -> str:
    """The article's title (and its English translation when it differs)."""
    title = ""
    if result.title:
        title = f"**Title:** {escape_markdown(result.title)}"
        if result.title_translation and result.title_translation != result.title:
            title += f"  \n**English:** {escape_markdown(result.title_translation)}"
    return title


def _kept(entry: dict[str, Any] | None, noun: str) -> str:
    if not entry:
        return "n/a"
    if not entry["total"]:
        return f"no {noun} in the source"
    text = f"{entry['kept']} of {entry['total']}"
    missing = entry.get("missing") or []
    if missing:
        shown = ", ".join(missing[:6]) + (" …" if len(missing) > 6 else "")
        text += f" (missing: {escape_markdown(shown)})"
    return text


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def _timing(timings: dict[str, Any]) -> str:
    """``cleaning 3 ms · translation 0.5 s* · … (* share of a batch of 4 articles)``"""
    batch = timings.get("batch") or {}
    shared = set(batch.get("shared") or ()) if batch.get("size", 1) > 1 else set()
    text = " · ".join(
        f"{STAGE_NAMES.get(k, k)} {seconds(v)}{'*' if k in shared else ''}"
        for k, v in timings.items()
        if isinstance(v, (int, float))
    )
    if shared:
        text += f" (* this article's share of a batch of {batch['size']} articles)"
    return text


STAGE_NAMES = {
    "prepare": "cleaning",
    "check": "checks",
    "repair": "repair",
    "translate": "translation",
    "summarize": "summary",
    "translate_summary": "summary translation",
    "total": "total",
}


#: what the flags can and cannot see, shown beside the sentence table
FLAGS_NOTE = (
    f"{FLAG_MARK} The checks cover facts: numbers, names, untranslated words, omissions, "
    "loops and cut-off output. They cannot see meaning: a sentence without a flag can "
    "still be mistranslated. Highlighted words are what a flag is about. *Confidence* is "
    "the model's mean log-probability per token (0 is certain); it is uncalibrated."
)


def flag_text(sentence: Any) -> str:
    """The "Check" cell of a sentence (Markdown, one line per item): why its translation
    is doubtful, any repair, and the engine's confidence."""
    parts = [f"{FLAG_MARK} {f.code}: {escape_markdown(f.message)}" for f in sentence.flags]
    if sentence.repairs:
        tried = ", ".join(r.tried for r in sentence.repairs)
        cleared = any(r.cleared for r in sentence.repairs)
        parts.append(f"repaired ({tried})" if cleared else f"retried: {tried}; not cleared")
    confidence = getattr(sentence, "confidence", None)
    if confidence is not None:
        parts.append(f"*model confidence {confidence:.2f}*")
    return "<br>".join(parts)


def marked(text: str, spans: Iterable[tuple[int, int, str, str]]) -> str:
    """``text`` as Markdown with each ``(start, end, css class, title)`` span in a
    ``<mark>``; overlapping spans keep the first."""
    out: list[str] = []
    pos = 0
    for start, end, css, title in sorted(spans):
        if start < pos or end <= start:
            continue
        out.append(escape_markdown(text[pos:start]))
        out.append(
            f'<mark class="{css}" title="{html.escape(title)}">'
            f"{escape_markdown(text[start:end])}</mark>"
        )
        pos = end
    out.append(escape_markdown(text[pos:]))
    return "".join(out)


def flag_spans(flags: Iterable[Flag], side: str) -> list[tuple[int, int, str, str]]:
    """The spans of ``flags`` on one side, as :func:`marked` takes them."""
    return [
        (s.start, s.end, f"flag-{f.code}", f"{f.code}: {f.message}")
        for f in flags
        for s in f.spans
        if s.side == side
    ]


def marked_sentence(sentence: Any, side: str) -> str:
    """The source or translation cell of the sentence table, its flagged spans marked."""
    text = sentence.source if side == "source" else sentence.translation
    return marked(text, flag_spans(sentence.flags, side))


def marked_summary(result: Result) -> str:
    """The summary as Markdown with its unsupported numbers and names marked
    (``<mark>``), or ``""`` when the summary has no such flag."""
    spans = [
        (start, end, "unsupported", title.split(":")[0].replace("unsupported-", "")
         + " not in the source")
        for start, end, _, title in flag_spans(
            (f for f in result.flags if f.code.startswith("unsupported")), "summary"
        )
    ]  # fmt: skip
    return marked(result.summary, spans) if spans else ""


def _preservation_rows(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """Numbers/dates and names kept by the summary (and the translation)."""
    rows: list[tuple[str, str]] = []
    summ = metrics.get("summary_preservation", {})
    trans = metrics.get("translation_preservation") or {}
    for key, label, noun in (
        ("numbers", "Numbers and dates kept", "numbers or dates"),
        ("entities", "Names kept", "names"),
    ):
        entry = summ.get(key)
        if entry is None:
            continue
        if not entry["total"]:
            rows.append((label, f"none in the source ({noun})"))
            continue
        value = f"summary {_kept(entry, noun)}"
        if trans.get(key):
            value += f"; translation {_kept(trans[key], noun)}"
        rows.append((label, value))
    return rows


def _about_rows(result: Result, metrics: dict[str, Any]) -> list[tuple[str, str]]:
    """The "About this result" rows: compression, what was kept, time, models, strategy."""
    rows: list[tuple[str, str]] = []
    comp = metrics.get("compression")
    if comp:
        rows.append(
            (
                "Compression",
                f"{comp['ratio']:.1f}× ({comp['source_words']:,} source words → "
                f"{comp['summary_words']:,} summary words)",
            )
        )
    rows += _preservation_rows(metrics)
    timing = _timing(result.timings)
    if timing:
        rows.append(("Time", timing))
    models = [
        f"{role} `{desc.get('model')}` ({desc.get('family')}, {desc.get('device')})"
        for role, desc in (result.models or {}).items()
        if isinstance(desc, dict)
    ]
    if models:
        rows.append(("Models", "; ".join(models)))
    rows.append(("Strategy", f"`{result.strategy}`"))
    return rows


def _check_lines(result: Result) -> list[str]:
    """The "Check these" section: flag counts, summary flags, the marked summary."""
    if not result.flag_counts:
        return []
    counts = ", ".join(f"{code} {n}" for code, n in sorted(result.flag_counts.items()))
    flagged = sum(1 for a in result.alignment if a.flags)
    lines = [
        "",
        "#### Check these",
        "",
        f"- {FLAG_MARK} **Flags:** {counts} ({flagged} of {len(result.alignment)} "
        "sentences; the table's last column says why)",
    ]
    lines += [
        f"- {FLAG_MARK} **Summary {f.code}:** {escape_markdown(f.message)}" for f in result.flags
    ]
    marked = marked_summary(result)
    if marked:
        lines.append(
            f'- **Summary, unsupported parts marked:** <span id="summary-marked">{marked}</span>'
        )
    return lines


def info_markdown(result: Result, metrics: dict[str, Any]) -> str:
    """The info panel: compression, numbers/names kept, time per stage, models, warnings."""
    lines = ["#### About this result", ""]
    lines.extend(f"- **{k}:** {v}" for k, v in _about_rows(result, metrics))
    lines += _check_lines(result)
    if result.warnings:
        lines += ["", "#### Warnings", ""]
        lines.extend(f"- ⚠ {escape_markdown(w)}" for w in result.warnings)
    return "\n".join(lines)


def eval_markdown(report: Any) -> str:
    """Score table (system x metric, ``score [95% CI]``), paired tests and notes."""
    try:
        from summarize.evaluation.metrics import metric_label
    except ImportError:  # pragma: no cover

        def metric_label(name: str) -> str:
            return name

    suite = report.suite
    lines = [
        f"### {escape_markdown(suite.name)}",
        f"{suite.task}, {len(report.items):,} items · {report.seconds:.1f} s",
        "",
        "| system | " + " | ".join(escape_markdown(metric_label(m)) for m in report.metrics) + " |",
        "|---|" + "---:|" * len(report.metrics),
    ]
    for run in report.systems:
        cells = [report.score(run.name, m).format() for m in report.metrics]
        lines.append(f"| **{escape_markdown(run.name)}** | " + " | ".join(cells) + " |")
    sig = report.signature.get("bootstrap", {})
    lines.append("")
    lines.append(
        f"Scores are `score [low, high]` with 95% percentile bootstrap confidence intervals "
        f"({sig.get('resamples', '?')} resamples, seed {sig.get('seed', '?')})."
    )
    if report.comparisons:
        lines.append("")
        lines.append("**Paired bootstrap tests** (against the first system)")
        lines.append("")
        for c in report.comparisons:
            lines.append(
                f"- {escape_markdown(c.system)} vs {escape_markdown(c.baseline)}, {escape_markdown(metric_label(c.metric))}: "
                f"Δ {c.delta:+.2f}, p = {c.p_value:.4f}"
            )
    if report.notes:
        lines.append("")
        lines.append("**Notes**")
        lines.append("")
        lines.extend(f"- {escape_markdown(n)}" for n in report.notes)
    return "\n".join(lines)
