"""The benchmark workload: the seed articles, repeated to a fixed number of articles.

Copy 0 of every seed is the article itself. Later copies are *variants*: in every line,
one pair of adjacent words in each run of six is swapped (at an offset that depends on
the copy), so they cost the same to translate but no longer repeat the original's
sentences verbatim. Without this, the sentence cache would serve every copy after the
first and the benchmark would measure the cache, not the models. ``exact=True`` repeats
the articles verbatim instead (used to show what the cache does on repeated text).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _variant_line(line: str, copy: int) -> str:
    words = line.split(" ")
    offset = copy % 5
    for start in range(offset, len(words) - 1, 6):
        words[start], words[start + 1] = words[start + 1], words[start]
    return " ".join(words)


def variant(text: str, copy: int) -> str:
    """Copy ``copy`` of an article (``0``: the article itself)."""
    if copy == 0:
        return text
    return "\n".join(_variant_line(line, copy) for line in text.split("\n"))


def seed_paths(seeds_dir: str | Path | None = None) -> list[Path]:
    from summarize.testing.corpus import default_seeds_dir

    directory = Path(seeds_dir) if seeds_dir else default_seeds_dir()
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no seed articles (*.txt) in {directory}")
    return paths


def build_workload(
    articles: int, seeds_dir: str | Path | None = None, *, exact: bool = False
) -> list[dict[str, Any]]:
    """``articles`` records ``{"id", "text"}``: the seeds in order, then their copies."""
    paths = seed_paths(seeds_dir)
    texts = [p.read_text(encoding="utf-8") for p in paths]
    out = []
    for i in range(articles):
        k, copy = i % len(paths), i // len(paths)
        text = texts[k] if exact else variant(texts[k], copy)
        out.append({"id": f"{paths[k].stem}#{copy}", "text": text})
    return out
