"""The assemble stage: a record's :class:`~summarize.types.Result` from its work item
(paragraphs put back together, sentence alignment, the summary's flags and counts)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarize.errors import PERMANENT
from summarize.stages.work import Work, paragraph_text, timings
from summarize.types import AlignedSentence, PreparedArticle, Result

if TYPE_CHECKING:
    from summarize.quality import Flag

_EMPTY_SUMMARY = (
    "the model returned an empty summary for a non-empty article (is the model "
    "broken, e.g. missing or mismatched tokenizer files?)"
)


@dataclass(frozen=True)
class Signature:
    """What every result of one call shares: the strategy, the models and settings (the
    pipeline's :meth:`~summarize.pipeline.Pipeline.describe`) and the licence warnings."""

    strategy: str
    models: dict[str, Any]
    settings: dict[str, Any]
    warnings: list[str]


def alignment(w: Work, article: PreparedArticle) -> tuple[AlignedSentence, ...]:
    """Each translated sentence with its paragraph and position, source, flags, repairs
    and confidence."""
    positions = [(p, i) for p, para in enumerate(article.paragraphs) for i in range(len(para))]
    translations = w.translation_sentences or []
    flags = w.flags or [() for _ in translations]
    repairs = w.repairs or [() for _ in translations]
    confidence = w.confidence or [None for _ in translations]
    return tuple(
        AlignedSentence(positions[k][0], positions[k][1], article.sentences[k], t, f, r, c)
        for k, t, f, r, c in zip(
            w.aligned_indices, translations, flags, repairs, confidence, strict=True
        )
    )


def translation_text(aligned: tuple[AlignedSentence, ...], article: PreparedArticle) -> str:
    """The translated sentences in the article's paragraphs."""
    paras: list[list[str]] = [[] for _ in article.paragraphs]
    for a in aligned:
        paras[a.paragraph].append(a.translation)
    return paragraph_text(paras)


def summary_flags(w: Work, article: PreparedArticle, translation: str) -> tuple[Flag, ...]:
    """The summary's flags (none without a summary); a failing check is a warning."""
    if not w.summary:
        return ()
    from summarize.quality import check_summary

    flags: tuple[Flag, ...] = ()
    start = time.perf_counter()
    try:
        flags = tuple(
            check_summary(article.text, w.summary, None if w.english_input else translation)
        )
    except Exception as exc:  # flags inform; they must never cost the result
        w.warnings.append(f"summary check failed: {type(exc).__name__}: {exc}")
    w.timings["check"] = w.timings.get("check", 0.0) + time.perf_counter() - start
    return flags


def _failed(w: Work, strategy: str) -> Result:
    rec = w.record
    return Result(
        id=rec.id,
        title=rec.title,
        strategy=strategy,
        error=w.error,
        warnings=tuple(dict.fromkeys(w.warnings)),
        metadata=rec.metadata,
        error_kind=rec.error_kind or PERMANENT,
    )


def assemble(w: Work, signature: Signature) -> Result:
    """``w``'s result; a failed one (or an empty summary of a non-empty article, which
    means a broken model, never success) has ``error`` set."""
    if w.error is None and w.article is not None and not w.summary.strip():
        w.error = _EMPTY_SUMMARY
    if w.error is not None or w.article is None:
        return _failed(w, signature.strategy)
    from summarize.quality import count_codes

    article = w.article
    aligned = alignment(w, article)
    translation = translation_text(aligned, article)
    flags = summary_flags(w, article, translation)
    return Result(
        id=w.record.id,
        source=article.text,
        translation=translation,
        summary=w.summary,
        title=article.title,
        title_translation=w.title_translation,
        alignment=aligned,
        strategy=signature.strategy,
        models=signature.models,
        settings=signature.settings,
        timings=timings(w),
        warnings=tuple(dict.fromkeys(w.warnings + signature.warnings)),
        metadata={**article.metadata, **w.record.metadata},
        flags=flags,
        flag_counts=count_codes([f for a in aligned for f in a.flags] + list(flags)),
    )
