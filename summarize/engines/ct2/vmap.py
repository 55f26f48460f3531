"""A vocabulary shortlist for CTranslate2 (its "vocabulary map", ``use_vmap``).

Each decoding step of a translation ends in the output projection and softmax over the
whole target vocabulary (54,796 pieces for opus-mt-id-en). With a vocabulary map,
CTranslate2 restricts both, per batch, to the union of the candidates of the batch's
source pieces, the always-allowed pieces and the special tokens. A piece outside that
set can no longer be generated, so the map changes outputs wherever it misses a piece
the full model would have chosen.

The map is built from the model's *own* translations of a sample of source text
(:func:`build_vocabulary_map`): the pieces it emits most often are always allowed, and
each source piece maps to the output pieces that most often appear in the translations
of sentences that contain it. :func:`compare_outputs` measures what that costs on
held-out sentences (identical outputs with and without the map).

The file format is CTranslate2's: one rule per line, ``<source n-gram>\\t<candidates>``
(pieces separated by spaces); the rule with an empty source lists the pieces that are
always candidates. The engine loads it as ``vmap.txt`` of a directory that links the
converted model's files (:func:`model_dir_with_vmap`); the cached conversion itself is
never modified.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.engines.ct2.cache import write_text_atomic
from summarize.errors import ConfigError

#: The name CTranslate2 loads a vocabulary map from, in a model directory.
VMAP_FILE = "vmap.txt"
#: Defaults of :func:`build_vocabulary_map` (and of ``summarize models vmap``).
DEFAULT_COMMON = 500
DEFAULT_PER_SOURCE = 50


@dataclass(frozen=True)
class VocabularyMap:
    """Always-allowed output pieces and, per source piece, its candidate output pieces."""

    common: tuple[str, ...]
    rules: Mapping[str, tuple[str, ...]]
    #: sentence pairs it was built from (0 when read from a file)
    sentences: int = 0

    def candidates(self, sources: Iterable[Sequence[str]]) -> frozenset[str]:
        """The output pieces this map allows for a batch of source piece sequences
        (without the special tokens CTranslate2 always adds)."""
        out = set(self.common)
        for pieces in sources:
            for piece in pieces:
                out.update(self.rules.get(piece, ()))
        return frozenset(out)

    def size(self) -> int:
        """Distinct output pieces in the whole map."""
        return len(set(self.common).union(*self.rules.values()))

    def to_text(self) -> str:
        """CTranslate2's format: the always-allowed rule first, then one line per source
        piece, in sorted order (the same map always gives the same file)."""
        lines = ["\t" + " ".join(self.common)]
        lines += [f"{src}\t{' '.join(tgt)}" for src, tgt in sorted(self.rules.items()) if tgt]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> VocabularyMap:
        """Read CTranslate2's format (unigram rules only, as this module writes them)."""
        common: tuple[str, ...] = ()
        rules: dict[str, tuple[str, ...]] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            source, tab, targets = line.partition("\t")
            if not tab:
                raise ConfigError(
                    f"vocabulary map line {number}: no tab between source and targets"
                )
            pieces = tuple(targets.split())
            if source:
                rules[source] = pieces
            else:
                common = pieces
        return cls(common, rules)


def build_vocabulary_map(
    pairs: Iterable[tuple[Sequence[str], Sequence[str]]],
    *,
    common: int = DEFAULT_COMMON,
    per_source: int = DEFAULT_PER_SOURCE,
    ignore: Iterable[str] = (),
) -> VocabularyMap:
    """A map from ``pairs`` of (source pieces, output pieces), one pair per sentence.

    ``common``: the output pieces emitted most often (counted once per sentence) are
    always allowed. ``per_source``: each source piece keeps the output pieces that
    appear in the most translations of sentences containing it (beyond the common
    ones). Ties are broken by overall frequency, then by the piece, so the same pairs
    always give the same map. Pieces in ``ignore`` (special tokens that CTranslate2
    allows anyway, a forced target prefix) are left out.
    """
    if common < 0 or per_source < 0:
        raise ConfigError("common and per_source must be 0 or more")
    skip = set(ignore)
    frequency: Counter[str] = Counter()
    cooccurrence: dict[str, Counter[str]] = {}
    sentences = 0
    for source, output in pairs:
        sentences += 1
        targets = set(output) - skip
        frequency.update(targets)
        for piece in set(source) - skip:
            cooccurrence.setdefault(piece, Counter()).update(targets)

    def rank(item: tuple[str, int]) -> tuple[int, int, str]:
        piece, count = item
        return (-count, -frequency[piece], piece)

    always = tuple(p for p, _ in sorted(frequency.items(), key=rank)[:common])
    allowed = set(always)
    rules = {
        src: tuple(p for p, _ in sorted(counts.items(), key=rank) if p not in allowed)[:per_source]
        for src, counts in cooccurrence.items()
    }
    return VocabularyMap(always, {k: v for k, v in rules.items() if v}, sentences)


def write_vocabulary_map(vmap: VocabularyMap, path: str | os.PathLike[str]) -> Path:
    """Write ``vmap`` to ``path`` (atomically: a temporary file renamed into place)."""
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, vmap.to_text())
    return target


def read_vocabulary_map(path: str | os.PathLike[str]) -> VocabularyMap:
    """A vocabulary map file (:class:`ConfigError` when it is missing or malformed)."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the vocabulary map {path}: {exc.strerror or exc}") from exc
    vmap = VocabularyMap.parse(text)
    if not vmap.common and not vmap.rules:
        raise ConfigError(f"the vocabulary map {path} is empty")
    return vmap


def model_dir_with_vmap(entry: Path, vmap_path: str | os.PathLike[str]) -> Path:
    """A directory CTranslate2 loads as the model of ``entry`` with ``vmap_path`` as its
    vocabulary map: links to the converted model's files plus ``vmap.txt``, next to the
    entry (``<entry>.vmap-<hash of the map>``), built once into a temporary directory
    that is renamed into place. The converted model itself is not touched."""
    read_vocabulary_map(vmap_path)  # a clear error for a missing or empty file
    data = Path(vmap_path).expanduser().read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = entry.parent / f"{entry.name}.vmap-{digest}"
    if _complete(target, entry):
        return target
    scratch = Path(tempfile.mkdtemp(prefix=".tmp-vmap-", dir=entry.parent))
    try:
        for path in sorted(entry.iterdir()):
            if path.is_file() and path.name != VMAP_FILE:
                os.symlink(path.resolve(), scratch / path.name)
        (scratch / VMAP_FILE).write_bytes(data)
        scratch.chmod(0o755)
        if target.exists():  # links to an entry that was converted again
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(scratch, target)
        except OSError:  # another process renamed its copy into place first
            if not _complete(target, entry):
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _complete(target: Path, entry: Path) -> bool:
    """Whether ``target`` holds the map and a live link to every file of ``entry``."""
    if not (target / VMAP_FILE).is_file():
        return False
    return all(
        (target / p.name).exists() for p in entry.iterdir() if p.is_file() and p.name != VMAP_FILE
    )


@dataclass(frozen=True)
class OutputAgreement:
    """How often outputs with a vocabulary map equal the full-vocabulary outputs."""

    sentences: int
    identical: int
    token_agreement: float  # share of positions with the same piece, over the longer output

    @property
    def identical_share(self) -> float:
        return self.identical / self.sentences if self.sentences else 1.0


def compare_outputs(
    full: Sequence[Sequence[str]], shortlisted: Sequence[Sequence[str]]
) -> OutputAgreement:
    """Agreement of shortlisted outputs with the full-vocabulary outputs of the same inputs."""
    if len(full) != len(shortlisted):
        raise ValueError("both output lists must have one entry per input")
    identical = 0
    positions = 0.0
    for a, b in zip(full, shortlisted, strict=True):
        identical += list(a) == list(b)
        longest = max(len(a), len(b)) or 1
        positions += sum(1 for x, y in zip(a, b, strict=False) if x == y) / longest
    n = len(full)
    return OutputAgreement(n, identical, positions / n if n else 1.0)


def corpus_sentences(texts: Iterable[str | bytes], *, seed: int = 0) -> list[str]:
    """The distinct sentences of ``texts`` (articles, split as the pipeline splits them;
    empty ones are skipped), shuffled with ``seed`` so that a sample of the first ones
    spans the whole corpus."""
    import random

    from summarize.errors import EmptyInputError
    from summarize.text import prepare_article

    seen: dict[str, None] = {}
    for text in texts:
        try:
            sentences = prepare_article(text).sentences
        except EmptyInputError:
            continue
        for sentence in sentences:
            if sentence.strip():
                seen.setdefault(sentence, None)
    out = list(seen)
    random.Random(seed).shuffle(out)
    return out


def translate_pieces(
    engine: Any, sentences: Sequence[str], settings: Any, batch_size: int = 16
) -> list[list[str]]:
    """Output pieces of ``engine`` (a CTranslate2 engine) for ``sentences``, in batches."""
    out: list[list[str]] = []
    for i in range(0, len(sentences), batch_size):
        out.extend(engine.generate_tokens(sentences[i : i + batch_size], settings))
    return out
