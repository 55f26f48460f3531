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

from summarize.text.stopwords import EN_STOPWORDS, ID_STOPWORDS

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


# ------------------------------------------------------- Indonesian spellings of English

#: Letters that Indonesian spells differently from English, mapped to one spelling key
#: for both ("Bucharest" and "Bukares", "helicopter" and "helikopter", "rugby" and
#: "rugbi", "zoom" and "zum" share a key); a double letter counts once, a final "e" not
#: at all and a final "st" as "s"
_SPELLING = {
    "sch": "sk", "ch": "k", "ph": "f", "th": "t", "sh": "s", "sy": "s", "kh": "k",
    "ck": "k", "qu": "kw", "oo": "u", "ou": "u", "c": "k", "q": "k", "x": "ks", "y": "i",
    "j": "i", "w": "u", "v": "f", "z": "s",
}  # fmt: skip
_SPELLING_RE = re.compile("|".join(sorted(_SPELLING, key=len, reverse=True)))
_DOUBLE = re.compile(r"(.)\1+")
_SPELLING_END = re.compile(r"(?:st|e)$")
#: English words (of the most frequent, Zipf about 3 and up) indexed by spelling key
SPELLING_WORDS = 30000


def spelling_key(word: str) -> str:
    """The key that an English word and its Indonesian spelling share (lower case)."""
    key = _SPELLING_RE.sub(lambda m: _SPELLING[m.group(0)], word)
    key = _DOUBLE.sub(r"\1", key)
    return _SPELLING_END.sub(lambda m: "s" if m.group(0) == "st" else "", key)


@functools.lru_cache(maxsize=1)
def _spelling_index() -> dict[str, tuple[str, ...]]:
    import wordfreq

    index: dict[str, list[str]] = {}
    for w in wordfreq.top_n_list("en", SPELLING_WORDS):
        if len(w) >= 4 and w.isalpha():
            index.setdefault(spelling_key(w), []).append(w)
    return {k: tuple(v) for k, v in index.items()}


def english_spelling(word: str) -> str | None:
    """The frequent English word (one of the ``SPELLING_WORDS`` most frequent) that
    ``word`` (lower case) writes the Indonesian way: the same spelling key, the same
    first letter (``c``/``k`` alike), and 1 Zipf point more frequent in English than
    ``word`` itself ("bukares" -> "bucharest", "helikopter" -> "helicopter"). The list is
    indexed on first use (about 0.3 s)."""
    if len(word) < 3:
        return None
    own = english(word)
    for cand in _spelling_index().get(spelling_key(word), ()):
        same_start = cand[0] == word[0] or {cand[0], word[0]} == {"c", "k"}
        if cand != word and same_start and english(cand) >= own + 1.0:
            return cand
    return None


# ------------------------------------------------------------- loanwords left out

#: a source loanword this long (lower case, no clitic), common in Indonesian (Zipf
#: ``COMMON`` up: an established word, not a writer's own spelling such as "poling") ...
DROPPED_MIN = 6
#: ... whose English counterpart by spelling (:func:`english_spelling`) has an English
#: Zipf frequency in this range, and at least the loanword's own Indonesian Zipf: a
#: specific word ("parodi" = parody, "gestur" = gesture, "mandat" = mandate) that a
#: translation keeps as that word. More frequent English words ("krisis" = crisis,
#: "relatif", "favorit") are often rendered by another ("crunch", "fairly", "ideal"); a
#: native word that only looks like a rarer English one ("tinggi" / thingy, "kering" /
#: cheering) is more frequent in Indonesian than its look-alike is in English.
DROPPED_EN = (3.0, 4.5)
#: the shortest clipped form that counts as the word ("gym" for gymnasium)
CLIPPED_MIN = 3


@dataclass(frozen=True)
class Dropped:
    """A source loanword (characters ``start:end`` of the source) whose English
    counterpart ``english`` has no form in the translation."""

    start: int
    end: int
    text: str
    english: str


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _loanword_english(word: str) -> str | None:
    """The English word that source word ``word`` spells the Indonesian way, when it is a
    loanword to look for (see ``DROPPED_MIN`` and ``DROPPED_EN``); else None."""
    if len(word) < DROPPED_MIN or not word.islower() or _CLITIC.search(word):
        return None
    en = english_spelling(word)
    if en is None:
        return None
    z = english(en)
    if DROPPED_EN[0] <= z < DROPPED_EN[1] and COMMON <= indonesian(word) <= z:
        return en
    return None


@dataclass(frozen=True)
class _Forms:
    """A translation's words indexed for :func:`dropped_loanwords`: its words, their
    spelling keys with their one-letter deletions, and the prefixes (4+ letters) of both."""

    words: set[str]
    near_keys: set[str]
    prefixes: set[str]

    @classmethod
    def of(cls, translation: str) -> _Forms:
        words = set(_WORD_ONLY.findall(translation.lower()))
        keys = {spelling_key(w) for w in words}
        deleted = {d for k in keys for d in _deletions(k)}
        prefixes = {w[:i] for w in words for i in range(4, len(w) + 1)}
        prefixes |= {k[:i] for k in keys for i in range(4, len(k) + 1)}
        return cls(words, keys | deleted, prefixes)

    def has_form(self, word: str, en: str) -> bool:
        """Whether a word shares the spelling key of loanword ``word`` or a key one letter
        away, starts with its stem or that of its English word ``en``, or clips ``en``."""
        key = spelling_key(word)
        near = key in self.near_keys or not _deletions(key).isdisjoint(self.near_keys)
        stems = (en[: max(4, len(en) - 3)], key[: max(4, len(key) - 3)])
        clipped = any(en[:i] in self.words for i in range(CLIPPED_MIN, len(en)))
        return near or any(s in self.prefixes for s in stems) or clipped


def dropped_loanwords(source: str, translation: str) -> list[Dropped]:
    """Loanwords of ``source`` that ``translation`` lacks in every form: a lower-case
    source word of ``DROPPED_MIN`` letters up that spells a specific English word the
    Indonesian way (see ``DROPPED_EN``), when no translation word shares its spelling key
    or a key one letter away ("sweter" / "sweater"), starts with its stem (all but the
    last three letters: "parodied"), or is a clipped form of it ("gym"). Linear in the
    texts: the translation's keys, their one-letter deletions and their prefixes are
    indexed in sets, and a word's few keys are looked up there (a symmetric-deletion
    index, hand-written as it is a few lines over the spelling key)."""
    candidates = []
    for m in _WORD_ONLY.finditer(source):
        en = _loanword_english(m.group(0))
        if en is not None:
            candidates.append((m, en))
    if not candidates:
        return []
    forms = _Forms.of(translation)
    return [
        Dropped(m.start(), m.end(), m.group(0), en)
        for m, en in candidates
        if not forms.has_form(m.group(0), en)
    ]


# ------------------------------------------------------------------ untranslated words

#: below this English Zipf frequency a word is no ordinary English word
RARE_EN = 1.0
_OUT_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:['’]s)?")
_WORD_ONLY = re.compile(r"[^\W\d_]+")
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


#: a copied word this long that spells a more frequent English word the Indonesian way
#: ("parodi" for parody) is left untranslated (shorter ones are often other words: "nasi")
SPELLED_MIN = 5
#: ... and a shorter one (3 letters up) in edited text when Indonesian does not list it as
#: a common word of its own: a respelled loanword ("zum" for zoom), not a native word
#: ("nasi") nor, as in reviews, a dish ("soun")
SPELLED_SHORT = 3
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
        return _copied_word(part, i, e, lower_source)
    if _english_compound(part):
        return None  # "minimarket"
    if i >= (COMMON_WORD if cased else INFORMAL_WORD):
        return "word"
    if indonesian_root(part):
        return "affixed"
    if e > 0 or i > 0 or len(part) < 4 or not cased or _english_inflection(part):
        return None
    return _copied_or_garbled(part, source_words, source_grams)


def _copied_word(
    part: str, i: float, e: float, lower_source: frozenset[str] | set[str]
) -> str | None:
    """A word English lists (Zipf ``e``) as "word" when it is copied from the source, and
    Indonesian uses it far more than English ("nuri", "muara"): left untranslated.
    Loanwords are as frequent in English ("radio")."""
    copied = part in lower_source and len(part) >= MIN_COPIED
    return "word" if copied and _more_indonesian(part, i, e) else None


def _copied_or_garbled(
    part: str, source_words: set[str], source_grams: dict[str, str]
) -> str | None:
    """An unknown word (neither language lists it) copied from the source, or made of a
    source word's pieces: "copied" or "garbled"; else None."""
    if part in source_words:
        return "copied"
    if len(part) < 5:
        return None
    pieces = {source_grams[g] for g in _grams(part) if g in source_grams}
    if not pieces:
        return None
    # a source word respelled ("autodebet" -> "autodebit") is a copy; mangled
    # ("skopolamin" -> "schocolamin") it is garbled
    close = any(_distance(part, v, 2) <= 2 for w in pieces for v in (w, _CLITIC.sub("", w)))
    return "copied" if close else "garbled"


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


@dataclass(frozen=True)
class _Leftovers:
    """What :func:`untranslated_words` knows of a source and its translation."""

    translation: str
    matches: list[re.Match[str]]  # the translation's words
    source_words: set[str]  # lower case, hyphenated words split
    source_grams: dict[str, str]  # 4-letter pieces of source words the translation lacks
    pieces: set[str]  # starts and ends of those source words (edited text only)
    careful: bool  # edited text (:func:`careful_source`)
    cased: bool  # ... that writes names with capitals
    lower_only: set[str]  # words such a source writes only in lower case
    copied_ok: set[str]  # ``lower_only`` when ``cased``, else empty
    source_pairs: set[tuple[str, str]]  # adjacent source words (also without clitics)


def _source_grams(source_words: set[str], out_words: set[str]) -> dict[str, str]:
    """Pieces of source words that the translation lacks (and English does not list), by
    their 4-letter grams: a garbled word is made of them."""
    grams: dict[str, str] = {}
    for w in source_words:
        if len(w) >= 5 and w not in out_words and english(w) < RARE_EN:
            for g in _grams(w):
                grams.setdefault(g, w)
    return grams


def _source_pairs(src_seq: list[str]) -> set[tuple[str, str]]:
    """Adjacent source words, as written and without clitics (words over 5 letters)."""
    bare = [_CLITIC.sub("", t) if len(t) > 5 else t for t in src_seq]
    pairs = set(zip(src_seq, src_seq[1:], strict=False))
    return pairs | set(zip(bare, bare[1:], strict=False))


def _capitalises(source: str) -> bool:
    """Whether the source writes a word with a capital inside a sentence (names)."""
    return any(
        m.group(0)[:1].isupper() and not starts_sentence(source, m.start())
        for m in _OUT_WORD.finditer(source)
    )


def _leftovers(source: str, translation: str) -> _Leftovers:
    """What the source tells about the words of ``translation`` (see :class:`_Leftovers`)."""
    src_tokens = _OUT_WORD.findall(source)
    source_lower = {t.lower() for t in src_tokens}
    source_words = {p for t in source_lower for p in t.split("-")}
    out_words = {t.lower() for t in _OUT_WORD.findall(translation)}
    careful = careful_source(source, translation)
    # ... and writes names with capitals (text without any name gives no evidence of care)
    capitalises = _capitalises(source)
    cased = careful and capitalises
    # pieces of source words that the translation lacks: a garbled word is made of them
    source_grams = _source_grams(source_words, out_words)
    # ... and a piece of one and an English word make a half-translated word
    pieces = _source_pieces(set(source_grams.values())) if careful else set()
    # in a source that is edited and capitalises names, a word written only in lower
    # case is no name, even when the translation capitalises it ("memasang Lampu")
    lower_only = source_lower - {t.lower() for t in src_tokens if t[:1].isupper()}
    if not (capitalises and _FINAL.search(source) and not informal(source)):
        lower_only = set()
    return _Leftovers(
        translation=translation,
        matches=list(_OUT_WORD.finditer(translation)),
        source_words=source_words,
        source_grams=source_grams,
        pieces=pieces,
        careful=careful,
        cased=cased,
        lower_only=lower_only,
        copied_ok=lower_only if cased else set(),
        source_pairs=_source_pairs([t.lower() for t in src_tokens]),
    )


def _function_word(token: str, lower: str, nxt: str, ctx: _Leftovers) -> bool:
    """An Indonesian function word that the source has, not before a capitalised word
    (a name: "Di Bandung"), in edited text or written in lower case."""
    return (
        lower in ID_STOPWORDS
        and lower not in EN_STOPWORDS
        and lower in ctx.source_words
        and english(lower) < 4.0
        and not nxt[:1].isupper()
        and (ctx.careful or token.islower())
    )


def _name_word(k: int, lower: str, nxt: str, ctx: _Leftovers) -> str | None:
    """Why a word capitalised inside a sentence (word ``k``) is Indonesian, or None: a
    name, unless an edited source that capitalises names writes it only in lower case, it
    stands alone (not in a run of capitalised words: "Mandiri Mobile") and it is a common
    Indonesian word or a derived form ("used Gaul", "Bermerek"); how often English uses
    the lower-case word tells nothing here."""
    prev = ctx.matches[k - 1].group(0) if k else ""
    in_name = nxt[:1].isupper() or (
        prev[:1].isupper() and not starts_sentence(ctx.translation, ctx.matches[k - 1].start())
    )
    if lower not in ctx.lower_only or "-" in lower or in_name:
        return None
    if _more_indonesian(lower, shared=math.inf):
        return "word"
    if english(lower) == 0 and indonesian_root(lower):
        return "affixed"
    return None


def _first_word(lower: str, nxt: str, ctx: _Leftovers) -> str | None:
    """Why the first word of a sentence is Indonesian, or None: an Indonesian word the
    source has too, not the start of a name ("Insya Allah"); before a capital only a
    derived form ("Penerus Global Running Tours")."""
    if lower not in ctx.source_words:
        return None
    why = _classify(lower, ctx.source_words, {}, ctx.careful, ctx.copied_ok)
    derived = english(lower) == 0 and indonesian_root(lower) is not None
    allowed = ("affixed",) if nxt[:1].isupper() else ("word", "affixed")
    return why if why in allowed or (why == "word" and derived) else None


def _half_translated_part(part: str, ctx: _Leftovers) -> bool:
    return (
        bool(ctx.pieces)
        and part not in ctx.source_words
        and _half_translated(part, ctx.pieces, ctx.source_grams)
    )


def _spelled_part(part: str, ctx: _Leftovers) -> bool:
    """A source word that spells a more frequent English word the Indonesian way
    ("parodi", "treking", "akordion"; see ``SPELLED_MIN`` and ``SPELLED_SHORT``)."""
    long_enough = len(part) >= SPELLED_MIN or (
        ctx.careful and len(part) >= SPELLED_SHORT and indonesian(part) < COMMON
    )
    return (
        part in ctx.source_words
        and long_enough
        and english(part) < SHARED_EN
        and bool(english_spelling(part))
    )


def _part_reason(part: str, ctx: _Leftovers) -> str | None:
    """Why a part of a lower-case word (between hyphens) is Indonesian, or None."""
    why = _classify(part, ctx.source_words, ctx.source_grams, ctx.careful, ctx.copied_ok)
    if why == "copied" and not ctx.cased and len(part) < LONG_WORD:
        why = None
    if why is None and _half_translated_part(part, ctx):
        why = "half-translated"
    if why is None and _spelled_part(part, ctx):
        why = "Indonesian spelling"  # "parodi", "treking", "akordion"
    return why


def _lower_word(lower: str, ctx: _Leftovers) -> str | None:
    """Why a lower-case word is Indonesian, or None: a reduplicated common Indonesian
    word (English hardly doubles a word: "anak-anak"; but "bye-bye"), or the first of its
    parts that is."""
    parts = lower.split("-")
    if len(parts) == 2 and parts[0] == parts[1]:
        first = parts[0]
        common = indonesian(first) >= INFORMAL_WORD and english(first) < COMMON
        return "reduplication" if common else None
    for part in parts:
        why = _part_reason(part, ctx)
        if why:
            return why
    return None


def _reason(k: int, token: str, ctx: _Leftovers) -> str | None:
    """Why word ``k`` of the translation (``token``: without a final "'s") is
    Indonesian, or None."""
    lower = token.lower()
    m = ctx.matches[k]
    nxt = ctx.matches[k + 1].group(0) if k + 1 < len(ctx.matches) else ""
    if _function_word(token, lower, nxt, ctx):
        return "function word"
    if not token[:1].isupper():
        return _lower_word(lower, ctx)
    if not starts_sentence(ctx.translation, m.start()):
        return _name_word(k, lower, nxt, ctx)
    return _first_word(lower, nxt, ctx)


def untranslated_words(source: str, translation: str) -> list[Leftover]:
    """Indonesian words, affixed forms, reduplications, unknown copies of source words and
    half-translated words inside an English ``translation`` of ``source``.

    Not counted: capitalised words inside a sentence (names) unless the source writes the
    word in lower case and it is Indonesian; acronyms; words English knows (loanwords such
    as ``radio``, ``data``: English Zipf >= 1.0).
    """
    ctx = _leftovers(source, translation)
    found: list[Leftover] = []
    for k, m in enumerate(ctx.matches):
        token = re.sub(r"['’]s$", "", m.group(0))
        if sum(c.isupper() for c in token if c.isalpha()) > 1:
            continue  # an acronym or a mixed-case name
        why = _reason(k, token, ctx)
        if why and why != "function word" and _in_kept_term(k, ctx.matches, ctx.source_pairs):
            why = None
        if why:
            found.append(Leftover(m.start(), m.start() + len(token), token, why))
    return found


def _unknown(word: str) -> bool:
    return english(word) == 0 and indonesian(word) == 0


def _in_kept_term(k: int, matches: list[re.Match[str]], source_pairs: set[tuple[str, str]]) -> bool:
    """Whether word ``k`` of the translation stands next to a word that neither language
    lists, in the same order as in the source: a term kept as a whole, such as a species
    ("Hesperonychus elizabethae") or a local dish ("bandrek jagung")."""
    word = matches[k].group(0).lower()
    for j, pair in ((k - 1, (None, word)), (k + 1, (word, None))):
        if 0 <= j < len(matches):
            other = matches[j].group(0).lower()
            key = (other, word) if pair[0] is None else (word, other)
            if key in source_pairs and _unknown(other):
                return True
    return False
