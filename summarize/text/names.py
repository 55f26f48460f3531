"""Named entities (people, places, organisations, acronyms) in Indonesian and English text.

Capitalised word sequences that do not merely start a sentence (a sentence-initial word
counts only if it is an acronym, a known place/organisation, or also appears capitalised
mid-sentence). Title words (Presiden, Menteri, Minister, ...), days and months are
dropped; known names are mapped through the exonym table
(:mod:`summarize.text.exonyms`: Rusia -> Russia/Russian, Amerika Serikat/AS -> United
States/US, PBB -> UN, ...). Comparison is case-insensitive and by whole words.
"""

from __future__ import annotations

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
    senin selasa rabu kamis jumat jum'at sabtu minggu ahad
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
) | frozenset(MONTHS)

_WORD_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W_][\w]*(?:[-'’][^\W_][\w]*)*")
# punctuation between two words that makes the second one start a sentence (or a quote)
_STARTER_RE = re.compile(r"[.!?:;…\n\"“‘«–—]|\s-\s")
# abbreviations whose full stop does not end a sentence ("Tn. Sato", "Mr. Smith")
_ABBREVIATIONS = frozenset(
    "tn ny nn sdr mr mrs ms dr prof st jl jln drs ir hj kh no vs gen col lt sgt".split()
)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _sequences(text: str) -> list[tuple[list[str], bool]]:
    """Maximal runs of capitalised words separated only by spaces, each with a flag
    telling whether it starts a sentence."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    current_start = False
    prev_end = 0
    for m in _WORD_RE.finditer(text):
        word = re.sub(r"['’]s$", "", m.group(0))  # possessive: "Moscow's"
        if _CURRENCY.match(word + text[m.end() : m.end() + 1]):
            word = word.lower()  # a currency, not a name: breaks the run
        gap = text[prev_end : m.start()]
        at_start = prev_end == 0 or bool(_STARTER_RE.search(gap))
        before = text[:prev_end].split()
        if at_start and gap.strip() == "." and before:
            if before[-1].strip(".").lower() in _ABBREVIATIONS:
                at_start = False
        if _is_capitalised(word):
            if current and gap.strip(" \t\u00a0") == "" and "\n" not in gap:
                current.append(word)
            else:
                if current:
                    runs.append((current, current_start))
                current, current_start = [word], at_start
        else:
            if current:
                runs.append((current, current_start))
            current = []
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
_CLITIC = re.compile(r"^(.{2,}?)(nya|ku|mu)$")


def _strip_clitic(word: str) -> str:
    """``Prancisku`` -> ``Prancis``, ``PRnya`` -> ``PR``: an Indonesian possessive clitic
    on a known name or an acronym."""
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


def _contains_phrase(haystack_lower: str, phrase: str) -> bool:
    # an English plural or possessive may follow: "Viking" -> "Vikings", "Tom's"
    pattern = rf"(?<![\w]){re.escape(phrase)}(?:e?s|['’]s?)?(?![\w])"
    return re.search(pattern, haystack_lower) is not None


def _near(word: str, tokens: set[str]) -> bool:
    """A token spelled almost like ``word`` (one edit, or two for long words): spelling
    variants of names ("Bukittinggi" / "Bukittingi", "Zelenskyy" / "Zelensky")."""
    if len(word) < 5:
        return False
    budget = 1 if len(word) < 9 else 2
    for tok in tokens:
        if abs(len(tok) - len(word)) <= budget and tok[:1] == word[:1]:
            if _edit_distance(word, tok, budget) <= budget:
                return True
    return False


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
    """Whether ``entity`` (or one of its exonyms) occurs in ``text`` as whole words."""
    lower = unicodedata.normalize("NFC", text).lower()
    if any(_contains_phrase(lower, form) for form in entity_forms(entity)):
        return True
    words = entity.split()
    if len(words) == 1 and entity not in EXONYMS:
        return _near(entity, set(re.findall(r"[^\W_]+", lower)))
    return False
