"""Frozen result types shared by the whole package.

Names are used consistently: ``source`` (cleaned Indonesian input), ``translation``
(English), ``summary`` (English), ``reference`` and ``prediction`` (evaluation).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PreparedArticle:
    """An article after cleaning: what gets translated and summarised.

    ``paragraphs`` holds the sentences of each paragraph, in order. ``metadata``
    keeps what was moved out of the text (source line, dateline, site prefix, ...).
    """

    text: str
    paragraphs: tuple[tuple[str, ...], ...]
    title: str | None = None
    language: str = "unknown"
    metadata: dict[str, Any] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def sentences(self) -> list[str]:
        return [s for para in self.paragraphs for s in para]


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of one side (``source``, ``translation`` or ``summary``)."""

    side: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"side": self.side, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Flag:
    """One reason to doubt a translation or summary: ``code`` (see the module docs), a
    human-readable ``message`` and the ``spans`` concerned (codes: :mod:`summarize.quality`)."""

    code: str
    message: str
    spans: tuple[Span, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "spans": [s.to_dict() for s in self.spans],
        }


@dataclass(frozen=True)
class RepairAttempt:
    """One retranslation of a flagged sentence: what was ``tried`` (``"stricter decoding"``
    or ``"fallback model"``), with which ``settings`` (or ``model``), the ``translation``
    it gave, that translation's flag codes, and whether it ``cleared`` the flags that
    asked for the repair (then it replaced the translation)."""

    tried: str
    translation: str
    flags: tuple[str, ...] = ()
    cleared: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    model: str | None = None


@dataclass(frozen=True)
class AlignedSentence:
    """One source sentence and its translation. ``paragraph`` and ``index`` are 0-based.

    ``flags`` are the reasons to doubt the translation (:mod:`summarize.quality`; after
    any repair); ``repairs`` lists the retranslations tried, in order. ``confidence`` is
    the translation engine's mean log-probability per generated token (0 is certain, more
    negative is less sure; ``None`` when no model translated it, e.g. English input). It is
    uncalibrated: no threshold is implied, and it has not been measured on real weights."""

    paragraph: int
    index: int
    source: str
    translation: str
    flags: tuple[Flag, ...] = ()
    repairs: tuple[RepairAttempt, ...] = ()
    confidence: float | None = None


@dataclass(frozen=True)
class GenerationSettings:
    """Decoding settings passed to an engine. ``None`` means "use the model family default"."""

    num_beams: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None
    do_sample: bool = False
    seed: int | None = None

    def merged_over(self, defaults: GenerationSettings) -> GenerationSettings:
        """Return these settings with unset fields filled from ``defaults``."""
        values = {}
        for f in dataclasses.fields(self):
            mine = getattr(self, f.name)
            values[f.name] = mine if mine is not None else getattr(defaults, f.name)
        values["do_sample"] = self.do_sample or defaults.do_sample
        lo, hi = values["min_new_tokens"], values["max_new_tokens"]
        if lo is not None and hi is not None and lo > hi:
            # An explicit maximum below the family's default minimum wins.
            values["min_new_tokens"] = hi
        return GenerationSettings(**values)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Result:
    """The outcome of one article. ``error`` is set (and text fields may be empty) on failure.

    ``story`` (the id of the first article of the same story) and ``duplicate_of`` (an
    earlier near-copy) are set by story grouping (:mod:`summarize.stories`), e.g. in
    ``summarize run``; a bare pipeline leaves them ``None``.

    ``timings`` holds seconds per stage and their ``total``. ``prepare`` and ``check``
    are this article's own time. The model stages (``translate``, ``repair``,
    ``summarize``, ``translate_summary``) run once for a batch of articles: their values
    are this article's share of the batch's time (in proportion to its sentences), and
    ``timings["batch"]`` says so: ``{"size": articles in the batch, "shared": [those
    stages], "seconds": {stage: the whole batch's seconds}}``."""

    id: str
    source: str = ""
    translation: str = ""
    summary: str = ""
    title: str | None = None
    title_translation: str | None = None
    alignment: tuple[AlignedSentence, ...] = ()
    strategy: str = ""
    models: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    story: str | None = None
    duplicate_of: str | None = None
    #: the summary's flags (unsupported numbers/names, loops)
    flags: tuple[Flag, ...] = ()
    #: flags per code, over the sentences' flags and the summary's
    flag_counts: dict[str, int] = field(default_factory=dict)
    #: on failure, ``"transient"`` (a timeout, a connection error, HTTP 429/5xx: ``--resume``
    #: tries the record again) or ``"permanent"`` (anything else); ``None`` when ok
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (the JSONL output format)."""
        d = dataclasses.asdict(self)
        d["alignment"] = [dataclasses.asdict(a) for a in self.alignment]
        d["warnings"] = list(self.warnings)
        d["flags"] = [f.to_dict() for f in self.flags]
        return d


@dataclass(frozen=True)
class RunSummary:
    """What a batch run did (either engine): the counts of its closing line."""

    ok: int
    failed: int
    skipped: int
    warned: int
    elapsed: float
    load_time: float
    target: str
    total: int | None = None
    #: Input files that could not be opened (each is one failed record).
    unreadable: int = 0

    def line(self) -> str:
        """The closing line ``summarize run`` prints."""
        unreadable = (
            f" ({self.unreadable} of them unreadable input files, one record each)"
            if self.unreadable
            else ""
        )
        return (
            f"{self.ok} ok ({self.warned} with warnings), {self.failed} failed{unreadable}, "
            f"{self.skipped} skipped as already done; {self.elapsed:.1f}s "
            f"(model load {self.load_time:.1f}s) -> {self.target}"
        )
