"""ROUGE-1/2/L/Lsum through Google's ``rouge-score`` with a Unicode-aware tokenizer.

rouge-score's default tokenizer lowercases and replaces every character outside
``[a-z0-9]`` by a space: "Cristóbal" becomes ``crist bal`` and text in a non-Latin
script scores as empty. :class:`UnicodeTokenizer` keeps letters and digits of any
script and keeps hyphenated words ("ekonomi-politik") as one token; on plain ASCII text
without hyphens it produces exactly the default tokens. ``tokenizer="default"`` uses
rouge-score's own tokenizer, for numbers comparable with plain rouge-score.

Porter stemming is English-only: requesting it for any other language raises
:class:`~summarize.errors.ConfigError`.

For ``rougeLsum`` the texts are split into sentences at newlines (rouge-score's
convention); in the default ``lsum="newline-or-split"`` mode a text without a newline
is split with :func:`summarize.text.split_sentences` instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from summarize.errors import ConfigError

ROUGE_TYPES: tuple[str, ...] = ("rouge1", "rouge2", "rougeL", "rougeLsum")
TokenizerName = Literal["unicode", "default"]
LsumMode = Literal["newline-or-split", "newline", "split"]

# Letters/digits of any script; a hyphen between two such runs keeps them one token.
_TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


class UnicodeTokenizer:
    """rouge-score tokenizer object (``.tokenize(text) -> list[str]``) for any script.

    Lowercases, applies NFC normalisation (so a decomposed "ó" stays one letter),
    keeps runs of letters/digits of any script, joins hyphenated runs, and drops
    everything else. With ``use_stemmer`` it stems tokens longer than 3 characters
    with the Porter stemmer, exactly like rouge-score's default tokenizer.
    """

    def __init__(self, use_stemmer: bool = False) -> None:
        self.use_stemmer = use_stemmer
        self._stemmer: Any = None
        if use_stemmer:
            from nltk.stem import porter

            self._stemmer = porter.PorterStemmer()

    def tokenize(self, text: str) -> list[str]:
        tokens = _TOKEN_RE.findall(unicodedata.normalize("NFC", text).lower())
        if self._stemmer is not None:
            tokens = [self._stemmer.stem(t) if len(t) > 3 else t for t in tokens]
        return tokens

    def __repr__(self) -> str:
        return f"UnicodeTokenizer(use_stemmer={self.use_stemmer})"


def _rouge_score_version() -> str:
    try:
        from importlib.metadata import version

        return version("rouge-score")
    except Exception:  # pragma: no cover - metadata missing
        return "unknown"


@dataclass(frozen=True)
class RougeSettings:
    """How ROUGE is computed; :meth:`signature` records every choice.

    ``lang`` is the language of the texts being compared (stemming is English-only).
    """

    tokenizer: TokenizerName = "unicode"
    stemmer: bool = False
    lang: str = "en"
    lsum: LsumMode = "newline-or-split"
    types: tuple[str, ...] = ROUGE_TYPES

    def __post_init__(self) -> None:
        if self.tokenizer not in ("unicode", "default"):
            raise ConfigError(
                f"unknown ROUGE tokenizer {self.tokenizer!r}; use 'unicode' or 'default'"
            )
        if self.stemmer and self.lang != "en":
            raise ConfigError(
                f"Porter stemming is English-only; it cannot be used for lang={self.lang!r}"
            )
        if self.lsum not in ("newline-or-split", "newline", "split"):
            raise ConfigError(
                f"unknown rougeLsum splitting {self.lsum!r}; "
                "use 'newline-or-split', 'newline' or 'split'"
            )
        for t in self.types:
            if t not in ("rougeL", "rougeLsum") and not re.fullmatch(r"rouge[1-9]", t):
                raise ConfigError(f"unknown ROUGE type {t!r}")

    def signature(self) -> str:
        """A sacrebleu-style signature, e.g.
        ``rouge|tok:unicode|stem:no|lsum:newline-or-split|v:rouge-score-0.1.2``."""
        return (
            f"rouge|tok:{self.tokenizer}|stem:{'porter' if self.stemmer else 'no'}"
            f"|lsum:{self.lsum}|v:rouge-score-{_rouge_score_version()}"
        )

    def make_tokenizer(self) -> Any:
        """The tokenizer object handed to ``RougeScorer(tokenizer=...)``."""
        if self.tokenizer == "default":
            from rouge_score import tokenizers

            return tokenizers.DefaultTokenizer(use_stemmer=self.stemmer)
        return UnicodeTokenizer(use_stemmer=self.stemmer)

    def make_scorer(self, types: Sequence[str] | None = None) -> Any:
        """A configured ``rouge_score.rouge_scorer.RougeScorer``."""
        from rouge_score import rouge_scorer

        return rouge_scorer.RougeScorer(
            list(types or self.types), use_stemmer=self.stemmer, tokenizer=self.make_tokenizer()
        )


@dataclass(frozen=True)
class RougeResult:
    """Per-item scores ``[{type: {"precision", "recall", "fmeasure"}}]`` (0-1) and the
    corpus means in the same shape."""

    per_item: tuple[dict[str, dict[str, float]], ...]
    mean: dict[str, dict[str, float]]
    settings: RougeSettings = field(default_factory=RougeSettings)

    @property
    def signature(self) -> str:
        return self.settings.signature()


def lsum_sentences(text: str, mode: LsumMode = "newline-or-split") -> list[str]:
    """The sentences rougeLsum sees for ``text`` under ``mode``."""
    text = text.strip()
    if not text:
        return []
    if mode == "newline" or (mode == "newline-or-split" and "\n" in text):
        return [s.strip() for s in text.split("\n") if s.strip()]
    from summarize.evaluation._compat import split_sentences

    return [s.strip() for s in split_sentences(text) if s.strip()]


def prepare_lsum(text: str, mode: LsumMode = "newline-or-split") -> str:
    """``text`` with one sentence per line, as rouge-score's rougeLsum expects."""
    return "\n".join(lsum_sentences(text, mode))


def _make_scorers(settings: RougeSettings) -> tuple[Any, Any]:
    plain = [t for t in settings.types if t != "rougeLsum"]
    lsum = "rougeLsum" in settings.types
    return (
        settings.make_scorer(plain) if plain else None,
        settings.make_scorer(["rougeLsum"]) if lsum else None,
    )


def score_pair(
    prediction: str,
    reference: str,
    settings: RougeSettings | None = None,
    scorers: tuple[Any, Any] | None = None,
) -> dict[str, dict[str, float]]:
    """ROUGE scores (0-1) of one prediction against one reference."""
    settings = settings or RougeSettings()
    plain_scorer, lsum_scorer = scorers or _make_scorers(settings)
    out: dict[str, dict[str, float]] = {}
    if plain_scorer is not None:
        out.update(_as_dicts(plain_scorer.score(reference, prediction)))
    if lsum_scorer is not None:
        ref = prepare_lsum(reference, settings.lsum)
        pred = prepare_lsum(prediction, settings.lsum)
        out.update(_as_dicts(lsum_scorer.score(ref, pred)))
    return {t: out[t] for t in settings.types}


def _as_dicts(scores: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {
        k: {
            "precision": float(v.precision),
            "recall": float(v.recall),
            "fmeasure": float(v.fmeasure),
        }
        for k, v in scores.items()
    }


def rouge(
    predictions: Sequence[str],
    references: Sequence[str],
    settings: RougeSettings | None = None,
    *,
    progress: bool = False,
) -> RougeResult:
    """Score ``predictions`` against ``references`` item by item; the corpus score is
    the mean of the item scores (rouge-score's convention). An empty corpus gives
    means of 0.0."""
    settings = settings or RougeSettings()
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    scorers = _make_scorers(settings)
    pairs: Any = zip(predictions, references, strict=True)
    if progress:
        from tqdm import tqdm

        pairs = tqdm(pairs, total=len(predictions), desc="ROUGE", unit="item", leave=False)
    per_item = tuple(score_pair(p, r, settings, scorers) for p, r in pairs)
    n = len(per_item)
    mean = {
        t: {
            k: (sum(item[t][k] for item in per_item) / n if n else 0.0)
            for k in ("precision", "recall", "fmeasure")
        }
        for t in settings.types
    }
    return RougeResult(per_item=per_item, mean=mean, settings=settings)
