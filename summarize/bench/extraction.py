"""Main-text extraction on the test news pages: trafilatura (now) vs the old stripper.

``python -m summarize.bench.extraction [SEEDS_DIR]`` renders every seed in every page
template of :mod:`summarize.testing.newssite` and prints, per extractor: word recall of
the article body (multiset of lowercase words of the cleaned seed that the cleaned
source contains), the pages with any site chrome left in the cleaned source, and how
often the title, publication date and author were found.

"old" is the small fragment reader (:func:`summarize.text.html.html_to_text`, the
whole-page extractor before trafilatura) followed by the same cleaning rules; "new" is
:func:`summarize.text.clean.prepare_article` on the page, i.e. trafilatura + the rules.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

from summarize.testing.newssite import CHROME_MARKERS, NewsPage, build_pages
from summarize.text.clean import prepare_article
from summarize.text.html import html_to_text
from summarize.text.tokens import word_tokens
from summarize.types import PreparedArticle


@dataclass(frozen=True)
class PageScore:
    page: str
    recall: float
    chrome: tuple[str, ...]
    title: bool
    date: bool
    author: bool


def word_recall(expected: str, got: str) -> float:
    """Share of the expected text's words (as a multiset) found in ``got``."""
    want = Counter(word_tokens(expected))
    have = Counter(word_tokens(got))
    total = sum(want.values())
    return sum((want & have).values()) / total if total else 1.0


def chrome_left(text: str) -> tuple[str, ...]:
    low = text.casefold()
    return tuple(m for m in CHROME_MARKERS if m.casefold() in low)


def old_extract(page: NewsPage) -> PreparedArticle:
    stripped = html_to_text(page.html)
    return prepare_article(stripped.text, html=False, title=stripped.title)


def new_extract(page: NewsPage) -> PreparedArticle:
    return prepare_article(page.html, url=f"http://127.0.0.1{page.path}")


def score(page: NewsPage, article: PreparedArticle) -> PageScore:
    meta = article.metadata
    return PageScore(
        page=page.path,
        recall=word_recall(page.body, article.text),
        chrome=chrome_left(article.text),
        title=(article.title or "").casefold() == page.title.casefold(),
        date=str(meta.get("published", ""))[:10] == page.date,
        author=page.author.casefold() in str(meta.get("author", "")).casefold(),
    )


def summarise(scores: list[PageScore]) -> dict[str, Any]:
    n = len(scores)
    return {
        "pages": n,
        "recall_mean": round(sum(s.recall for s in scores) / n, 4),
        "recall_min": round(min(s.recall for s in scores), 4),
        "pages_with_chrome": sum(bool(s.chrome) for s in scores),
        "chrome_found": sorted({m for s in scores for m in s.chrome}),
        "title": f"{sum(s.title for s in scores)}/{n}",
        "date": f"{sum(s.date for s in scores)}/{n}",
        "author": f"{sum(s.author for s in scores)}/{n}",
    }


def run(seeds_dir: str) -> dict[str, dict[str, Any]]:
    pages = build_pages(seeds_dir)
    return {
        "old (html.py stripper)": summarise([score(p, old_extract(p)) for p in pages]),
        "new (trafilatura)": summarise([score(p, new_extract(p)) for p in pages]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m summarize.bench.extraction")
    parser.add_argument("seeds", nargs="?", default="seeds", help="directory of seed .txt files")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    results = run(args.seeds)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    keys = ["pages", "recall_mean", "recall_min", "pages_with_chrome", "title", "date", "author"]
    names = list(results)
    print(f"{'':20}" + "".join(f"{n:>26}" for n in names))
    for k in keys:
        print(f"{k:20}" + "".join(f"{results[n][k]!s:>26}" for n in names))
    for n in names:
        if results[n]["chrome_found"]:
            print(f"chrome left by {n}: {', '.join(results[n]['chrome_found'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
