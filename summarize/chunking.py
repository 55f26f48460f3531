"""Token-budget chunking: pure functions over token counts.

Nothing is ever cut off: long inputs are split into pieces that each fit the
model's input limit, and callers record a warning when they split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

_BREAK_AFTER = (",", ";", ":", ")", "—", "–", "-")


def split_pieces(pieces: Sequence[str], budget: int) -> list[list[str]]:
    """Cut a list of subword pieces into runs of at most ``budget`` pieces.

    Prefers to cut right after a clause boundary (comma, semicolon, colon...) in the
    second half of a run, and otherwise before a piece that starts a new word.
    """
    if budget < 1:
        raise ValueError("budget must be >= 1")
    runs: list[list[str]] = []
    start = 0
    n = len(pieces)
    while start < n:
        end = min(start + budget, n)
        if end < n:
            cut = None
            for i in range(end - 1, start + budget // 2 - 1, -1):
                if pieces[i].rstrip().endswith(_BREAK_AFTER):
                    cut = i + 1
                    break
            if cut is None:
                for i in range(end, start, -1):
                    if pieces[i].startswith(("▁", "Ġ", " ")):
                        cut = i
                        break
            end = cut or end
        runs.append(list(pieces[start:end]))
        start = end
    return runs


def pack_by_budget(counts: Sequence[int], budget: int) -> list[list[int]]:
    """Group consecutive items (by index) so each group's token total stays within ``budget``.

    An item larger than the budget gets a group of its own (the caller splits it first).
    """
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i, c in enumerate(counts):
        if current and total + c > budget:
            groups.append(current)
            current, total = [], 0
        current.append(i)
        total += c
    if current:
        groups.append(current)
    return groups


def length_sorted_batches(
    counts: Sequence[int], *, max_batch_size: int, max_batch_tokens: int, sort: bool = True
) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first).

    A batch's padded size (``len(batch) * longest``) stays within ``max_batch_tokens``
    and its length within ``max_batch_size``; a single item always forms a batch.
    ``sort=False`` keeps the input order (the benchmark's ablation of the sorting).
    """
    order = (
        sorted(range(len(counts)), key=lambda i: (-counts[i], i)) if sort else range(len(counts))
    )
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        new_longest = max(longest, counts[i])
        if current and (
            len(current) >= max_batch_size or new_longest * (len(current) + 1) > max_batch_tokens
        ):
            batches.append(current)
            current, new_longest = [], counts[i]
        current.append(i)
        longest = new_longest
    if current:
        batches.append(current)
    return batches


def split_to_fit(
    text: str,
    budget: int,
    count: Callable[[str], int],
    tokenize: Callable[[str], list[str]],
    detokenize: Callable[[Sequence[str]], str],
) -> list[str]:
    """Split one text so each part's token count is within ``budget``."""
    if count(text) <= budget:
        return [text]
    pieces = tokenize(text)
    overhead = max(count(text) - len(pieces), 0)
    size = max(budget - overhead, 1)
    while True:
        parts = [detokenize(run) for run in split_pieces(pieces, size)]
        parts = [p for p in parts if p]
        if all(count(p) <= budget for p in parts) or size == 1:
            return parts
        size = max(size * 3 // 4, 1)
