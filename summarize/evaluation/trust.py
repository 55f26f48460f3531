"""The detector benchmark (``summarize eval trust``): how well :mod:`summarize.quality`
catches broken translations, measured on human reference pairs.

Every human Indonesian -> English pair of the data sets is kept once as it is
(``clean``) and, where it qualifies, once per synthetic fault made on the English side
with a seeded random generator:

* ``number``: a number or date of the English that the source has too is changed (a
  different value) or dropped; pairs whose source has a number.
* ``name``: a name both sides share (a capitalised word or run written the same in both)
  is dropped from the English.
* ``repetition``: a 1-3 word n-gram of the English is repeated 4-6 times in place.
* ``untranslated``: the English is replaced with the Indonesian source.
* ``truncation``: only the first half of the English words is kept (pairs of 8+ words).

The faults are made independently of the detector's own rules (names are found by
plain string matching, numbers by digit/number-word matching), so recall is not a
tautology. Reported: recall per fault type (the expected flag fires; and any flag
fires), and the false-positive rate of each flag and of all flags together on clean
pairs, per data set and overall, with percentile bootstrap CIs.
"""

from __future__ import annotations

import functools
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from summarize.quality import TRANSLATION_CODES, check_translation
from summarize.text.numbers import NUMBER_WORDS

FAULTS = ("number", "name", "repetition", "untranslated", "truncation")
#: The flag each fault should raise.
EXPECTED = {
    "number": "number",
    "name": "name",
    "repetition": "repetition",
    "untranslated": "untranslated",
    "truncation": "length",
}
#: Targets from issue 13 (recall of the expected flag; false-positive rate).
RECALL_TARGETS = {
    "number": 0.95,
    "repetition": 0.95,
    "untranslated": 0.95,
    "name": 0.90,
    "truncation": 0.90,
}
FPR_TARGET = 0.03

_TOKEN = re.compile(r"\S+")
_DIGITS = re.compile(r"(?<![\w.,])\d+(?:[.,:]\d+)*(?![\w])")
_NUMBER_WORD = re.compile(
    r"\b("
    + "|".join(sorted((w for w in NUMBER_WORDS if w.isascii()), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_CAP_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_CORE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Case:
    dataset: str
    index: int
    fault: str  # "clean" or one of FAULTS
    source: str
    translation: str
    detail: str = ""


@dataclass(frozen=True)
class TrustDataset:
    name: str
    pairs: list[tuple[str, str]]
    files: list[Path] = field(default_factory=list)


# ------------------------------------------------------------------------------ faults


def _fault_number(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    if not (_DIGITS.search(src) or _NUMBER_WORD.search(src)):
        return None
    cands = [*_DIGITS.finditer(en), *_NUMBER_WORD.finditer(en)]
    if not cands:
        return None
    m = rng.choice(cands)
    text = m.group(0)
    if rng.random() < 0.5:
        new = en[: m.start()].rstrip() + " " + en[m.end() :].lstrip()
        return new.strip(), f"dropped {text!r}"
    changed = _other_number(text, rng)
    return en[: m.start()] + changed + en[m.end() :], f"{text!r} -> {changed!r}"


def _other_number(text: str, rng: random.Random) -> str:
    """A different number: one digit changed (no new leading zero), or another English
    number word."""
    if text[0].isdigit():
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        i = rng.choice(digits)
        d = str((int(text[i]) + rng.randint(1, 8)) % 10)
        if i == 0 and d == "0" and len(digits) > 1:
            d = "9"
        return text[:i] + d + text[i + 1 :]
    words = [w for w in NUMBER_WORDS if w.isascii() and w != text.lower()]
    return rng.choice([w for w in words if w in _ENGLISH_NUMBER_WORDS])


#: capitalised words that are not names of people, places or organisations
_NOT_NAMES = frozenset(
    """
    i oh ok okay hi hello ah eh wow ha haha hehe hmm yes no yup yeah
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
)

_ENGLISH_NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty".split()
)


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \"'“‘«(")
    return not before or before[-1] in ".!?…:;"


def _fault_name(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    """Drop a name both sides share: a capitalised run of the English whose words all occur
    in the source, spelled the same (so capitalised there too: a lower-case "bandung" in
    informal text is not counted, see docs/evaluation.md). At a sentence start it must
    also start the source."""
    src_words = set(_CORE.findall(src))
    src_first = _CORE.findall(src)[:1]
    names = []
    for m in _CAP_RUN.finditer(en):
        words = _CORE.findall(m.group(0))
        if not words or not all(w in src_words for w in words):
            continue
        if any(w.lower() in _NOT_NAMES for w in words) or all(len(w) < 2 for w in words):
            continue
        if _sentence_start(en, m.start()) and words[0] not in src_first:
            continue
        names.append(m.group(0).strip("'’-"))
    if not names:
        return None
    name = rng.choice(sorted(set(names)))
    new = re.sub(rf"(?<![\w]){re.escape(name)}(?:['’]s)?(?![\w])", " ", en)
    new = re.sub(r"\s+([,.!?;:])", r"\1", re.sub(r"\s{2,}", " ", new)).strip()
    if new == en.strip():
        return None
    return new, f"dropped {name!r}"


def _fault_repetition(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _TOKEN.findall(en)
    if not tokens:
        return None
    n = rng.randint(1, min(3, len(tokens)))
    i = rng.randrange(0, len(tokens) - n + 1)
    gram = tokens[i : i + n]
    copies = rng.randint(4, 6)
    new = tokens[:i] + gram * copies + tokens[i + n :]
    return " ".join(new), f"{' '.join(gram)!r} x{copies}"


def _fault_untranslated(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    if _CORE.findall(src.lower()) == _CORE.findall(en.lower()):
        return None
    return src, "English replaced with the source"


def _fault_truncation(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _TOKEN.findall(en)
    if len(tokens) < 8:
        return None
    keep = len(tokens) // 2
    return " ".join(tokens[:keep]), f"kept {keep} of {len(tokens)} words"


MAKERS: dict[str, Callable[[str, str, random.Random], tuple[str, str] | None]] = {
    "number": _fault_number,
    "name": _fault_name,
    "repetition": _fault_repetition,
    "untranslated": _fault_untranslated,
    "truncation": _fault_truncation,
}


def make_cases(name: str, pairs: Sequence[tuple[str, str]], seed: int) -> list[Case]:
    """The clean pairs plus every fault each pair qualifies for (seeded per pair)."""
    cases: list[Case] = []
    for i, (src, en) in enumerate(pairs):
        cases.append(Case(name, i, "clean", src, en))
        for fault in FAULTS:
            rng = random.Random(f"{seed}:{name}:{i}:{fault}")
            made = MAKERS[fault](src, en, rng)
            if made is not None and made[0].strip() != en.strip():
                cases.append(Case(name, i, fault, src, made[0], made[1]))
    return cases


# ----------------------------------------------------------------------------- suite


@dataclass(frozen=True)
class TrustSuite:
    name: str
    description: str
    datasets: tuple[tuple[str, Any, dict[str, Path], dict[str, Any]], ...]
    seed: int = 12345
    resamples: int = 1000
    path: Path | None = None


def _toml(path: Path) -> dict[str, Any]:
    from summarize.evaluation.suite import _load_toml

    return _load_toml(path)


def is_trust_file(path: Path) -> bool:
    """Whether the suite file ``path`` is a detector benchmark (``task = "detector"``)."""
    try:
        return path.suffix == ".toml" and _toml(path).get("task") == "detector"
    except Exception:  # an unreadable file is the suite loader's business
        return False


def find_trust_suite(target: str) -> Path | None:
    """The detector suite file that ``target`` names (a name in eval/ or a path), else None."""
    from summarize.evaluation.suite import list_suites

    p = Path(target).expanduser()
    if not p.is_file():
        found = list_suites().get(target)
        if found is None:
            return None
        p = found
    return p if is_trust_file(p) else None


def load_trust_suite(path: Path) -> TrustSuite:
    """Read a ``task = "detector"`` suite: ``[[datasets]]`` tables with ``name``,
    ``loader`` (nusax_mt, tatoeba, talpco, pairs), the loader's path arguments and options;
    tables with the same name are concatenated. A table with ``data = NAME`` reads files
    of that named data set, which must be in the data cache (else the pull command)."""
    from summarize.errors import ConfigError
    from summarize.evaluation.data import require
    from summarize.evaluation.datasets import LOADERS, normalise_loader_name
    from summarize.evaluation.suite import data_set_name, resolve_data_path

    data = _toml(path)
    tables = data.get("datasets")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: define at least one [[datasets]] table")
    out = []
    for i, raw in enumerate(tables):
        if not isinstance(raw, dict) or "loader" not in raw:
            raise ConfigError(f"{path}: datasets[{i}] needs a 'loader'")
        table = dict(raw)
        loader = normalise_loader_name(str(table.pop("loader")))
        name = str(table.pop("name", loader))
        path_args = ("path",) if loader == "pairs" else LOADERS[loader].path_args
        missing = [k for k in path_args if k not in table]
        if loader not in LOADERS and loader != "pairs" or missing:
            raise ConfigError(f"{path}: datasets[{i}]: unknown loader or missing {missing}")
        data_set = data_set_name(table.pop("data", None), f"{path}: datasets[{i}]")
        if data_set is not None:
            require(data_set)
        paths = {k: resolve_data_path(str(table.pop(k)), data_set, path.parent) for k in path_args}
        out.append((name, loader, paths, table))
    return TrustSuite(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")).strip(),
        datasets=tuple(out),
        seed=int(data.get("seed", 12345)),
        resamples=int(data.get("resamples", 1000)),
        path=path,
    )


def load_datasets(suite: TrustSuite, limit: int | None = None) -> list[TrustDataset]:
    from summarize.evaluation.datasets import LOADERS, dataset_files, load_pairs

    merged: dict[str, TrustDataset] = {}
    for name, loader, paths, options in suite.datasets:
        if loader == "pairs":
            items, _ = load_pairs(paths["path"], limit=limit, **options)
        else:
            items = LOADERS[loader].function(
                **{k: str(v) for k, v in paths.items()}, **options, limit=limit
            )
        ds = merged.setdefault(name, TrustDataset(name, [], []))
        ds.pairs.extend((it.source, it.reference) for it in items)
        ds.files.extend(dataset_files(loader, paths, options))
    return list(merged.values())


# ---------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Rate:
    """A proportion ``hits / n`` with its percentile bootstrap CI."""

    hits: int
    n: int
    value: float
    low: float
    high: float

    def format(self) -> str:
        if self.n == 0:
            return "-"
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}] n={self.n}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "hits": self.hits,
            "n": self.n,
            "value": self.value,
            "ci": [self.low, self.high],
        }


@functools.lru_cache(maxsize=32)
def _counts(n: int, resamples: int, seed: int) -> np.ndarray:
    from summarize.evaluation.stats import resample_counts

    return resample_counts(n, resamples, seed)


def _rate(outcomes: Sequence[bool], resamples: int, seed: int) -> Rate:
    from summarize.evaluation.stats import bootstrap_ci

    n = len(outcomes)
    if n == 0:
        nan = float("nan")
        return Rate(0, 0, nan, nan, nan)
    stats = np.asarray(outcomes, dtype=np.float64)
    ci = bootstrap_ci(
        stats,
        lambda sums, k: sums[:, 0] / k,
        resamples=resamples,
        seed=seed,
        counts=_counts(n, resamples, seed),
    )
    return Rate(int(stats.sum()), n, ci.score, ci.low, ci.high)


@dataclass(frozen=True)
class TrustReport:
    suite: TrustSuite
    datasets: tuple[str, ...]
    recall: dict[str, dict[str, Rate]]  # fault -> dataset|"all" -> expected-flag recall
    recall_any: dict[str, dict[str, Rate]]  # fault -> dataset|"all" -> any-flag recall
    fpr: dict[str, dict[str, Rate]]  # flag|"any" -> dataset|"all" -> false-positive rate
    signature: dict[str, Any]
    failures: tuple[str, ...]
    seconds: float
    files: dict[str, str] = field(default_factory=dict)
    cases: tuple[tuple[Case, tuple[str, ...]], ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures


def rules_fingerprint() -> str:
    """SHA-256 (first 12 hex digits) of the detector's source files."""
    import hashlib

    import summarize.quality as quality
    import summarize.text.exonyms as exonyms
    import summarize.text.langid as langid
    import summarize.text.lexicon as lexicon
    import summarize.text.names as names
    import summarize.text.numbers as numbers
    import summarize.text.stopwords as stopwords
    import summarize.text.units as units

    h = hashlib.sha256()
    for mod in (quality, numbers, names, exonyms, langid, stopwords, lexicon, units):
        h.update(Path(str(mod.__file__)).read_bytes())
    return h.hexdigest()[:12]


Scored = tuple[Case, tuple[str, ...]]  # a case and the flag codes raised on it


def _score_cases(datasets: Sequence[Any], seed: int) -> list[Scored]:
    """Every case of every data set with the codes :func:`check_translation` raised."""
    scored: list[Scored] = []
    for ds in datasets:
        for case in make_cases(ds.name, ds.pairs, seed):
            flags = check_translation(case.source, case.translation)
            scored.append((case, tuple(dict.fromkeys(f.code for f in flags))))
    return scored


def _select(scored: list[Scored], fault: str, group: str) -> list[Scored]:
    """The cases of ``fault`` in data set ``group`` (``all``: every data set)."""
    return [
        (c, codes)
        for c, codes in scored
        if c.fault == fault and (group == "all" or c.dataset == group)
    ]


def _recalls(
    scored: list[Scored], groups: list[str], rate: Callable[[list[bool]], Rate]
) -> tuple[dict[str, dict[str, Rate]], dict[str, dict[str, Rate]]]:
    """Per fault and group: the expected code's recall, and any flag's."""
    recall: dict[str, dict[str, Rate]] = {}
    recall_any: dict[str, dict[str, Rate]] = {}
    for fault in FAULTS:
        rows = {g: _select(scored, fault, g) for g in groups}
        recall[fault] = {
            g: rate([EXPECTED[fault] in codes for _, codes in rows[g]]) for g in groups
        }
        recall_any[fault] = {g: rate([bool(codes) for _, codes in rows[g]]) for g in groups}
    return recall, recall_any


def _false_positives(
    scored: list[Scored], groups: list[str], rate: Callable[[list[bool]], Rate]
) -> dict[str, dict[str, Rate]]:
    """Per group, the share of clean cases flagged: by any code, then per code."""
    clean = {g: _select(scored, "clean", g) for g in groups}
    fpr = {"any": {g: rate([bool(codes) for _, codes in clean[g]]) for g in groups}}
    for code in TRANSLATION_CODES:
        if code == "truncated":
            continue  # engine-reported, never raised by check_translation
        fpr[code] = {g: rate([code in codes for _, codes in clean[g]]) for g in groups}
    return fpr


def _trust_failures(
    recall: dict[str, dict[str, Rate]], fpr: dict[str, dict[str, Rate]], groups: list[str]
) -> list[str]:
    failures: list[str] = []
    for fault, target in RECALL_TARGETS.items():
        r = recall[fault]["all"]
        if r.n and r.value < target:
            failures.append(f"recall {fault} {r.value:.3f} < {target}")
    for g in groups:
        r = fpr["any"][g]
        if r.n and r.value > FPR_TARGET:
            failures.append(f"false-positive rate {g} {r.value:.3f} > {FPR_TARGET}")
    return failures


def _trust_signature(
    suite: TrustSuite, datasets: Sequence[Any], limit: int | None, seed: int, resamples: int
) -> dict[str, Any]:
    from summarize.evaluation.datasets import sha256_files
    from summarize.evaluation.runner import environment
    from summarize.evaluation.stats import bootstrap_signature

    files = [f for ds in datasets for f in ds.files]
    return {
        "signature": (
            f"trust|rules:{rules_fingerprint()}|faults:seed:{seed}|"
            + bootstrap_signature(resamples, seed)
        ),
        "suite": str(suite.path) if suite.path else suite.name,
        "suite_sha256": sha256_files([suite.path]) if suite.path else None,
        "data": {
            ds.name: {
                "files": [str(f) for f in ds.files],
                "sha256": sha256_files(ds.files),
                "pairs": len(ds.pairs),
            }
            for ds in datasets
        },
        "data_sha256": sha256_files(files),
        "limit": limit,
        "versions": environment(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def run_trust(
    suite: TrustSuite,
    *,
    limit: int | None = None,
    seed: int | None = None,
    resamples: int | None = None,
    output_dir: Path | None = None,
) -> TrustReport:
    """Make the cases, run :func:`summarize.quality.check_translation` on each and score."""
    t0 = time.perf_counter()
    seed = suite.seed if seed is None else seed
    resamples = suite.resamples if resamples is None else resamples
    datasets = load_datasets(suite, limit)
    scored = _score_cases(datasets, seed)
    names = [ds.name for ds in datasets]
    groups = [*names, "all"]

    rate = functools.partial(_rate, resamples=resamples, seed=seed)

    recall, recall_any = _recalls(scored, groups, rate)
    fpr = _false_positives(scored, groups, rate)
    report = TrustReport(
        suite=suite,
        datasets=tuple(names),
        recall=recall,
        recall_any=recall_any,
        fpr=fpr,
        signature=_trust_signature(suite, datasets, limit, seed, resamples),
        failures=tuple(_trust_failures(recall, fpr, groups)),
        seconds=time.perf_counter() - t0,
        cases=tuple(scored),
    )
    if output_dir is not None:
        report = write_trust_report(report, Path(output_dir))
    return report


# ----------------------------------------------------------------------------- output


def _table(title: str, rows: list[tuple[str, str, dict[str, Rate]]], groups: list[str]) -> str:
    header = [title, "target", *groups]
    body = [[label, target, *(rates[g].format() for g in groups)] for label, target, rates in rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)


def render_trust(report: TrustReport) -> str:
    """The terminal report: recall per fault, false-positive rate per flag, signature."""
    groups = [*report.datasets, "all"]
    recall_rows = [
        (f"{fault} ({EXPECTED[fault]})", f">={RECALL_TARGETS[fault]:.2f}", report.recall[fault])
        for fault in FAULTS
    ]
    any_rows = [(fault, "", report.recall_any[fault]) for fault in FAULTS]
    fpr_rows = [("any flag", f"<={FPR_TARGET:.2f}", report.fpr["any"])] + [
        (code, "", rates) for code, rates in report.fpr.items() if code != "any"
    ]
    boot = report.signature["signature"]
    lines = [
        f"{report.suite.name} (detector benchmark: summarize.quality.check_translation)",
        "",
        "Recall: share of faulty pairs that get the expected flag",
        _table("fault (flag)", recall_rows, groups),
        "",
        "Recall with any flag",
        _table("fault", any_rows, groups),
        "",
        "False-positive rate on clean reference pairs",
        _table("flag", fpr_rows, groups),
        "",
        "value [95% percentile bootstrap CI] n=pairs",
        f"signature: {boot}",
        "targets: " + ("all met" if report.passed else "NOT met: " + "; ".join(report.failures)),
    ]
    return "\n".join(lines)


def write_trust_report(report: TrustReport, out_dir: Path) -> TrustReport:
    """results.json, report.md and cases.jsonl (every case with its flags)."""
    from dataclasses import replace

    out_dir.mkdir(parents=True, exist_ok=True)
    results = {
        "suite": report.suite.name,
        "description": report.suite.description,
        "datasets": list(report.datasets),
        "recall": {f: {g: r.to_dict() for g, r in v.items()} for f, v in report.recall.items()},
        "recall_any_flag": {
            f: {g: r.to_dict() for g, r in v.items()} for f, v in report.recall_any.items()
        },
        "false_positive_rate": {
            f: {g: r.to_dict() for g, r in v.items()} for f, v in report.fpr.items()
        },
        "targets": {
            "recall": RECALL_TARGETS,
            "false_positive_rate": FPR_TARGET,
            "met": report.passed,
            "failures": list(report.failures),
        },
        "signature": report.signature,
        "seconds": round(report.seconds, 2),
    }
    md = [
        f"# Detector benchmark: {report.suite.name}",
        "",
        report.suite.description,
        "",
        "```",
        render_trust(report),
        "```",
        "",
        "Flagged clean pairs are listed in `cases.jsonl` (`fault` = `clean`, non-empty "
        "`flags`); many are reference errors.",
        "",
    ]
    rows = (
        {
            "dataset": case.dataset,
            "index": case.index,
            "fault": case.fault,
            "detail": case.detail,
            "source": case.source,
            "translation": case.translation,
            "flags": list(codes),
        }
        for case, codes in report.cases
    )
    return replace(report, files=write_case_files(out_dir, results, rows, "\n".join(md)))


def write_case_files(
    out_dir: Path,
    results: dict[str, Any],
    rows: Iterable[dict[str, Any]],
    report_md: str | None = None,
) -> dict[str, str]:
    """Write ``results.json``, ``report.md`` (given ``report_md``) and ``cases.jsonl`` (one
    JSON object a line, from ``rows``) into ``out_dir``; returns kind -> path."""
    import json

    files = {"results": out_dir / "results.json"}
    if report_md is not None:
        files["report"] = out_dir / "report.md"
    files["cases"] = out_dir / "cases.jsonl"
    files["results"].write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if report_md is not None:
        files["report"].write_text(report_md)
    with open(files["cases"], "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {k: str(v) for k, v in files.items()}


def echo_report(rendered: str, files: dict[str, str], seconds: float) -> None:
    """Print a rendered report, the files written and the time taken (the CLI's output)."""
    import click

    click.echo(rendered)
    for kind, file in files.items():
        click.echo(f"{kind}: {file}")
    click.echo(f"done in {seconds:.1f} s")


def trust_command(
    target: str,
    *,
    limit: int | None = None,
    seed: int | None = None,
    resamples: int | None = None,
    output_dir: Path | None = None,
) -> bool:
    """``summarize eval TARGET`` for a detector suite: run, print, write the files.
    Returns False (doing nothing) when ``target`` is not a detector suite."""
    path = find_trust_suite(target)
    if path is None:
        return False
    suite = load_trust_suite(path)
    out_dir = output_dir or Path("results") / "eval" / suite.name
    report = run_trust(suite, limit=limit, seed=seed, resamples=resamples, output_dir=out_dir)
    echo_report(render_trust(report), report.files, report.seconds)
    return True
