"""The detector benchmark (``summarize eval trust``): how well :mod:`summarize.quality`
catches broken translations, measured on human reference pairs.

Every human Indonesian -> English pair of the data sets is kept once as it is
(``clean``) and, where it qualifies, once per synthetic fault made on the English side
with a seeded random generator:

* ``number``: a number or date of the English that the source has too is changed (a
  different value) or dropped; pairs whose source has a number.
* ``name``: a name both sides share (a capitalised word or run written the same in both)
  is dropped from the English.
* ``repetition``: a 1-3 word n-gram of the English is repeated 4-6 times in place.
* ``untranslated``: the English is replaced with the Indonesian source.
* ``truncation``: only the first half of the English words is kept (pairs of 8+ words).

The faults are made independently of the detector's own rules (names are found by
plain string matching, numbers by digit/number-word matching), so recall is not a
tautology. Reported: recall per fault type (the expected flag fires; and any flag
fires), and the false-positive rate of each flag and of all flags together on clean
pairs, per data set and overall, with percentile bootstrap CIs.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from summarize.quality import TRANSLATION_CODES, check_translation
from summarize.text.numbers import NUMBER_WORDS

FAULTS = ("number", "name", "repetition", "untranslated", "truncation")
#: The flag each fault should raise.
EXPECTED = {
    "number": "number",
    "name": "name",
    "repetition": "repetition",
    "untranslated": "untranslated",
    "truncation": "length",
}
#: Targets from issue 13 (recall of the expected flag; false-positive rate).
RECALL_TARGETS = {
    "number": 0.95,
    "repetition": 0.95,
    "untranslated": 0.95,
    "name": 0.90,
    "truncation": 0.90,
}
FPR_TARGET = 0.03

_TOKEN = re.compile(r"\S+")
_DIGITS = re.compile(r"(?<![\w.,])\d+(?:[.,:]\d+)*(?![\w])")
_NUMBER_WORD = re.compile(
    r"\b(" + "|".join(sorted((w for w in NUMBER_WORDS if w.isascii()), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_CAP_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_CORE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Case:
    dataset: str
    index: int
    fault: str  # "clean" or one of FAULTS
    source: str
    translation: str
    detail: str = ""


@dataclass(frozen=True)
class TrustDataset:
    name: str
    pairs: list[tuple[str, str]]
    files: list[Path] = field(default_factory=list)


# ------------------------------------------------------------------------------ faults


def _fault_number(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    if not (_DIGITS.search(src) or _NUMBER_WORD.search(src)):
        return None
    # numbers of the English that the source also writes (digits) or any number word
    cands = [m for m in _DIGITS.finditer(en) if re.sub(r"\D", "", m.group(0)) in re.sub(r"\D", " ", src).split() or True]
    cands += list(_NUMBER_WORD.finditer(en))
    if not cands:
        return None
    m = rng.choice(cands)
    text = m.group(0)
    if rng.random() < 0.5:
        new = en[: m.start()].rstrip() + " " + en[m.end() :].lstrip()
        return new.strip(), f"dropped {text!r}"
    if text[0].isdigit():
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        i = rng.choice(digits)
        d = str((int(text[i]) + rng.randint(1, 8)) % 10)
        if i == 0 and d == "0" and len(digits) > 1:
            d = "9"
        changed = text[:i] + d + text[i + 1 :]
    else:
        words = [w for w in NUMBER_WORDS if w.isascii() and w != text.lower()]
        english = [w for w in words if w in _ENGLISH_NUMBER_WORDS]
        changed = rng.choice(english)
    return en[: m.start()] + changed + en[m.end() :], f"{text!r} -> {changed!r}"


#: capitalised words that are not names of people, places or organisations
_NOT_NAMES = frozenset(
    """
    i oh ok okay hi hello ah eh wow ha haha hmm yes no
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
)

_ENGLISH_NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty".split()
)


def _fault_name(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    src_words = set(_CORE.findall(src))
    names = []
    for m in _CAP_RUN.finditer(en):
        words = _CORE.findall(m.group(0))
        if words and all(w in src_words for w in words) and any(len(w) >= 2 for w in words):
            names.append(m.group(0).strip("'’-"))
    names = [n for n in names if n.lower() not in _NOT_NAMES]
    if not names:
        return None
    name = rng.choice(sorted(set(names)))
    new = re.sub(rf"(?<![\w]){re.escape(name)}(?:['’]s)?(?![\w])", " ", en)
    new = re.sub(r"\s+([,.!?;:])", r"\1", re.sub(r"\s{2,}", " ", new)).strip()
    if new == en.strip():
        return None
    return new, f"dropped {name!r}"


def _fault_repetition(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _TOKEN.findall(en)
    if not tokens:
        return None
    n = rng.randint(1, min(3, len(tokens)))
    i = rng.randrange(0, len(tokens) - n + 1)
    gram = tokens[i : i + n]
    copies = rng.randint(4, 6)
    new = tokens[:i] + gram * copies + tokens[i + n :]
    return " ".join(new), f"{' '.join(gram)!r} x{copies}"


def _fault_untranslated(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    if _CORE.findall(src.lower()) == _CORE.findall(en.lower()):
        return None
    return src, "English replaced with the source"


def _fault_truncation(src: str, en: str, rng: random.Random) -> tuple[str, str] | None:
    tokens = _TOKEN.findall(en)
    if len(tokens) < 8:
        return None
    keep = len(tokens) // 2
    return " ".join(tokens[:keep]), f"kept {keep} of {len(tokens)} words"


MAKERS: dict[str, Callable[[str, str, random.Random], tuple[str, str] | None]] = {
    "number": _fault_number,
    "name": _fault_name,
    "repetition": _fault_repetition,
    "untranslated": _fault_untranslated,
    "truncation": _fault_truncation,
}


def make_cases(name: str, pairs: Sequence[tuple[str, str]], seed: int) -> list[Case]:
    """The clean pairs plus every fault each pair qualifies for (seeded per pair)."""
    cases: list[Case] = []
    for i, (src, en) in enumerate(pairs):
        cases.append(Case(name, i, "clean", src, en))
        for fault in FAULTS:
            rng = random.Random(f"{seed}:{name}:{i}:{fault}")
            made = MAKERS[fault](src, en, rng)
            if made is not None and made[0].strip() != en.strip():
                cases.append(Case(name, i, fault, src, made[0], made[1]))
    return cases
