"""The check stage: flag every translated sentence (:mod:`summarize.quality`)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from summarize.stages.work import Hooks, Work

if TYPE_CHECKING:
    from summarize.quality import Flag
    from summarize.translate import Translator


def sentence_flags(
    source: str, translation: str, truncated: bool, translator: Translator
) -> tuple[Flag, ...]:
    """The flags of one translated sentence (a truncated one says at which limit)."""
    from summarize.quality import check_translation, truncated_flag

    flags = check_translation(source, translation)
    if truncated:
        flags.append(truncated_flag(translator.settings.max_new_tokens))
    return tuple(flags)


def check_work(w: Work, translator: Translator) -> None:
    """Flag ``w``'s translated sentences (none for English input) and start its repairs."""
    assert w.article is not None
    start = time.perf_counter()
    if w.english_input or w.translation_sentences is None:
        w.flags = [() for _ in w.aligned_indices]
        w.repairs = [() for _ in w.aligned_indices]
        return
    sources = w.sources
    w.flags = [
        sentence_flags(src, tr, cut, translator)
        for src, tr, cut in zip(sources, w.translation_sentences, w.truncated, strict=True)
    ]
    w.repairs = [() for _ in sources]
    w.timings["check"] = time.perf_counter() - start


def check_stage(works: list[Work], translator: Translator, hooks: Hooks) -> None:
    """Flag every record's sentences, with a ``checking`` event before and after each."""
    hooks.event("checking", 0, len(works), "articles")
    for done, w in enumerate(works, 1):
        check_work(w, translator)
        hooks.event("checking", done, len(works), "articles")
