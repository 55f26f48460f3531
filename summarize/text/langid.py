"""Indonesian-vs-English language identification from stopword ratios."""

from __future__ import annotations

import math

from summarize.text.stopwords import EN_STOPWORDS, ID_STOPWORDS
from summarize.text.tokens import alpha_tokens

# Own implementation rather than langdetect/fasttext: deterministic, zero-dependency, and we
# only need to tell Indonesian from English (and say "unknown" when evidence is thin).

#: Fewer weighted hits than this (both languages together) means "unknown".
MIN_EVIDENCE = 2.0
#: In longer texts, less than this share of tokens being stopwords means "some other language".
MIN_COVERAGE = 0.08
#: The winner must beat the loser by at least this normalised margin.
MIN_MARGIN = 0.2

# Indonesian affixes that are rare in English: a weak extra signal that helps short strings.
_ID_PREFIXES = ("meng", "meny", "memb", "memp", "diper", "keber", "pember", "peng")
_ID_SUFFIXES = ("nya", "kan", "lah", "kah")


def _indonesian_morphology(token: str) -> bool:
    if len(token) < 6:
        return False
    return token.startswith(_ID_PREFIXES) or token.endswith(_ID_SUFFIXES)


def language_scores(text: str) -> dict[str, float]:
    """Weighted evidence per language: stopword hits (1.0) plus Indonesian affixes (0.5).

    Also returns ``tokens`` (the number of alphabetic tokens) for callers that want it.
    """
    tokens = alpha_tokens(text)
    id_score = 0.0
    en_score = 0.0
    for tok in tokens:
        if tok in ID_STOPWORDS:
            id_score += 1.0
        elif tok in EN_STOPWORDS:
            en_score += 1.0
        elif _indonesian_morphology(tok):
            id_score += 0.5
    return {"id": id_score, "en": en_score, "tokens": float(len(tokens))}


def detect_language(text: str) -> tuple[str, float]:
    """Return ``("id" | "en" | "unknown", confidence)`` for ``text``.

    The confidence (0..1) combines the margin between the two scores with the amount of
    evidence, so a long article scores close to 1 and a four-word phrase much lower.
    "unknown" is returned when there is too little evidence, when the two languages are
    too close, or when a long text has almost no stopwords of either language.
    """
    scores = language_scores(text)
    id_score, en_score, n_tokens = scores["id"], scores["en"], scores["tokens"]
    total = id_score + en_score
    if total < MIN_EVIDENCE:
        return "unknown", 0.0
    if n_tokens >= 20 and total / n_tokens < MIN_COVERAGE:
        return "unknown", round(total / n_tokens, 3)
    winner = "id" if id_score >= en_score else "en"
    margin = abs(id_score - en_score) / total
    if margin < MIN_MARGIN:
        return "unknown", round(margin, 3)
    evidence = 1.0 - math.exp(-total / 4.0)
    return winner, round(margin * evidence, 3)
