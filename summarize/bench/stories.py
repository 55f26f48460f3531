"""Story grouping benchmark: synthetic rewrites of IndoSum articles.

``python -m summarize.bench.stories`` (or ``python -m summarize.bench --stories``) builds
two sets and prints pairwise precision/recall, time and memory of
:func:`summarize.stories.group_stories`:

* **real**: the IndoSum articles themselves. A third of them are held out as donors of
  replacement sentences; of the rest, two thirds are originals that get 1-3 rewrites
  each and one third stay unrelated single articles.
* **synthetic** (``--size``, default 100,000 articles): articles made from IndoSum: each
  takes a real article's sentences as templates and redraws their content words (not the
  stop words) from IndoSum's word frequencies, so that articles are new but stock
  phrases ("kata dia", "di Jakarta") recur as they do in news. Same mix: 60% of the
  articles are originals with 1-3 rewrites, 40% unrelated.

A rewrite keeps 30-70% of the original's sentences (drawn uniformly; the rest are
dropped), reorders them (a few random swaps), and replaces some dropped ones with
sentences from outside the set so that its length is 60-100% of the original's.
The truth: an original and its rewrites are one story; everything else is alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TOKEN_RE = re.compile(r"\w+|[^\w\s]+")


@dataclass(frozen=True)
class Synthetic:
    ids: list[str]
    texts: list[str]
    truth: list[str]  # group label per article


def _rewrite(sentences: Sequence[str], rng: random.Random, fresh: Any) -> tuple[list[str], float]:
    n = len(sentences)
    overlap = rng.uniform(0.3, 0.7)
    keep_n = max(1, round(overlap * n))
    kept_idx = sorted(rng.sample(range(n), keep_n))
    kept = [sentences[i] for i in kept_idx]
    for _ in range(max(1, keep_n // 3)):  # reorder: a few swaps
        a, b = rng.randrange(keep_n), rng.randrange(keep_n)
        kept[a], kept[b] = kept[b], kept[a]
    length = max(keep_n, round(rng.uniform(0.6, 1.0) * n))
    out = list(kept)
    for _ in range(length - keep_n):  # replaced sentences, at random places
        sentence = fresh()
        if sentence is None:
            break  # no unused donor sentence left: the rewrite is shorter
        out.insert(rng.randrange(len(out) + 1), sentence)
    return out, keep_n / n


def _mix(bases: list[list[str]], fresh: Any, rng: random.Random, group_share: float) -> Synthetic:
    ids: list[str] = []
    texts: list[str] = []
    truth: list[str] = []
    n_group = round(len(bases) * group_share)
    for g, sentences in enumerate(bases):
        label = f"g{g}"
        ids.append(f"{label}-0")
        texts.append(" ".join(sentences))
        truth.append(label)
        if g < n_group:
            for r in range(rng.randint(1, 3)):
                rewritten, _ = _rewrite(sentences, rng, fresh)
                ids.append(f"{label}-{r + 1}")
                texts.append(" ".join(rewritten))
                truth.append(label)
    order = list(range(len(ids)))
    rng.shuffle(order)
    return Synthetic([ids[i] for i in order], [texts[i] for i in order], [truth[i] for i in order])


def _indosum_articles(path: Path) -> list[list[str]]:
    from summarize.evaluation.datasets import load_indosum

    return [list(item.source_sentences or ()) for item in load_indosum(path)]


def real_set(path: Path, seed: int = 0) -> Synthetic:
    rng = random.Random(seed)
    articles = _indosum_articles(path)
    rng.shuffle(articles)
    donors_n = len(articles) // 3
    donor_sentences = [s for a in articles[:donors_n] for s in a]
    rng.shuffle(donor_sentences)
    pool = iter(donor_sentences)  # each donor sentence is used once

    def fresh() -> str | None:
        return next(pool, None)

    # group_share 2/3: two thirds of the remaining articles get rewrites.
    return _mix(articles[donors_n:], fresh, rng, group_share=2 / 3)


class _Generator:
    """New sentences from IndoSum sentence templates: every word that is not a stop word
    (names and numbers included) is redrawn from IndoSum's word frequencies."""

    def __init__(self, articles: list[list[str]], seed: int) -> None:
        import numpy as np

        from summarize.text.stopwords import ALL_STOPWORDS

        self.np_rng = np.random.default_rng(seed)
        self.templates: list[tuple[list[str], list[int]]] = []
        counts: Counter[str] = Counter()
        for article in articles:
            for sentence in article:
                words = _TOKEN_RE.findall(sentence)
                slots = [
                    i
                    for i, w in enumerate(words)
                    if w[0].isalnum() and w.lower() not in ALL_STOPWORDS
                ]
                counts.update(words[i].lower() for i in slots)
                self.templates.append((words, slots))
        vocab = sorted(counts)
        self.vocab = np.array(vocab, dtype=object)
        freq = np.array([counts[w] for w in vocab], dtype=float)
        self.p = freq / freq.sum()
        self.articles = [
            (start, len(a))
            for start, a in zip(
                np.cumsum([0] + [len(a) for a in articles[:-1]]).tolist(), articles, strict=True
            )
        ]

    def sentences(self, template_ids: Sequence[int]) -> list[str]:
        slots_total = sum(len(self.templates[t][1]) for t in template_ids)
        draws = self.np_rng.choice(self.vocab, size=slots_total, p=self.p).tolist()
        out: list[str] = []
        k = 0
        for t in template_ids:
            words, slots = self.templates[t]
            words = list(words)
            for i in slots:
                w = draws[k]
                k += 1
                words[i] = w.capitalize() if words[i][:1].isupper() else w
            out.append(" ".join(words))
        return out

    def article(self, rng: random.Random) -> list[str]:
        start, n = self.articles[rng.randrange(len(self.articles))]
        return self.sentences(range(start, start + n))


def synthetic_set(path: Path, size: int, seed: int = 0) -> Synthetic:
    rng = random.Random(seed)
    gen = _Generator(_indosum_articles(path), seed)
    # 60% of the articles are in groups of 1 original + 1-3 rewrites (mean group size 3).
    n_groups = round(size * 0.6 / 3)
    n_single = size - n_groups * 3
    buffer: list[str] = []

    def fresh() -> str:
        if not buffer:
            buffer.extend(gen.sentences([rng.randrange(len(gen.templates)) for _ in range(512)]))
        return buffer.pop()

    bases = [gen.article(rng) for _ in range(n_groups + max(n_single, 0))]
    data = _mix(bases, fresh, rng, group_share=n_groups / len(bases))
    return data


def pairwise(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Pairwise precision and recall of a clustering against the truth."""

    def pairs(counter: Counter[Any]) -> int:
        return sum(c * (c - 1) // 2 for c in counter.values())

    both = pairs(Counter(zip(truth, predicted, strict=True)))
    pred = pairs(Counter(predicted))
    true = pairs(Counter(truth))
    return {
        "precision": both / pred if pred else 1.0,
        "recall": both / true if true else 1.0,
        "true_pairs": true,
        "predicted_pairs": pred,
    }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evaluate(data: Synthetic, name: str) -> dict[str, Any]:
    from summarize.stories import StoryIndex

    gc.collect()
    rss_before = _rss_mb()
    start = time.perf_counter()
    cpu = time.process_time()
    index = StoryIndex()
    for i in range(0, len(data.ids), 2000):
        index.add_batch(zip(data.ids[i : i + 2000], data.texts[i : i + 2000], strict=True))
    predicted = [a.story for a in index.assignments()]
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    scores = pairwise(data.truth, predicted)
    return {
        "set": name,
        "articles": len(data.ids),
        "true_stories": len(set(data.truth)),
        "found_stories": len(set(predicted)),
        "precision": round(scores["precision"], 4),
        "recall": round(scores["recall"], 4),
        "true_pairs": scores["true_pairs"],
        "predicted_pairs": scores["predicted_pairs"],
        "candidates_checked": index.candidates_checked,
        "seconds": round(elapsed, 1),
        "cpu_seconds": round(cpu, 1),
        "articles_per_s": round(len(data.ids) / elapsed),
        "peak_rss_mb": round(_rss_mb()),
        "rss_before_grouping_mb": round(rss_before),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m summarize.bench.stories")
    parser.add_argument(
        "--indosum",
        type=Path,
        help="IndoSum JSONL (default: the indosum data set in the data cache; "
        "`summarize data pull indosum`)",
    )
    parser.add_argument("--size", type=int, default=100_000, help="synthetic articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.indosum is None:
        from summarize.errors import DataNotAvailableError
        from summarize.evaluation.data import require

        try:
            args.indosum = require("indosum") / "dev.01.first150.jsonl"
        except DataNotAvailableError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 2
    if not args.indosum.is_file():
        print(f"Error: IndoSum file not found: {args.indosum}", file=sys.stderr)
        return 2
    rows = [evaluate(real_set(args.indosum, args.seed), "real IndoSum")]
    t = time.perf_counter()
    data = synthetic_set(args.indosum, args.size, args.seed)
    built = time.perf_counter() - t
    row = evaluate(data, "synthetic")
    row["build_seconds"] = round(built, 1)
    rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(" ".join(f"{k}={v}" for k, v in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
