"""The real-error benchmark (``summarize eval trust --annotated FILE``): how well
:mod:`summarize.quality` flags the errors that a reviewer annotated in real MT output.

The file is JSONL, one translated sentence a line, as in
``evaldata/mt_outputs_flores_dev/annotations.jsonl``: ``source``, ``translation``,
``errors`` (a list of ``{"cat", "severity", "span", "note"}``) and optionally ``system``,
``line`` and ``ok``. MQM-style categories: ``number``, ``name``, ``omission``,
``untranslated`` (the *fact* categories that the flags are meant to catch), and
``addition``, ``repetition``, ``mistranslation``, ``fluency``.

Reported, per group (all lines, even lines, odd lines: develop on one half, report the
other as held out), with percentile bootstrap CIs:

* **precision**: flagged sentences that have a major error (any category), over flagged
  sentences;
* **recall**: flagged sentences over sentences with a major error in a fact category;
  and per category, with any flag and with the category's own flag;
* **span overlap**: for the true positives, the share of annotated error spans that a flag
  span covers (on the translation, or on the source for missing content);
* **false-flag rate**: flagged sentences over sentences with no major error.
"""

from __future__ import annotations

import functools
import html
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.errors import MalformedRecordError
from summarize.evaluation.datasets import iter_jsonl
from summarize.evaluation.trust import (
    Rate,
    _rate,
    echo_report,
    rules_fingerprint,
    write_case_files,
)
from summarize.types import Flag

#: Categories whose errors are facts the flags should catch, and the flags that catch them.
FACT_CODES: dict[str, tuple[str, ...]] = {
    "untranslated": ("untranslated",),
    "name": ("name",),
    "number": ("number",),
    "omission": ("omission", "length", "truncated", "empty"),
}
OTHER_CATEGORIES = ("mistranslation", "addition", "repetition", "fluency")
#: Targets from issue 19.
TARGETS = {"precision": 0.75, "recall": 0.75, "untranslated": 0.85, "false_flags": 0.05}
GROUPS = ("all", "even", "odd")


@dataclass(frozen=True)
class AnnotatedItem:
    index: int  # line of the annotation file (0-based)
    source: str
    translation: str
    errors: tuple[dict[str, str], ...]
    system: str = ""
    line: int | None = None

    @property
    def major(self) -> bool:
        return any(e.get("severity") == "major" for e in self.errors)

    def major_in(self, category: str) -> list[dict[str, str]]:
        return [e for e in self.errors if e.get("severity") == "major" and e.get("cat") == category]

    @property
    def fact_errors(self) -> list[dict[str, str]]:
        return [e for cat in FACT_CODES for e in self.major_in(cat)]


@dataclass(frozen=True)
class AnnotatedReport:
    path: Path
    items: int
    precision: dict[str, Rate]
    recall: dict[str, Rate]
    recall_all_major: dict[str, Rate]
    false_flags: dict[str, Rate]
    category_any: dict[str, dict[str, Rate]]  # category -> group -> recall with any flag
    category_own: dict[str, dict[str, Rate]]  # category -> group -> recall with its flag
    span_overlap: dict[str, Rate]
    flag_counts: dict[str, int]
    signature: dict[str, Any]
    failures: tuple[str, ...]
    seconds: float
    cases: tuple[tuple[AnnotatedItem, tuple[Flag, ...]], ...] = ()
    files: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_annotations(path: Path) -> list[AnnotatedItem]:
    """Read an annotation JSONL file (see the module docs)."""
    items: list[AnnotatedItem] = []
    for n, row in iter_jsonl(path):
        if not all(isinstance(row.get(k), str) for k in ("source", "translation")):
            raise MalformedRecordError(f"{path}:{n}: needs 'source' and 'translation'")
        errors = row.get("errors", [])
        if not isinstance(errors, list) or not all(isinstance(e, dict) for e in errors):
            raise MalformedRecordError(f"{path}:{n}: 'errors' must be a list of objects")
        items.append(
            AnnotatedItem(
                index=len(items),
                source=row["source"],
                translation=row["translation"],
                errors=tuple(
                    {k: str(v) for k, v in e.items() if isinstance(v, str)} for e in errors
                ),
                system=str(row.get("system", "")),
                line=row.get("line") if isinstance(row.get("line"), int) else None,
            )
        )
    if not items:
        raise MalformedRecordError(f"{path}: no annotated sentences")
    return items


def _locate(item: AnnotatedItem, span: str) -> tuple[str, int, int] | None:
    """Where an annotated span lies: (side, start, end) in the unescaped texts."""
    span = html.unescape(span).strip()
    if not span:
        return None
    for side, text in (("translation", item.translation), ("source", item.source)):
        text = html.unescape(text)
        pos = text.find(span)
        if pos < 0:
            pos = text.lower().find(span.lower())
        if pos >= 0:
            return side, pos, pos + len(span)
    return None


def _overlaps(where: tuple[str, int, int], flags: Sequence[Flag]) -> bool:
    side, start, end = where
    return any(s.side == side and s.start < end and start < s.end for f in flags for s in f.spans)


def _in_group(item: AnnotatedItem, group: str) -> bool:
    return group == "all" or (item.index % 2 == 0) == (group == "even")


Case = tuple[Any, tuple[Any, ...]]  # an annotated item and the flags raised on it


def _span_hits(rows: list[Case]) -> list[bool]:
    """For each located fact error of a flagged sentence: whether a flag overlaps it."""
    hits = []
    for it, flags in rows:
        if not flags:
            continue
        for e in it.fact_errors:
            where = _locate(it, e.get("span", ""))
            if where is not None:
                hits.append(_overlaps(where, flags))
    return hits


def _category_rates(
    rows: list[Case], g: str, rate: Callable[[list[bool]], Rate], cat_any: Any, cat_own: Any
) -> None:
    """Per error category, in group ``g``: recall of any flag, and of the category's own
    flag codes (fact categories)."""
    for cat in cat_any:
        with_cat = [(it, flags) for it, flags in rows if it.major_in(cat)]
        cat_any[cat][g] = rate([bool(flags) for _, flags in with_cat])
        if cat in FACT_CODES:
            cat_own[cat][g] = rate(
                [any(f.code in FACT_CODES[cat] for f in flags) for _, flags in with_cat]
            )


def _group_rates(
    rows: list[Case], rate: Callable[[list[bool]], Rate]
) -> tuple[Rate, Rate, Rate, Rate]:
    """Precision, recall (fact errors), recall (any major error) and false-flag rate."""
    return (
        rate([it.major for it, flags in rows if flags]),
        rate([bool(flags) for it, flags in rows if it.fact_errors]),
        rate([bool(flags) for it, flags in rows if it.major]),
        rate([bool(flags) for it, flags in rows if not it.major]),
    )


def _flag_counts(cases: list[Case]) -> dict[str, int]:
    """Sentences flagged, per flag code."""
    counts: dict[str, int] = {}
    for _, flags in cases:
        for code in dict.fromkeys(f.code for f in flags):
            counts[code] = counts.get(code, 0) + 1
    return counts


def _failures(checks: tuple[tuple[str, Rate, float, bool], ...]) -> list[str]:
    """The targets missed: ``(label, rate, target, target is an upper bound)``."""
    return [
        f"{label} {r.value:.3f} {'>' if upper else '<'} {target}"
        for label, r, target, upper in checks
        if r.n and (r.value > target if upper else r.value < target)
    ]


def _annotated_signature(path: Path, items: int, resamples: int, seed: int) -> dict[str, Any]:
    from summarize.evaluation.datasets import sha256_files
    from summarize.evaluation.runner import _version, environment
    from summarize.evaluation.stats import bootstrap_signature

    return {
        "signature": (
            f"trust-annotated|rules:{rules_fingerprint()}|wordfreq:{_version('wordfreq')}|"
            + bootstrap_signature(resamples, seed)
        ),
        "file": str(path),
        "sha256": sha256_files([path]),
        "sentences": items,
        "versions": {**environment(), "wordfreq": _version("wordfreq")},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def run_annotated(
    path: Path,
    *,
    seed: int = 12345,
    resamples: int = 1000,
    output_dir: Path | None = None,
) -> AnnotatedReport:
    """Run :func:`summarize.quality.check_translation` on every annotated sentence and
    score the flags against the annotations."""
    from summarize.quality import check_translation

    t0 = time.perf_counter()
    items = load_annotations(path)
    cases = [(it, tuple(check_translation(it.source, it.translation))) for it in items]

    rate = functools.partial(_rate, resamples=resamples, seed=seed)

    precision, recall, recall_major, false_flags, overlap = {}, {}, {}, {}, {}
    cat_any: dict[str, dict[str, Rate]] = {c: {} for c in (*FACT_CODES, *OTHER_CATEGORIES)}
    cat_own: dict[str, dict[str, Rate]] = {c: {} for c in FACT_CODES}
    for g in GROUPS:
        rows = [(it, flags) for it, flags in cases if _in_group(it, g)]
        precision[g], recall[g], recall_major[g], false_flags[g] = _group_rates(rows, rate)
        _category_rates(rows, g, rate, cat_any, cat_own)
        overlap[g] = rate(_span_hits(rows))
    failures = _failures(
        (
            ("precision", precision["all"], TARGETS["precision"], False),
            ("recall", recall["all"], TARGETS["recall"], False),
            ("untranslated recall", cat_any["untranslated"]["all"], TARGETS["untranslated"], False),
            ("false-flag rate", false_flags["all"], TARGETS["false_flags"], True),
        )
    )
    report = AnnotatedReport(
        path=path,
        items=len(items),
        precision=precision,
        recall=recall,
        recall_all_major=recall_major,
        false_flags=false_flags,
        category_any=cat_any,
        category_own=cat_own,
        span_overlap=overlap,
        flag_counts=_flag_counts(cases),
        signature=_annotated_signature(path, len(items), resamples, seed),
        failures=tuple(failures),
        seconds=time.perf_counter() - t0,
        cases=tuple(cases),
    )
    if output_dir is not None:
        report = write_annotated_report(report, Path(output_dir))
    return report


def render_annotated(report: AnnotatedReport) -> str:
    """The terminal report: one table, rows = measures, columns = all / even / odd lines."""
    from summarize.evaluation.trust import _table

    tgt = TARGETS
    rows: list[tuple[str, str, dict[str, Rate]]] = [
        ("precision (flagged with a major error)", f">={tgt['precision']:.2f}", report.precision),
        ("recall (major fact error flagged)", f">={tgt['recall']:.2f}", report.recall),
        ("false-flag rate (no major error)", f"<={tgt['false_flags']:.2f}", report.false_flags),
        ("span overlap (true positives)", "", report.span_overlap),
        ("recall, any major error", "", report.recall_all_major),
    ]
    for cat, rates in report.category_any.items():
        target = f">={tgt['untranslated']:.2f}" if cat == "untranslated" else ""
        rows.append((f"  {cat}: any flag", target, rates))
        if cat in report.category_own:
            own = "/".join(c for c in FACT_CODES[cat] if c in ("omission", "length")) or cat
            rows.append((f"  {cat}: '{own}' flag", "", report.category_own[cat]))
    rows = [r for r in rows if r[2]["all"].n]
    table = _table("measure", rows, list(GROUPS)).splitlines()
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report.flag_counts.items())) or "none"
    lines = [
        f"{report.path} ({report.items} annotated sentences; summarize.quality.check_translation)",
        "",
        *table,
        "",
        "value [95% percentile bootstrap CI] n=sentences; columns: all lines, even lines, odd"
        " lines of the file",
        f"sentences per flag: {counts}",
        f"signature: {report.signature['signature']}",
        "targets: " + ("all met" if report.passed else "NOT met: " + "; ".join(report.failures)),
    ]
    return "\n".join(lines)


def write_annotated_report(report: AnnotatedReport, out_dir: Path) -> AnnotatedReport:
    """results.json and cases.jsonl (every sentence with its flags and spans)."""
    from dataclasses import replace

    out_dir.mkdir(parents=True, exist_ok=True)

    def table(d: dict[str, Rate]) -> dict[str, Any]:
        return {g: r.to_dict() for g, r in d.items()}

    results = {
        "file": str(report.path),
        "precision": table(report.precision),
        "recall": table(report.recall),
        "recall_any_major": table(report.recall_all_major),
        "false_flag_rate": table(report.false_flags),
        "span_overlap": table(report.span_overlap),
        "category_recall_any_flag": {c: table(v) for c, v in report.category_any.items()},
        "category_recall_own_flag": {c: table(v) for c, v in report.category_own.items()},
        "sentences_per_flag": report.flag_counts,
        "targets": {**TARGETS, "met": report.passed, "failures": list(report.failures)},
        "signature": report.signature,
        "seconds": round(report.seconds, 2),
    }
    rows = (
        {
            "index": item.index,
            "system": item.system,
            "line": item.line,
            "major": item.major,
            "categories": sorted(
                {e.get("cat", "") for e in item.errors if e.get("severity") == "major"}
            ),
            "source": item.source,
            "translation": item.translation,
            "flags": [f.to_dict() for f in flags],
        }
        for item, flags in report.cases
    )
    return replace(report, files=write_case_files(out_dir, results, rows))


def annotated_command(
    path: Path,
    *,
    seed: int | None = None,
    resamples: int | None = None,
    output_dir: Path | None = None,
) -> AnnotatedReport:
    """``summarize eval trust --annotated FILE``: run, print, write the files."""
    out_dir = output_dir or Path("results") / "eval" / "trust-annotated"
    report = run_annotated(
        path,
        seed=12345 if seed is None else seed,
        resamples=1000 if resamples is None else resamples,
        output_dir=out_dir,
    )
    echo_report(render_annotated(report), report.files, report.seconds)
    return report
