"""Reference-free statistics of an output against its source.

* ``length``: words in the output.
* ``compression``: source words / output words (undefined for an empty output).
* ``novel-n``: share (%) of the output's n-grams (counted with repetition) that never
  occur in the source: a measure of abstractiveness (for a summary in the source's
  language) or of hallucination risk.
* ``repetition-n``: share (%) of the output's n-grams that repeat an earlier n-gram of
  the same output: ``1 - unique / total`` (Welleck et al. 2019's rep-n on one text).

Words are the lowercase letter/digit tokens of :class:`UnicodeTokenizer` (hyphenated
words stay whole). Per-item values are ``None`` where undefined (e.g. no n-grams); the
corpus value is the mean over the defined items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from summarize.evaluation.metrics.rouge import UnicodeTokenizer

_TOKENIZER = UnicodeTokenizer()


def words(text: str) -> list[str]:
    """Lowercase word tokens of ``text`` (letters/digits of any script)."""
    return _TOKENIZER.tokenize(text)


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """All n-grams of ``tokens`` in order, with repetition."""
    if n < 1:
        raise ValueError("n must be >= 1")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def length(text: str) -> int:
    """Number of words in ``text``."""
    return len(words(text))


def compression_ratio(source: str, output: str) -> float | None:
    """Source words per output word; ``None`` when the output is empty."""
    out_len = length(output)
    if out_len == 0:
        return None
    return length(source) / out_len


def novel_ngram_ratio(source: str, output: str, n: int = 1) -> float | None:
    """Share (0-1) of the output's n-grams not present in the source; ``None`` when the
    output has no n-gram of that order."""
    out = ngrams(words(output), n)
    if not out:
        return None
    src = set(ngrams(words(source), n))
    return sum(1 for g in out if g not in src) / len(out)


def repetition_rate(output: str, n: int = 1) -> float | None:
    """Share (0-1) of the output's n-grams that are repeats of an earlier one."""
    out = ngrams(words(output), n)
    if not out:
        return None
    counts = Counter(out)
    return (len(out) - len(counts)) / len(out)


def corpus_values(name: str, sources: Sequence[str], outputs: Sequence[str]) -> list[float | None]:
    """Per-item values of the reference-free metric ``name`` (``length``, ``compression``,
    ``novel-N`` or ``repetition-N``); ratios come back in percent."""
    if len(sources) != len(outputs):
        raise ValueError(f"{len(sources)} sources but {len(outputs)} outputs")
    if name == "length":
        return [float(length(o)) for o in outputs]
    if name == "compression":
        return [compression_ratio(s, o) for s, o in zip(sources, outputs, strict=True)]
    kind, _, order = name.partition("-")
    if not order.isdigit() or int(order) < 1:
        raise ValueError(f"unknown reference-free metric {name!r}")
    n = int(order)
    if kind == "novel":
        vals = [novel_ngram_ratio(s, o, n) for s, o in zip(sources, outputs, strict=True)]
    elif kind == "repetition":
        vals = [repetition_rate(o, n) for o in outputs]
    else:
        raise ValueError(f"unknown reference-free metric {name!r}")
    return [None if v is None else 100.0 * v for v in vals]


def is_reference_free(name: str) -> bool:
    """Whether ``name`` is one of this module's metrics."""
    if name in ("length", "compression"):
        return True
    kind, _, order = name.partition("-")
    return kind in ("novel", "repetition") and order.isdigit() and int(order) >= 1
