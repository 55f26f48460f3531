"""The translation stage: choose what each record needs translated (every sentence, or
the extractive picks), translate it batched across records, and keep each record's
sentences, title, truncation and confidence; and plain-text translation."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from summarize.stages.work import Hooks, Models, Work, paragraph_text

if TYPE_CHECKING:
    from summarize.progress import ProgressCallback
    from summarize.translate import TranslatedGroup, Translator


def choose_sentences(w: Work, models: Models) -> None:
    """Set ``w``'s aligned indices (the sentences translated) and, for an extractive
    strategy, its summary indices (the picked sentences)."""
    assert w.article is not None
    sents = w.article.sentences
    full = models.config.resolved_full_translation
    if models.entry.extractive:
        from summarize.extractive import select_sentences

        cfg = models.config
        chosen = select_sentences(list(sents), cfg.extractive, cfg.extract_k)
        w.aligned_indices = list(range(len(sents))) if full else chosen
        w.summary_indices = chosen
    elif full:
        w.aligned_indices = list(range(len(sents)))
    else:
        w.aligned_indices = []


def needed(w: Work, models: Models) -> list[str] | None:
    """The texts ``w`` needs translated (its aligned sentences, then its title); ``None``
    for English input, which is kept as it is."""
    choose_sentences(w, models)
    assert w.article is not None
    if w.english_input:
        w.translation_sentences = w.sources
        w.title_translation = w.article.title
        return None
    need = w.sources
    if w.article.title:
        need.append(w.article.title)
    return need


def _keep(w: Work, group: TranslatedGroup) -> None:
    """``w``'s translations from its group (the title's last)."""
    out = list(group.sentences)
    assert w.article is not None
    if w.article.title:
        w.title_translation = out.pop().text
    w.translation_sentences = [t.text for t in out]
    w.truncated = [t.truncated for t in out]
    w.confidence = [t.confidence for t in out]
    w.warnings.extend(group.warnings)  # split sentences of this record


def translate_stage(works: list[Work], models: Models, hooks: Hooks) -> None:
    """Translate what each record needs, batched across records."""
    jobs: list[tuple[Work, list[str]]] = []
    for w in works:
        need = needed(w, models)
        if need is not None:
            jobs.append((w, need))
    if not jobs:
        return
    start = time.perf_counter()
    total = sum(len(need) for _, need in jobs)
    groups = models.translator.translate_groups(
        [need for _, need in jobs], on_batch=hooks.translation_counter(total)
    )
    elapsed = time.perf_counter() - start
    for (w, need), group in zip(jobs, groups, strict=True):
        _keep(w, group)
        w.share("translate", elapsed, elapsed * (len(need) / max(total, 1)))


def translate_texts(
    translator: Translator, texts: Sequence[str], on_event: ProgressCallback | None = None
) -> list[str]:
    """Plain texts translated without article cleaning: split into paragraphs and
    sentences, translated (one group per text), and reassembled."""
    from summarize.text import split_paragraphs, split_sentences

    layout: list[list[list[str]]] = [
        [split_sentences(p) for p in split_paragraphs(t)] for t in texts
    ]
    flat = [s for doc in layout for para in doc for s in para]
    count = Hooks(on_event=on_event).counter("translating", len(flat), "sentences")
    groups = translator.translate_groups(
        [[s for para in doc for s in para] for doc in layout], on_batch=count
    )
    out = []
    for doc, group in zip(layout, groups, strict=True):
        translated, pos, paras = group.texts, 0, []
        for para in doc:
            paras.append(translated[pos : pos + len(para)])
            pos += len(para)
        out.append(paragraph_text(paras))
    return out
