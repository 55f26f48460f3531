"""Word frequencies of Indonesian and English, and Indonesian affixes.

Tells whether a word is a common Indonesian word, an English word, both (loanwords:
``radio``, ``data``) or neither. The frequencies come from the ``wordfreq`` package
(code Apache-2.0, data CC BY-SA 4.0; Zipf scale: 0 = not listed, 3 = once per million
words, 7 = "the"). Its lists are loaded once, on first use (about 0.3 s for English),
never at import.

:func:`indonesian_root` undoes the regular Indonesian affixes (``di-``, ``me(N)-``,
``ber-``, ``ter-``, ``ke-...-an``, ``pe(N)-``, ``per-...-an``, ``se-``, ``-nya``,
``-kan``, ``-an``, ``-i``, ``-lah``) with the nasal changes of ``meN-``/``peN-``
(``menolong`` -> ``tolong``, ``memukul`` -> ``pukul``), so that a derived word missing
from the frequency list is still recognised by its root.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Zipf frequency at and above which a word counts as common in a language.
COMMON = 3.0
#: ... and an Indonesian word left in English output counts as untranslated (rarer words
#: are mostly regional dishes and things that English has no word for: "batagor")
COMMON_WORD = 3.4
#: English Zipf frequency of both parts of an English compound written as one word
COMPOUND_PART = 4.0
#: ... when the source is informal text (see :func:`untranslated_words`)
INFORMAL_WORD = 4.0


@functools.lru_cache(maxsize=2)
def _table(lang: str) -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict(lang, wordlist="best")


def zipf(word: str, lang: str) -> float:
    """Zipf frequency of a lower-case ``word`` in ``lang`` (``"id"`` or ``"en"``); 0.0 when
    the word is not listed."""
    freq = _table(lang).get(word)
    return round(math.log10(freq) + 9.0, 2) if freq else 0.0


def english(word: str) -> float:
    return zipf(word, "en")


def indonesian(word: str) -> float:
    return zipf(word, "id")


# (prefix, what it may replace at the root's start): meN-/peN- drop or nasalise the
# root's first consonant (menolong < tolong, memukul < pukul, menyapu < sapu,
# mengirim < kirim)
_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("memper", ("",)),
    ("diper", ("",)),
    ("menge", ("",)),
    ("penge", ("",)),
    ("meng", ("", "k")),
    ("peng", ("", "k")),
    ("meny", ("s",)),
    ("peny", ("s",)),
    ("mem", ("", "p")),
    ("pem", ("", "p")),
    ("men", ("", "t")),
    ("pen", ("", "t")),
    ("ber", ("",)),
    ("bel", ("",)),
    ("ter", ("",)),
    ("per", ("",)),
    ("me", ("",)),
    ("pe", ("",)),
    ("di", ("",)),
    ("ke", ("",)),
    ("se", ("",)),
    ("", ("",)),
)
_SUFFIXES = ("kannya", "annya", "nya", "kan", "lah", "kah", "an", "i", "")
_REDUPLICATION = re.compile(r"^([a-z]{2,})-\1(?:nya|an|kan)?$")


def _candidates(word: str) -> Iterator[str]:
    for suffix in _SUFFIXES:
        if suffix and not word.endswith(suffix):
            continue
        stem = word[: len(word) - len(suffix)] if suffix else word
        for prefix, restore in _PREFIXES:
            if not stem.startswith(prefix):
                continue
            rest = stem[len(prefix) :]
            for first in restore:
                root = first + rest
                if len(root) >= 4 and root != word:
                    yield root


@functools.lru_cache(maxsize=65536)
def indonesian_root(word: str) -> str | None:
    """The most frequent Indonesian root that ``word`` (lower case) derives from by regular
    affixes (``keakraban`` -> ``akrab``), or None when no common root fits."""
    m = _REDUPLICATION.match(word)
    if m:
        return m.group(1) if indonesian(m.group(1)) >= COMMON else None
    best, best_zipf = None, 0.0
    for root in _candidates(word):
        z = indonesian(root)
        if z >= COMMON and z > best_zipf:
            best, best_zipf = root, z
    return best


# ------------------------------------------------------------------ untranslated words

#: below this English Zipf frequency a word is no ordinary English word
RARE_EN = 1.0
_OUT_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:['’]s)?")
_STARTERS = frozenset('.!?:;…"“‘«([–—')
_GRAM = 4
_CLITIC = re.compile(r"(?:nya|ku|mu)$")
_FINAL = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")


@dataclass(frozen=True)
class Leftover:
    """An Indonesian (or half-translated) word found in an English text: characters
    ``start:end`` and why it counts (``word``: a common Indonesian word; ``affixed``: a
    derived form of an Indonesian root; ``copied``: an unknown word copied from the source;
    ``garbled``: an unknown word made of a source word's pieces; ``function word``)."""

    start: int
    end: int
    text: str
    why: str


#: Markers of colloquial Indonesian (chat, reviews): particles, short forms and slang
#: pronouns that edited text does not use.
COLLOQUIAL = frozenset(
    """
    banget bgt bikin gak nggak ngga enggak gk ga aja udah udh aku gue gua gw lu lo sih dong
    deh kok nih tuh loh lho kayak ku kalo pingin pengen haha hehe wkwk wkwkwk yg dgn utk tdk sdh
    krn jg mantap mantul gimana ngapain emang cuma doang
    """.split()
)
_COLLOQUIAL_END = re.compile(r"\b(?:ya|yah|kan|sih|deh|dong|nih|kok)\s*[.!?,]", re.IGNORECASE)


def informal(text: str) -> bool:
    """Whether an Indonesian text is colloquial (chat, reviews): it uses a colloquial
    marker, or ends a clause with a particle ("..., ya.")."""
    words = {w.lower() for w in _OUT_WORD.findall(text)}
    return not words.isdisjoint(COLLOQUIAL) or bool(_COLLOQUIAL_END.search(text))


def careful_source(source: str, translation: str) -> bool:
    """Whether ``source`` is edited text: it ends with a final punctuation mark, uses no
    colloquial marker (:func:`informal`) and writes no name in lower case (which shows as
    a word that ``translation`` capitalises inside a sentence while the source has it only
    in lower case: "di bandung" -> "in Bandung"). In other text, words that English has
    no word for (slang, dishes) are often kept in the English."""
    if not _FINAL.search(source) or informal(source):
        return False
    src_tokens = _OUT_WORD.findall(source)
    lower = {t.lower() for t in src_tokens if not t[:1].isupper()}
    capitalised = {t.lower() for t in src_tokens if t[:1].isupper()}
    return not any(
        m.group(0)[:1].isupper()
        and m.group(0).lower() in lower
        and m.group(0).lower() not in capitalised
        and not starts_sentence(translation, m.start())
        for m in _OUT_WORD.finditer(translation)
    )


def starts_sentence(text: str, pos: int) -> bool:
    """Whether the word at ``pos`` starts a sentence, a quote or a parenthesis (only the
    characters just before it are read: linear over a text)."""
    i = pos - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    if i < 0:
        return True
    return text[i] in _STARTERS or (text[i] == "-" and i > 0 and text[i - 1].isspace())


#: unknown words this long copied into English count even from a source without names:
#: the local things that English has no word for (dishes, slang) have short names
LONG_WORD = 8


def _grams(word: str) -> set[str]:
    return {word[i : i + _GRAM] for i in range(len(word) - _GRAM + 1)}


#: an Indonesian word that English also lists counts as left untranslated when the source
#: has it, it is this long, English lists it below ``SHARED_EN`` and Indonesian uses it
#: ``MORE_INDONESIAN`` Zipf points more (0.8: six times as often)
MIN_COPIED = 4
SHARED_EN = 3.0
MORE_INDONESIAN = 0.8


def _more_indonesian(
    word: str, i: float | None = None, e: float | None = None, shared: float = SHARED_EN
) -> bool:
    """A common Indonesian word that English knows only a little: Indonesian Zipf at least
    ``COMMON_WORD`` and ``MORE_INDONESIAN`` above its English Zipf, which is below
    ``shared`` ("nuri", "muara"; not "radio", "hotel", "aroma")."""
    i = indonesian(word) if i is None else i
    e = english(word) if e is None else e
    return i >= COMMON_WORD and e < shared and i - e >= MORE_INDONESIAN


def _classify(
    part: str,
    source_words: set[str],
    source_grams: dict[str, str],
    cased: bool = True,
    lower_source: frozenset[str] | set[str] = frozenset(),
) -> str | None:
    """Why a lower-case word part of an English text is Indonesian, or None. ``cased``:
    the source is edited text; ``lower_source``: words an edited source that capitalises
    names writes only in lower case (empty otherwise)."""
    if len(part) < 3:
        return None
    e = english(part)
    i = indonesian(part)
    if e >= RARE_EN:
        # copied from the source, and Indonesian uses it far more than English ("nuri",
        # "muara"): left untranslated. Loanwords are as frequent in English ("radio").
        copied = part in lower_source and len(part) >= MIN_COPIED
        return "word" if copied and _more_indonesian(part, i, e) else None
    if _english_compound(part):
        return None  # "minimarket"
    if i >= (COMMON_WORD if cased else INFORMAL_WORD):
        return "word"
    if indonesian_root(part):
        return "affixed"
    if e > 0 or i > 0 or len(part) < 4 or not cased or _english_inflection(part):
        return None
    if part in source_words:
        return "copied"
    if len(part) >= 5:
        pieces = {source_grams[g] for g in _grams(part) if g in source_grams}
        if pieces:
            # a source word respelled ("autodebet" -> "autodebit") is a copy; mangled
            # ("skopolamin" -> "schocolamin") it is garbled
            close = any(_distance(part, v, 2) <= 2 for w in pieces for v in (w, _CLITIC.sub("", w)))
            return "copied" if close else "garbled"
    return None


#: British spellings and inflections the English list may lack ("catastrophising")
_ENGLISH_ENDINGS = (
    ("ising", "izing"), ("isation", "ization"), ("ise", "ize"), ("ised", "ized"),
    ("our", "or"), ("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
    ("ing", "e"), ("ly", ""),
)  # fmt: skip


def _english_inflection(word: str) -> bool:
    """An English word by a regular ending or British spelling the list does not have."""
    return any(
        word.endswith(end) and english(word[: len(word) - len(end)] + new) >= RARE_EN
        for end, new in _ENGLISH_ENDINGS
    )


#: the English part of a half-translated word is at least this frequent (Zipf) and this
#: long; the Indonesian part, a start or an end of a source word, at least ``PIECE`` long
HALF_EN = 3.0
HALF_EN_LEN = 4
PIECE = 3


def _source_pieces(words: set[str]) -> set[str]:
    """Starts and ends (``PIECE`` letters or more, short of the whole) of source words:
    what a half-translated word keeps of one ("walau" -> "lau", "wal")."""
    out: set[str] = set()
    for w in words:
        for k in range(PIECE, len(w) - 1):
            out.add(w[:k])
            out.add(w[len(w) - k :])
    return out


def _half_translated(word: str, pieces: set[str], source_grams: dict[str, str]) -> bool:
    """An unknown word made of a piece of a source word and an English word, either way
    round ("lau" + "coming" from "walau mengganggu"; "inter" + "penutur")."""
    if len(word) < PIECE + HALF_EN_LEN or english(word) > 0 or indonesian(word) > 0:
        return False
    # source words sharing a 4-letter piece with it (a bounded number: linear in the text)
    near = {source_grams[g] for g in _grams(word) if g in source_grams}
    if any(_distance(word, w, 2) <= 2 for w in near):
        return False  # a source word respelled ("herban" -> "herbane"), not half of one
    for k in range(PIECE, len(word) - PIECE + 1):
        head, tail = word[:k], word[k:]
        if head in pieces and len(tail) >= HALF_EN_LEN and english(tail) >= HALF_EN:
            return True
        if tail in pieces and len(head) >= HALF_EN_LEN and english(head) >= HALF_EN:
            return True
    return False


def _english_compound(word: str) -> bool:
    """Two frequent English words of 4+ letters written as one ("minimarket")."""
    return any(
        english(word[:k]) >= COMPOUND_PART and english(word[k:]) >= COMPOUND_PART
        for k in range(4, len(word) - 3)
    )


def _distance(a: str, b: str, limit: int) -> int:
    from summarize.text.names import _edit_distance

    return _edit_distance(a, b, limit)


def untranslated_words(source: str, translation: str) -> list[Leftover]:
    """Indonesian words, affixed forms, reduplications, unknown copies of source words and
    half-translated words inside an English ``translation`` of ``source``.

    Not counted: capitalised words inside a sentence (names) unless the source writes the
    word in lower case and it is Indonesian; acronyms; words English knows (loanwords such
    as ``radio``, ``data``: English Zipf >= 1.0).
    """
    from summarize.text.stopwords import EN_STOPWORDS, ID_STOPWORDS

    src_tokens = _OUT_WORD.findall(source)
    source_lower = {t.lower() for t in src_tokens}
    source_words = {p for t in source_lower for p in t.split("-")}
    out_words = {t.lower() for t in _OUT_WORD.findall(translation)}
    careful = careful_source(source, translation)
    # ... and writes names with capitals (text without any name gives no evidence of care)
    capitalises = any(
        m.group(0)[:1].isupper() and not starts_sentence(source, m.start())
        for m in _OUT_WORD.finditer(source)
    )
    cased = careful and capitalises
    # pieces of source words that the translation lacks: a garbled word is made of them
    source_grams: dict[str, str] = {}
    for w in source_words:
        if len(w) >= 5 and w not in out_words and english(w) < RARE_EN:
            for g in _grams(w):
                source_grams.setdefault(g, w)
    # ... and a piece of one and an English word make a half-translated word
    pieces = _source_pieces(set(source_grams.values())) if careful else set()
    # in a source that is edited and capitalises names, a word written only in lower
    # case is no name, even when the translation capitalises it ("memasang Lampu")
    lower_only = source_lower - {t.lower() for t in src_tokens if t[:1].isupper()}
    if not (capitalises and _FINAL.search(source) and not informal(source)):
        lower_only = set()
    copied_ok = lower_only if cased else set()
    found: list[Leftover] = []
    matches = list(_OUT_WORD.finditer(translation))

    def at_start_of(j: int) -> bool:
        return j < 0 or starts_sentence(translation, matches[j].start())

    for k, m in enumerate(matches):
        token = re.sub(r"['’]s$", "", m.group(0))
        lower = token.lower()
        letters = [c for c in token if c.isalpha()]
        if sum(c.isupper() for c in letters) > 1:
            continue  # an acronym or a mixed-case name
        at_start = starts_sentence(translation, m.start())
        why: str | None = None
        nxt = matches[k + 1].group(0) if k + 1 < len(matches) else ""
        if (
            lower in ID_STOPWORDS
            and lower not in EN_STOPWORDS
            and lower in source_words
            and english(lower) < 4.0
            and not nxt[:1].isupper()
            and (careful or token.islower())
        ):
            why = "function word"
        elif token[:1].isupper() and not at_start:
            # a name, unless an edited source that capitalises names writes it only in
            # lower case, it stands alone (not in a run of capitalised words: "Mandiri
            # Mobile") and it is a common Indonesian word or a derived form ("used Gaul",
            # "Bermerek"); how often English uses the lower-case word tells nothing here
            prev = matches[k - 1].group(0) if k else ""
            in_name = nxt[:1].isupper() or (prev[:1].isupper() and not at_start_of(k - 1))
            if lower in lower_only and "-" not in lower and not in_name:
                if _more_indonesian(lower, shared=math.inf):
                    why = "word"
                elif english(lower) == 0 and indonesian_root(lower):
                    why = "affixed"
        elif token[:1].isupper():
            # first word of a sentence: an Indonesian word the source has too, not the
            # start of a name ("Insya Allah"); before a capital only a derived form
            # ("Penerus Global Running Tours")
            if lower in source_words:
                why = _classify(lower, source_words, {}, careful, copied_ok)
                derived = english(lower) == 0 and indonesian_root(lower) is not None
                allowed = ("affixed",) if nxt[:1].isupper() else ("word", "affixed")
                why = why if why in allowed or (why == "word" and derived) else None
        else:
            parts = lower.split("-")
            if len(parts) == 2 and parts[0] == parts[1]:
                # English hardly doubles a word ("anak-anak"; but "bye-bye")
                first = parts[0]
                common = indonesian(first) >= INFORMAL_WORD and english(first) < COMMON
                why = "reduplication" if common else None
            else:
                for part in parts:
                    why = _classify(part, source_words, source_grams, careful, copied_ok)
                    if why == "copied" and not cased and len(part) < LONG_WORD:
                        why = None
                    if (
                        why is None
                        and pieces
                        and part not in source_words
                        and _half_translated(part, pieces, source_grams)
                    ):
                        why = "half-translated"
                    if why:
                        break
        if why:
            found.append(Leftover(m.start(), m.start() + len(token), token, why))
    return found
