"""The CPU stage: normalise, size-check, clean and split each record (no model)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from summarize.errors import InputError, InputTooLargeError
from summarize.stages.work import Hooks, Record, Work, to_record


def prepare(record: Record, max_chars: int | None) -> Work:
    """``record`` cleaned and split into a :class:`Work` (with ``error`` set for a bad one:
    a reader's failure, an article over ``max_chars`` characters, an empty one...)."""
    from summarize.text import prepare_article

    work = Work(record, warnings=list(record.warnings))
    if record.error:
        work.error = record.error
        return work
    start = time.perf_counter()
    try:
        assert record.text is not None
        if max_chars is not None and len(record.text) > max_chars:
            raise InputTooLargeError(
                f"article has {len(record.text):,} characters, over the limit of {max_chars:,}"
            )
        url = record.metadata.get("url")
        article = prepare_article(
            record.text,
            html=record.html,
            title=record.title,
            url=url if isinstance(url, str) else None,
        )
    except InputError as exc:
        work.error = str(exc)
        return work
    work.article = article
    work.warnings.extend(article.warnings)
    if article.language == "en":
        work.english_input = True
        work.warnings.append("input is English: translation skipped")
    work.timings["prepare"] = time.perf_counter() - start
    return work


def prepare_all(
    records: Sequence[Any], start_position: int, max_chars: int | None, hooks: Hooks
) -> list[Work]:
    """Each of ``records`` (numbered from ``start_position``) normalised and prepared, with
    a ``preparing`` event before the first and after each."""
    recs = [to_record(r, start_position + i) for i, r in enumerate(records)]
    works: list[Work] = []
    hooks.event("preparing", 0, len(recs), "articles")
    for rec in recs:
        works.append(prepare(rec, max_chars))
        hooks.event("preparing", len(works), len(recs), "articles")
    return works
