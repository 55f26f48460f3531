"""Named entities (people, places, organisations, acronyms) in Indonesian and English text.

Capitalised word sequences that do not merely start a sentence (a sentence-initial word
counts only if it is an acronym, a known place/organisation, or also appears capitalised
mid-sentence). Title words (Presiden, Menteri, Minister, ...), days and months are
dropped; known names are mapped through the exonym table
(:mod:`summarize.text.exonyms`: Rusia -> Russia/Russian, Amerika Serikat/AS -> United
States/US, PBB -> UN, ...). Comparison is case-insensitive and by whole words.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from summarize.text.exonyms import EXONYM_GROUPS as _EXONYM_GROUPS
from summarize.text.numbers import MONTHS
from summarize.text.stopwords import ID_STOPWORDS

EXONYMS: dict[str, tuple[str, ...]] = {
    key: tuple(dict.fromkeys((*english, key))) for keys, english in _EXONYM_GROUPS for key in keys
}
_REVERSE: dict[str, set[str]] = {}
for _keys, _english in _EXONYM_GROUPS:
    for _form in (*_english, *_keys):
        _REVERSE.setdefault(_form, set()).update((*_keys, *_english))

_KNOWN_NAMES = {k for k in EXONYMS} | {f for forms in EXONYMS.values() for f in forms}
_MAX_KNOWN_WORDS = max(len(k.split()) for k in _KNOWN_NAMES)

TITLE_WORDS = frozenset(
    """
    presiden wakil menteri luar dalam negeri sekretaris jenderal kepala juru bicara duta
    besar ketua gubernur bupati walikota wali kota direktur utama pak bu bapak ibu perdana
    raja ratu pangeran kementerian kantor berita komandan panglima pelatih kapten senator
    anggota mantan sang si tuan nyonya saudara dr prof ir haji hj kh
    president vice minister foreign interior secretary general chief head spokesman
    spokeswoman spokesperson ambassador chairman chair prime king queen prince ministry
    office news commander coach captain senator member former mr mrs ms sir lord
    the a an of in on at for and or but to by with from this that these those it its
    we i you he she they our their my his her anda beliau kami kita
    tn ny nn sdr mbak mas kak kakak bang abang om tante paman bibi kakek nenek ayah bunda
    adik mr. mrs. dr. madam miss mister uncle aunt
    bahasa bangsa suku agama orang kota provinsi kabupaten desa kampung jalan jl gunung
    sungai danau pantai pulau selat teluk laut samudra samudera pegunungan kepulauan
    universitas sekolah bandara stasiun pelabuhan pasar taman masjid gereja candi istana
    hotel restoran rumah sakit museum partai tahun baru hari raya
    senin selasa rabu kamis jumat jum'at sabtu minggu ahad wib wita wit
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
) | frozenset(MONTHS)

_WORD_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W_][\w]*(?:[-'’][^\W_][\w]*)*")
# punctuation between two words that makes the second one start a sentence (or a quote)
_STARTER_RE = re.compile(r"[.!?:;…\n\"“‘«–—]|\s-\s")
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)  # a text up to its last whitespace
# abbreviations whose full stop does not end a sentence ("Tn. Sato", "Mr. Smith")
_ABBREVIATIONS = frozenset(
    "tn ny nn sdr mr mrs ms dr prof st jl jln drs ir hj kh no vs gen col lt sgt".split()
)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _name_word(text: str, m: re.Match[str]) -> str:
    """The word of ``m`` without a possessive ("Moscow's"); a currency, not a name, is
    lower-cased (it breaks a run)."""
    word = re.sub(r"['’]s$", "", m.group(0))
    if _CURRENCY.match(word + text[m.end() : m.end() + 1]):
        word = word.lower()
    return word


def _starts_after(text: str, gap: str, prev_end: int, token_start: int) -> bool:
    """Whether the word after ``gap`` (which ends the token ``text[token_start:prev_end]``
    before it) starts a sentence."""
    at_start = prev_end == 0 or bool(_STARTER_RE.search(gap))
    if at_start and prev_end and gap.strip() == ".":
        # the token before the full stop ("Tn" of "Tn. Sato"): no rescan of the text
        before = text[token_start:prev_end].split()
        if before and before[-1].strip(".").lower() in _ABBREVIATIONS:
            at_start = False
    return at_start


def _only_spaces(gap: str) -> bool:
    return gap.strip(" \t\u00a0") == "" and "\n" not in gap


def _sequences(text: str) -> list[tuple[list[str], bool]]:
    """Maximal runs of capitalised words separated only by spaces, each with a flag
    telling whether it starts a sentence."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_start = False
    prev_end = 0
    token_start = 0  # where the whitespace-separated token ending at prev_end starts
    for m in _WORD_RE.finditer(text):
        word = _name_word(text, m)
        gap = text[prev_end : m.start()]
        at_start = _starts_after(text, gap, prev_end, token_start)
        last_space = _LAST_SPACE.match(gap)
        if last_space:
            token_start = prev_end + last_space.end()
        if _is_capitalised(word) and current and _only_spaces(gap):
            current.append(word)
        else:
            if current:
                runs.append((current, current_start))
            current = [word] if _is_capitalised(word) else []
            current_start = at_start
        prev_end = m.end()
    if current:
        runs.append((current, current_start))
    return runs


#: Indonesian nouns that start descriptive names of institutions, which translations
#: render in English words
INSTITUTIONS = frozenset(
    """
    komisi mahkamah badan kementerian kementrian dewan fakultas lembaga majelis pengadilan
    kejaksaan kepolisian angkatan tentara pasukan organisasi asosiasi ikatan persatuan
    gerakan yayasan komite otoritas dinas direktorat departemen biro pusat satuan
    """.split()
)
#: currency codes and signs are no names ("US$85" = "$85")
_CURRENCY = re.compile(r"^(?:us|s|a|hk|nz)?\$|^(?:usd|idr|rp|eur|sgd|aud|jpy|cny)$", re.IGNORECASE)

# Indonesian function words are no names even when capitalised ("Saya", "Anda")
_DROP = TITLE_WORDS | ID_STOPWORDS
_CLITIC = re.compile(r"^(.{2,}?)-?(nya|ku|mu)$")


def _strip_clitic(word: str) -> str:
    """``Prancisku`` -> ``Prancis``, ``PRnya`` -> ``PR``, ``TV-nya`` -> ``TV``: an
    Indonesian possessive clitic on a known name or an acronym."""
    m = _CLITIC.match(word)
    if m and (m.group(1).lower() in _KNOWN_NAMES or m.group(1).isupper()):
        return m.group(1)
    return word


def _split_run(words: list[str]) -> list[str]:
    """Split a capitalised run at title words and known names; returns lowercase
    entity strings."""
    out: list[str] = []
    chunk: list[str] = []
    i = 0

    def flush() -> None:
        # "Komisi Pemberantasan Korupsi", "Mahkamah Agung": a descriptive name that a
        # translation renders in words ("Corruption Eradication Commission"), not a name
        if chunk and chunk[0].lower() not in INSTITUTIONS:
            out.append(" ".join(chunk).lower())
        chunk.clear()

    while i < len(words):
        matched = 0
        for size in range(min(_MAX_KNOWN_WORDS, len(words) - i), 0, -1):
            cand = " ".join(words[i : i + size]).lower()
            if cand in _KNOWN_NAMES:
                matched = size
                break
        if matched:
            flush()
            out.append(" ".join(words[i : i + matched]).lower())
            i += matched
            continue
        word = _strip_clitic(words[i])
        parts = word.lower().split("-")
        if len(parts) > 1 and all(p in _KNOWN_NAMES for p in parts):  # "Rusia-Ukraina"
            flush()
            out.extend(parts)
        elif word.lower().strip(".") in _DROP or len(word) < 2:
            flush()
        else:
            chunk.append(word)
        i += 1
    flush()
    return out


def extract_entities(text: str) -> list[str]:
    """Distinct named-entity strings (lowercase) of ``text``, in order of appearance."""
    text = unicodedata.normalize("NFC", text)
    runs = _sequences(text)
    mid_sentence = {w.lower() for run, start in runs for w in (run[1:] if start else run)}
    entities: list[str] = []
    for run, at_start in runs:
        if at_start:
            first = run[0]
            keep_first = (
                _is_acronym(first)
                or first.lower() in INSTITUTIONS
                or first.lower() in mid_sentence
                or any(" ".join(run[:k]).lower() in _KNOWN_NAMES for k in range(1, len(run) + 1))
            )
            if not keep_first:
                run = run[1:]
        if not run:
            continue
        for ent in _split_run(run):
            if ent not in entities:
                entities.append(ent)
    return entities


@functools.lru_cache(maxsize=4096)
@functools.lru_cache(maxsize=8192)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # an English plural or possessive may follow: "Viking" -> "Vikings", "Tom's"
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?:e?s|['’]s?)?(?![\w])")


_TOKEN_RE = re.compile(r"[^\W_]+")


class NameIndex:
    """One text, lower-cased and indexed once, to look many names up in it:
    :meth:`found` gives :func:`entity_found`'s answer without rescanning the text for
    each name (which made comparing the names of two long texts quadratic).

    Hand-written (a dict of token positions and one of token shapes) because the
    lookups are this module's own rules: whole words, a plural or possessive ending,
    exonyms and near spellings.
    """

    def __init__(self, text: str) -> None:
        self.text = unicodedata.normalize("NFC", text)
        self.lower = self.text.lower()
        self._positions: dict[str, list[int]] = {}
        for m in _TOKEN_RE.finditer(self.lower):
            self._positions.setdefault(m.group(0), []).append(m.start())
        # (first letter, length) -> tokens, for near spellings
        self._by_start: dict[str, list[str]] | None = None
        self._shapes: dict[tuple[str, int], list[str]] = {}
        for tok in self._positions:
            self._shapes.setdefault((tok[:1], len(tok)), []).append(tok)

    def _contains(self, phrase: str) -> bool:
        """``phrase`` as whole words, maybe with a plural or possessive ending."""
        pattern = _phrase_pattern(phrase)
        first = _TOKEN_RE.match(phrase)
        if first is None:  # starts with punctuation: no token to look up
            return pattern.search(self.lower) is not None
        # A match starts at a token that is the phrase's first one, or for a one-token
        # phrase that token with its ending (an "'s" ending is a token of its own).
        tok = first.group(0)
        keys = (tok, tok + "s", tok + "es") if first.end() == len(phrase) else (tok,)
        return any(
            pattern.match(self.lower, pos) is not None
            for key in keys
            for pos in self._positions.get(key, ())
        )

    def _near(self, word: str) -> bool:
        """A token spelled almost like ``word`` (one edit, or two for long words):
        spelling variants of names ("Bukittinggi" / "Bukittingi", "Zelenskyy" /
        "Zelensky")."""
        if len(word) < 5:
            return False
        budget = 1 if len(word) < 9 else 2
        for length in range(len(word) - budget, len(word) + budget + 1):
            for tok in self._shapes.get((word[:1], length), ()):
                if _edit_distance(word, tok, budget) <= budget:
                    return True
        return False

    def span(self, phrase: str) -> tuple[int, int] | None:
        """Where ``phrase`` (lower case) first occurs as whole words, found through the
        token index (no scan of the text)."""
        first = _TOKEN_RE.match(phrase)
        if first is None or len(self.lower) != len(self.text):
            return None
        pattern = _phrase_pattern(phrase)
        for pos in self._positions.get(first.group(0), ()):
            m = pattern.match(self.lower, pos)
            if m is not None:
                return pos, pos + len(phrase)
        return None

    def near_token(self, word: str, *, short: bool = False) -> str | None:
        """A token of the text spelled almost like ``word`` but not the same: one edit (two
        for words of 9+ letters), or up to three letters added ("seng" -> "sengid",
        "kv62" -> "kvid62"). Words under 5 letters need ``short`` (one edit then)."""
        if len(word) < 3:
            return None
        if len(word) >= 5 or short:
            budget = 1 if len(word) < 7 else 2
            for length in range(len(word) - budget, len(word) + budget + 1):
                for tok in self._shapes.get((word[:1], length), ()):
                    if tok != word and _edit_distance(word, tok, budget) <= budget:
                        return tok
        if len(word) >= 3:
            for length in range(len(word) + 1, len(word) + 4):
                for tok in self._shapes.get((word[:1], length), ()):
                    if tok[-1:] == word[-1:] or tok.startswith(word):
                        if _is_subsequence(word, tok):
                            return tok
        return None

    def as_written(self, entity: str) -> str:
        """``entity`` (lower case) as the text first writes it ("pbb" -> "PBB"); itself
        when the text does not have it word for word."""
        first = _TOKEN_RE.match(entity)
        if first is None or len(self.lower) != len(self.text):  # lower() changed lengths
            return entity
        for pos in self._positions.get(first.group(0), ()):
            if self.lower.startswith(entity, pos):
                return self.text[pos : pos + len(entity)]
        return entity

    def tokens(self) -> list[str]:
        """The text's distinct lower-case tokens."""
        return list(self._positions)

    def tokens_starting(self, prefix: str) -> list[str]:
        """The distinct tokens that start with ``prefix`` (3+ letters), through an index
        of their first three letters built on first use."""
        if self._by_start is None:
            self._by_start = {}
            for tok in self._positions:
                self._by_start.setdefault(tok[:3], []).append(tok)
        return [t for t in self._by_start.get(prefix[:3], ()) if t.startswith(prefix)]

    def found(self, entity: str) -> bool:
        """Whether ``entity`` (or one of its exonyms) occurs in the text as whole words, or
        for one word a near spelling (see :meth:`found_exactly` for the strict test)."""
        if self.found_exactly(entity):
            return True
        if len(entity.split()) == 1 and entity not in EXONYMS:
            return self._near(entity)
        return False

    def found_exactly(self, entity: str) -> bool:
        """Whether ``entity`` or one of its exonyms occurs as whole words (an English plural
        or possessive ending allowed)."""
        return any(self._contains(form) for form in entity_forms(entity))


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds ``limit``."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def entity_forms(entity: str) -> tuple[str, ...]:
    """Accepted forms of ``entity`` in the other language (itself included)."""
    forms = set(EXONYMS.get(entity, ())) | _REVERSE.get(entity, set()) | {entity}
    return tuple(sorted(forms, key=len, reverse=True))


def entity_found(entity: str, text: str) -> bool:
    """Whether ``entity`` (or one of its exonyms) occurs in ``text`` as whole words (for
    many names in one text, build one :class:`NameIndex`)."""
    return NameIndex(text).found(entity)
