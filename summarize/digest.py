"""Multi-article digests: one English summary per story, with its sources.

1. Every input article is cleaned (:func:`~summarize.text.prepare_article`; web pages
   through trafilatura) and grouped into stories (:mod:`summarize.stories`).
2. For each story, sentences are picked across its articles: TextRank over all of the
   story's sentences (a point several outlets make ranks high), with a small lead bonus,
   skipping any sentence that repeats one already picked (content-word overlap).
   Near-copies (``duplicate_of``) contribute no sentences.
3. The picked sentences, grouped by article, are summarised through the
   :class:`~summarize.pipeline.Pipeline` (translation and summary in English).
4. Each summary sentence is attributed to the article whose translated sentence it
   overlaps most; every story lists its articles (title, link, site, date).

Stories are ordered by size (articles), then by date (newest first).
"""

from __future__ import annotations

import dataclasses
import email.utils
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarize.errors import InputError
from summarize.extractive import textrank_scores, tokenize
from summarize.progress import ProgressCallback, ProgressEvent
from summarize.stories import StoryIndex, StorySettings
from summarize.text.sentences import split_sentences
from summarize.text.stopwords import ALL_STOPWORDS
from summarize.types import PreparedArticle

__all__ = [
    "Digest",
    "DigestArticle",
    "DigestSentence",
    "DigestStory",
    "build_digest",
    "pick_sentences",
    "to_markdown",
]

#: A candidate sentence sharing this much of its content words with a picked one is redundant.
REDUNDANT_OVERLAP = 0.5
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DigestArticle:
    """A source article of a story."""

    id: str
    title: str | None = None
    url: str | None = None
    site_name: str | None = None
    published: str | None = None  # ISO date when known
    duplicate_of: str | None = None


@dataclass(frozen=True)
class DigestSentence:
    """One English summary sentence and the article it came from (``score``: the share of
    its content words found in that article's translated sentence; 0 means no match)."""

    text: str
    article: str | None
    source: str | None = None
    score: float = 0.0


@dataclass(frozen=True)
class DigestStory:
    id: str
    articles: tuple[DigestArticle, ...]
    picked: tuple[tuple[str, str], ...]  # (article id, Indonesian sentence) fed to the summary
    title: str | None = None
    title_translation: str | None = None
    summary: str = ""
    sentences: tuple[DigestSentence, ...] = ()
    date: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["picked"] = [{"article": a, "sentence": s} for a, s in self.picked]
        d["size"] = len(self.articles)
        return d


@dataclass(frozen=True)
class Digest:
    stories: tuple[DigestStory, ...]
    failed: tuple[tuple[str, str], ...] = ()  # (article id, error) of unreadable inputs
    models: dict[str, Any] = field(default_factory=dict)

    @property
    def articles(self) -> int:
        return sum(len(s.articles) for s in self.stories)


def iso_date(value: Any) -> str | None:
    """``2024-07-10`` from ISO dates/times and RFC 822 feed dates; ``None`` otherwise."""
    if not value:
        return None
    text = str(value).strip()
    if _ISO_DATE_RE.match(text):
        return text[:10]
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _content(text: str) -> set[str]:
    return set(tokenize(text, ALL_STOPWORDS))


def _redundant(tokens: set[str], picked: Sequence[set[str]]) -> bool:
    for other in picked:
        small = min(len(tokens), len(other))
        if small and len(tokens & other) / small >= REDUNDANT_OVERLAP:
            return True
    return not tokens and bool(picked)


def pick_sentences(
    articles: Sequence[tuple[str, Sequence[str]]], max_sentences: int = 8
) -> list[tuple[str, str]]:
    """Non-redundant sentences across a story's articles: ``(article id, sentence)``,
    grouped by article in the given order, each article's sentences in text order."""
    candidates = [(a, i, s) for a, sentences in articles for i, s in enumerate(sentences)]
    if not candidates:
        return []
    scores = textrank_scores([s for _, _, s in candidates])
    n = len(candidates)
    # Lead bonus: news puts the key facts first.
    ranked = sorted(
        range(n),
        key=lambda c: (-(scores[c] * n + 1.0 / (2 + candidates[c][1])), c),
    )
    chosen: list[int] = []
    picked_tokens: list[set[str]] = []
    for c in ranked:
        tokens = _content(candidates[c][2])
        if _redundant(tokens, picked_tokens):
            continue
        chosen.append(c)
        picked_tokens.append(tokens)
        if len(chosen) >= max_sentences:
            break
    order = {a: k for k, (a, _) in enumerate(articles)}
    chosen.sort(key=lambda c: (order[candidates[c][0]], candidates[c][1]))
    return [(candidates[c][0], candidates[c][2]) for c in chosen]


def _attribute(
    summary: str, aligned: Sequence[tuple[str, str]], owner: dict[str, str]
) -> tuple[DigestSentence, ...]:
    """Each summary sentence -> the source sentence whose translation it overlaps most."""
    out: list[DigestSentence] = []
    translated = [(src, _content(tr)) for src, tr in aligned]
    for sentence in split_sentences(summary):
        words = _content(sentence)
        best_src, best = None, 0.0
        for src, tokens in translated:
            score = len(words & tokens) / len(words) if words else 0.0
            if score > best:
                best_src, best = src, score
        article = owner.get(_key(best_src)) if best_src is not None else None
        out.append(DigestSentence(sentence, article, best_src, round(best, 3)))
    return tuple(out)


def _key(sentence: str | None) -> str:
    return " ".join(tokenize(sentence or ""))


def _prepare(records: Iterable[Any]) -> Iterator[tuple[str, PreparedArticle | None, dict, str]]:
    """(id, article or None, record metadata, error) for each input record."""
    from summarize.pipeline import to_record
    from summarize.text import prepare_article

    for position, item in enumerate(records, start=1):
        record = to_record(item, position)
        if record.error or record.text is None:
            yield record.id, None, record.metadata, record.error or "no text"
            continue
        try:
            url = record.metadata.get("url")
            article = prepare_article(record.text, html=record.html, title=record.title, url=url)
        except InputError as exc:
            yield record.id, None, record.metadata, str(exc)
            continue
        yield record.id, article, record.metadata, ""


def build_digest(
    records: Iterable[Any],
    pipeline: Any,
    *,
    max_sentences: int = 8,
    batch_size: int | None = None,
    settings: StorySettings | None = None,
    on_event: ProgressCallback | None = None,
    total: int | None = None,
) -> Digest:
    """Group ``records`` (what :func:`summarize.io.iter_records` yields, strings or dicts)
    into stories and summarise each through ``pipeline``
    (a :class:`~summarize.pipeline.Pipeline`).

    ``on_event`` gets a ``grouping`` event per article read (out of ``total`` when
    given), a ``stories`` event (done/total stories) before and after each batch of
    stories is summarised, and the pipeline's own events in between. ``batch_size``:
    stories per pipeline batch (``None``: the pipeline's configured ``batch_size``)."""

    def event(stage: str, done: int, of: int, unit: str) -> None:
        if on_event is not None:
            on_event(ProgressEvent(stage, done, of, unit))

    index = StoryIndex(settings or StorySettings())
    prepared, failed = _group(records, index, total, event)
    stories = [
        _story(story_id, members, prepared, index, max_sentences)
        for story_id, members in index.stories().items()
    ]
    requests = [_request(story) for story in stories]
    event("stories", 0, len(requests), "stories")
    results = {}
    for r in pipeline.run(requests, batch_size=batch_size, on_event=on_event):
        results[r.id] = r
        event("stories", len(results), len(requests), "stories")
    finished = [_finish(story, results[story.id]) for story in stories]
    finished.sort(key=lambda s: (-len(s.articles), _neg_date(s.date)))
    models: dict[str, Any] = next((r.models for r in results.values() if r.models), {})
    return Digest(stories=tuple(finished), failed=tuple(failed), models=models)


_Prepared = dict[str, tuple[PreparedArticle, dict[str, Any]]]


def _group(
    records: Iterable[Any],
    index: StoryIndex,
    total: int | None,
    event: Callable[[str, int, int, str], None],
) -> tuple[_Prepared, list[tuple[str, str]]]:
    """Prepare every record and add it to ``index``; the prepared articles by id and
    the records that failed (or repeat an id)."""
    prepared: _Prepared = {}
    failed: list[tuple[str, str]] = []
    event("grouping", 0, total or 0, "articles")
    for read, (rid, article, meta, error) in enumerate(_prepare(records), 1):
        event("grouping", read, max(total or 0, read), "articles")
        if article is None:
            failed.append((rid, error))
        elif rid in prepared:
            failed.append((rid, "duplicate id (skipped)"))
        else:
            prepared[rid] = (article, meta)
            index.add(rid, article.text)
    return prepared, failed


def _digest_article(rid: str, prepared: _Prepared, index: StoryIndex) -> DigestArticle:
    article, meta = prepared[rid]
    info = {**article.metadata, **meta}
    return DigestArticle(
        id=rid,
        title=article.title,
        url=info.get("canonical_url") or info.get("url"),
        site_name=info.get("site_name"),
        published=iso_date(info.get("published")),
        duplicate_of=index.assignment(rid).duplicate_of,
    )


def _story(
    story_id: str, members: Sequence[str], prepared: _Prepared, index: StoryIndex, most: int
) -> DigestStory:
    """A story of ``members``, with up to ``most`` sentences picked across its articles
    (near-copies left out)."""
    articles = [_digest_article(rid, prepared, index) for rid in members]
    sources = [(a.id, prepared[a.id][0].sentences) for a in articles if a.duplicate_of is None]
    dates = [a.published for a in articles if a.published]
    return DigestStory(
        id=story_id,
        articles=tuple(articles),
        picked=tuple(pick_sentences(sources, most)),
        title=next((a.title for a in articles if a.title), None),
        date=max(dates) if dates else None,
    )


def _request(story: DigestStory) -> dict[str, Any]:
    """The pipeline record of a story: its picked sentences, a paragraph per article."""
    paragraphs: list[str] = []
    last = None
    for article_id, sentence in story.picked:
        if article_id != last:
            paragraphs.append(sentence)
            last = article_id
        else:
            paragraphs[-1] += " " + sentence
    return {"id": story.id, "text": "\n\n".join(paragraphs), "title": story.title}


def _finish(story: DigestStory, result: Any) -> DigestStory:
    """``story`` with its summary, each sentence attributed to its source article."""
    if result.error:
        return dataclasses.replace(story, error=result.error)
    owner = {_key(s): a for a, s in story.picked}
    aligned = [(a.source, a.translation) for a in result.alignment]
    return dataclasses.replace(
        story,
        summary=result.summary,
        title_translation=result.title_translation,
        sentences=_attribute(result.summary, aligned, owner),
    )


def _neg_date(date: str | None) -> tuple[int, str]:
    # Newest first; stories without a date after dated ones (sort is stable otherwise).
    if not date:
        return (1, "")
    return (0, "".join(chr(0x10FFFF - ord(c)) for c in date))


def _md_escape(text: str) -> str:
    return re.sub(r"([\[\]])", r"\\\1", text)


def _story_markdown(n: int, story: DigestStory) -> list[str]:
    """One story's section: heading, what it covers, the marked summary, the sources."""
    heading = story.title_translation or story.title or f"Story {n}"
    lines = [f"## {n}. {_md_escape(heading)}", ""]
    about = [f"{len(story.articles)} article{'s' if len(story.articles) != 1 else ''}"]
    if story.date:
        about.append(story.date)
    if story.title and story.title_translation:
        about.append(f"original title: {_md_escape(story.title)}")
    lines += ["*" + " · ".join(about) + "*", ""]
    number = {a.id: k for k, a in enumerate(story.articles, start=1)}
    if story.error:
        lines += [f"Summary failed: {story.error}", ""]
    else:
        marked = [
            s.text + (f" [{number[s.article]}]" if s.article in number else "")
            for s in story.sentences
        ]
        lines += [" ".join(marked) if marked else story.summary, ""]
    lines += ["Sources:", ""]
    lines += [_source_line(k, a, number) for k, a in enumerate(story.articles, start=1)]
    return [*lines, ""]


def _source_line(k: int, a: DigestArticle, number: dict[str, int]) -> str:
    title = _md_escape(a.title or a.id)
    link = f"[{title}]({a.url})" if a.url else title
    extra = [x for x in (a.site_name, a.published) if x]
    if a.duplicate_of:
        extra.append(f"near-copy of [{number.get(a.duplicate_of, a.duplicate_of)}]")
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"{k}. {link}{tail} `{a.id}`"


def to_markdown(digest: Digest) -> str:
    """The digest as Markdown: a section per story with its summary (each sentence
    marked with the number of its source) and the numbered list of sources."""
    lines = [
        "# News digest",
        "",
        f"{len(digest.stories)} stories from {digest.articles} articles.",
        "",
    ]
    for n, story in enumerate(digest.stories, start=1):
        lines += _story_markdown(n, story)
    if digest.failed:
        lines += ["## Inputs that could not be read", ""]
        lines += [f"- `{rid}`: {error}" for rid, error in digest.failed]
        lines.append("")
    return "\n".join(lines)
