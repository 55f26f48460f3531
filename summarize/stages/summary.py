"""The summary stage: the extractive picks joined, or the summariser over the translation
or the source (then, for ``summarize-translate``, the summary translated)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from summarize.errors import ConfigError
from summarize.stages.work import Hooks, Models, Work
from summarize.strategies import FROM_TRANSLATION

if TYPE_CHECKING:
    from summarize.translate import Translator


def extractive_summary(w: Work) -> str:
    """The translations of ``w``'s picked sentences, in order (untranslated ones left out)."""
    assert w.article is not None and w.translation_sentences is not None
    by_index = dict(zip(w.aligned_indices, w.translation_sentences, strict=True))
    return " ".join(by_index[i] for i in w.summary_indices if by_index.get(i))


def summary_input(w: Work, models: Models) -> list[str]:
    """The sentences the summariser reads for ``w``: the full translation or the source."""
    assert w.article is not None
    if models.entry.summarize_from != FROM_TRANSLATION:
        return w.article.sentences  # the summariser reads the Indonesian source
    full = len(w.aligned_indices) == len(w.article.sentences)
    if w.translation_sentences is None or not full:
        raise ConfigError(f"{models.config.strategy} needs the full translation")
    return [s for s in w.translation_sentences if s]


def summarize_stage(works: list[Work], models: Models, hooks: Hooks) -> None:
    """Each record's summary (see the module docstring)."""
    if models.entry.extractive:
        for w in works:
            w.summary = extractive_summary(w)
        return
    _summarize(works, models, hooks)
    if models.entry.translate_summary:
        _translate_summaries(works, models.translator, hooks)


def _summarize(works: list[Work], models: Models, hooks: Hooks) -> None:
    assert models.summarizer is not None
    start = time.perf_counter()
    docs = [summary_input(w, models) for w in works]
    hooks.event("summarising", 0, sum(1 for d in docs if d), "passages")
    outputs = models.summarizer.summarize_many(docs, on_batch=hooks.summary_batch)
    elapsed = time.perf_counter() - start
    total = sum(len(d) for d in docs) or 1
    for w, doc, (summary, warnings) in zip(works, docs, outputs, strict=True):
        w.summary = summary
        w.warnings.extend(warnings)
        w.share("summarize", elapsed, elapsed * len(doc) / total)


def _translate_summaries(works: list[Work], translator: Translator, hooks: Hooks) -> None:
    """The (Indonesian) summaries translated, sentence by sentence."""
    from summarize.text import split_sentences

    todo = [w for w in works if not w.english_input and w.summary]
    pieces = [split_sentences(w.summary) or [w.summary] for w in todo]
    start = time.perf_counter()
    total = sum(len(p) for p in pieces)
    count = hooks.counter("translating summaries", total, "sentences")
    translated = translator.translate_groups(pieces, on_batch=count)
    elapsed = time.perf_counter() - start
    for w, p, group in zip(todo, pieces, translated, strict=True):
        w.summary = " ".join(t for t in group.texts if t)
        w.share("translate_summary", elapsed, elapsed * len(p) / max(total, 1))
