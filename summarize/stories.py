"""Duplicate stories: which articles report the same story, and which are near-copies.

Each article's cleaned source becomes a set of word shingles (``k`` consecutive lowercase
words, hashed to 32 bits). A datasketch MinHash of that set goes into a
:class:`datasketch.MinHashLSH` index; the articles the index returns are only
*candidates*, confirmed by an exact check on the shingle sets:

* same story: the shared shingles make up at least ``min_overlap`` of the smaller
  article (containment). Rewrites from another outlet keep whole sentences and phrases,
  so their containment stays high even when much is dropped, reordered or replaced;
  two different stories on the same topic share only stock phrases.
* near-copy (``duplicate_of``): at least ``duplicate_overlap`` of this article's shingles
  are in one earlier article: it adds next to nothing.

Stories are the connected components of confirmed pairs (union-find). A story's id is
the id of its earliest article. The index is incremental (:meth:`StoryIndex.add`, one
article or a batch at a time) and the expensive part, :func:`signature`, is a pure
function of the text, so a distributed engine can compute signatures inside its batches
and feed them to one index.
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from summarize.text.stopwords import ALL_STOPWORDS
from summarize.text.tokens import word_tokens

__all__ = [
    "DEFAULT_SETTINGS",
    "Signature",
    "StoryAssignment",
    "StoryIndex",
    "StorySettings",
    "group_stories",
    "shingle_hashes",
    "signature",
]

_MULT = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
                  0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)  # fmt: skip


@dataclass(frozen=True)
class StorySettings:
    """``shingle``: words per shingle; ``num_perm``: MinHash permutations;
    ``bands``/``rows``: the LSH banding (``bands * rows <= num_perm``; one row per band
    catches pairs with little overlap); ``min_overlap``: containment that makes two
    articles one story; ``duplicate_overlap``: containment in an earlier article that
    makes a near-copy."""

    shingle: int = 3
    num_perm: int = 64
    bands: int = 32
    rows: int = 1
    min_overlap: float = 0.2
    duplicate_overlap: float = 0.9
    seed: int = 1


DEFAULT_SETTINGS = StorySettings()


@dataclass(frozen=True)
class Signature:
    """What the index needs of one article: its sorted unique shingle hashes and the
    MinHash values over them (``None`` when the text has no shingle)."""

    shingles: np.ndarray
    minhash: Any


@dataclass(frozen=True)
class StoryAssignment:
    """``story``: the cluster id (the id of the story's first article);
    ``duplicate_of``: the earlier article this one is a near-copy of, if any."""

    id: str
    story: str
    duplicate_of: str | None = None


#: token -> crc32 | (is not a stop word) << 32; bounded, cleared when full.
_TOKEN_CACHE: dict[str, int] = {}
_TOKEN_CACHE_MAX = 500_000
_CONTENT_BIT = 1 << 32


def _token_code(token: str) -> int:
    if len(_TOKEN_CACHE) >= _TOKEN_CACHE_MAX:
        _TOKEN_CACHE.clear()
    code = zlib.crc32(token.encode("utf-8")) | (0 if token in ALL_STOPWORDS else _CONTENT_BIT)
    _TOKEN_CACHE[token] = code
    return code


def shingle_hashes(text: str, k: int = DEFAULT_SETTINGS.shingle) -> np.ndarray:
    """Sorted unique 32-bit hashes of the ``k``-word shingles of ``text`` (lowercase words;
    a text shorter than ``k`` words gives one shingle of all its words).

    Shingles made only of stop words ("yang akan di", "dan juga untuk") are left out:
    every article has them, so they would make unrelated articles look alike.
    """
    tokens = word_tokens(text)
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    k = min(k, len(tokens))
    cache = _TOKEN_CACHE
    codes = np.array([cache.get(t) or _token_code(t) for t in tokens], dtype=np.uint64)
    th = codes & np.uint64(0xFFFFFFFF)
    is_content = (codes >> np.uint64(32)).astype(bool)
    n = len(tokens) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    content = np.zeros(n, dtype=bool)
    for j in range(k):
        acc = acc * _MULT[j % len(_MULT)] + th[j : j + n]  # wraps modulo 2**64
        content |= is_content[j : j + n]
    if content.any():
        acc = acc[content]
    acc ^= acc >> np.uint64(29)
    acc *= _MULT[-1]
    return np.unique((acc >> np.uint64(32)).astype(np.uint32))


def _identity(value: Any) -> int:
    return int(value)


def _minhashes(shingle_sets: Sequence[np.ndarray], settings: StorySettings) -> list[Any]:
    from datasketch import MinHash

    out: list[Any] = [None] * len(shingle_sets)
    todo = [i for i, s in enumerate(shingle_sets) if len(s)]
    generated = MinHash.generator(
        (shingle_sets[i].tolist() for i in todo),
        num_perm=settings.num_perm,
        seed=settings.seed,
        hashfunc=_identity,
    )
    for i, mh in zip(todo, generated, strict=True):
        out[i] = mh
    return out


def signatures(texts: Sequence[str], settings: StorySettings = DEFAULT_SETTINGS) -> list[Signature]:
    """:func:`signature` of many texts (shares the MinHash set-up)."""
    shingle_sets = [shingle_hashes(t, settings.shingle) for t in texts]
    return [
        Signature(s, m)
        for s, m in zip(shingle_sets, _minhashes(shingle_sets, settings), strict=True)
    ]


def signature(text: str, settings: StorySettings = DEFAULT_SETTINGS) -> Signature:
    """The shingles and MinHash of one text: a pure function, safe in worker processes."""
    return signatures([text], settings)[0]


def _shared(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.intersect1d(a, b, assume_unique=True).size)


class StoryIndex:
    """Incremental story grouping.

    >>> index = StoryIndex()
    >>> index.add("a", "...")            # doctest: +SKIP
    StoryAssignment(id='a', story='a', duplicate_of=None)

    :meth:`add` returns the assignment at the time of adding; a later article can join
    two stories, after which :meth:`story_of` (and :meth:`assignments`) give the merged
    id (the earlier story's id wins).
    """

    def __init__(self, settings: StorySettings = DEFAULT_SETTINGS) -> None:
        from datasketch import MinHashLSH

        if settings.bands * settings.rows > settings.num_perm:
            raise ValueError("bands * rows must not exceed num_perm")
        self.settings = settings
        self._lsh = MinHashLSH(num_perm=settings.num_perm, params=(settings.bands, settings.rows))
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._shingles: list[np.ndarray] = []
        self._parent: list[int] = []
        self._duplicate: list[int | None] = []
        self.candidates_checked = 0

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._pos

    # -- union-find ------------------------------------------------------------
    def _root(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._root(a), self._root(b)
        if ra != rb:
            # The earlier article's story id survives.
            if ra < rb:
                self._parent[rb] = ra
            else:
                self._parent[ra] = rb

    # -- adding ----------------------------------------------------------------
    def add(self, article_id: Hashable, text: str) -> StoryAssignment:
        """Add one article (its cleaned source) and return its assignment."""
        return self.add_signatures([(article_id, signature(text, self.settings))])[0]

    def add_batch(self, items: Iterable[tuple[Hashable, str]]) -> list[StoryAssignment]:
        """Add ``(id, text)`` pairs in order; returns their assignments."""
        items = list(items)
        sigs = signatures([t for _, t in items], self.settings)
        return self.add_signatures(list(zip((i for i, _ in items), sigs, strict=True)))

    def add_signatures(self, items: Iterable[tuple[Hashable, Signature]]) -> list[StoryAssignment]:
        """Add articles whose :func:`signature` was computed elsewhere (e.g. in workers)."""
        out = []
        for article_id, sig in items:
            key = str(article_id)
            if key in self._pos:
                raise ValueError(f"article id '{key}' was already added")
            out.append(self._add(key, sig))
        return out

    def _add(self, key: str, sig: Signature) -> StoryAssignment:
        s = self.settings
        i = len(self._ids)
        self._ids.append(key)
        self._pos[key] = i
        self._shingles.append(sig.shingles)
        self._parent.append(i)
        duplicate: int | None = None
        if sig.minhash is not None and len(sig.shingles):
            mine = sig.shingles
            best = 0.0
            for j in self._lsh.query(sig.minhash):
                other = self._shingles[j]
                self.candidates_checked += 1
                shared = _shared(mine, other)
                if shared < s.min_overlap * min(len(mine), len(other)):
                    continue
                self._union(i, j)
                of_mine = shared / len(mine)
                if of_mine >= s.duplicate_overlap and (
                    of_mine > best or (of_mine == best and duplicate is not None and j < duplicate)
                ):
                    best, duplicate = of_mine, j
            self._lsh.insert(i, sig.minhash, check_duplication=False)
        self._duplicate.append(duplicate)
        return self._assignment(i)

    # -- reading ---------------------------------------------------------------
    def _assignment(self, i: int) -> StoryAssignment:
        dup = self._duplicate[i]
        return StoryAssignment(
            id=self._ids[i],
            story=self._ids[self._root(i)],
            duplicate_of=self._ids[dup] if dup is not None else None,
        )

    def story_of(self, article_id: Hashable) -> str:
        """The current story id of an added article."""
        return self._ids[self._root(self._pos[str(article_id)])]

    def assignment(self, article_id: Hashable) -> StoryAssignment:
        return self._assignment(self._pos[str(article_id)])

    def assignments(self) -> list[StoryAssignment]:
        """Every article's current assignment, in the order they were added."""
        return [self._assignment(i) for i in range(len(self._ids))]

    def moved(self, written: Mapping[str, str]) -> dict[str, str]:
        """Of ``written`` (article id -> the story id it was given), the articles whose
        story has since merged into an earlier one, with their current story id."""
        now = {i: self.story_of(i) for i in written if str(i) in self._pos}
        return {i: story for i, story in now.items() if story != written[i]}

    def stories(self) -> dict[str, list[str]]:
        """Story id -> its article ids (in order of adding)."""
        groups: dict[str, list[str]] = {}
        for i, key in enumerate(self._ids):
            groups.setdefault(self._ids[self._root(i)], []).append(key)
        return groups


def group_stories(
    items: Iterable[tuple[Hashable, str]],
    settings: StorySettings = DEFAULT_SETTINGS,
    *,
    batch_size: int = 1000,
) -> list[StoryAssignment]:
    """Group ``(id, cleaned text)`` pairs into stories; final assignments, in input order."""
    index = StoryIndex(settings)
    batch: list[tuple[Hashable, str]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            index.add_batch(batch)
            batch = []
    if batch:
        index.add_batch(batch)
    return index.assignments()
