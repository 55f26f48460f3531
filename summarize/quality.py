"""Flags for doubtful translations and unsupported summary content.

Plain functions over plain strings; no model. ``check_translation(source, translation)``
compares an Indonesian sentence with its English translation; ``check_summary(source,
summary, translation)`` checks a summary against its article. Each returns a list of
:class:`Flag` (empty when nothing looks wrong).

Translation codes:

* ``empty``: the translation is empty while the source is not.
* ``untranslated``: the output is still Indonesian, or copies the source; or Indonesian
  words, affixed forms, reduplications or half-translated words are left inside an
  English output (word frequencies of both languages, :mod:`summarize.text.lexicon`).
* ``repetition``: an n-gram of 1-4 words loops (3+ copies in a row, 4+ for a single word)
  and the source has no such loop; or one word makes up half of a long output.
* ``number``: a number, date, amount or percentage on one side is missing or different
  on the other (values compared after normalisation: ``1.000`` = ``1,000``, ``1 juta`` =
  ``1 million``, ``3,5`` = ``3.5``, ``24 Februari 2022`` = ``February 24, 2022``, number
  words count; see :mod:`summarize.text.numbers`); or a number kept with another unit
  of the same dimension (``50 hektare`` -> ``50 acres``; a converted value passes; see
  :mod:`summarize.text.units`); or a day of the month (``tanggal satu``) that the output
  gives as no day ("on the one basis", :func:`summarize.text.numbers.day_written`).
* ``name``: a name or acronym of the source is missing from the translation (English
  forms from the exonym table are accepted: ``Rusia`` = ``Russia``; see
  :mod:`summarize.text.names`), spelled differently (``Seng`` -> ``Sengid``; English
  forms such as ``Sikhism`` pass), partly lost (``Ehud Ur`` -> ``Ehud``) or garbled by
  mojibake; or kept in its Indonesian form where English writes it differently
  (``Belanda``, ``Kairo``: CLDR names through ``babel``; ``Bukares``: an Indonesian
  spelling of a frequent English word, see :func:`summarize.text.lexicon.english_spelling`).
  A foreign name (written the same in English) that is missing is lost even when the
  translation has new names of its own.
* ``omission``: a source sentence (the output has fewer, is much shorter, and lacks that
  sentence's names and numbers) or a source parenthesis has no counterpart; or a source
  loanword has no form of its English word in the output (``parodi`` without "parody",
  :func:`summarize.text.lexicon.dropped_loanwords`); the span is the missing source text.
* ``length``: the length ratio is outside what id->en translation gives, or the output is
  clearly cut off (much shorter, and it lost the source's final punctuation or ends on a
  word that cannot end a sentence).
* ``truncated``: generation hit the token limit. Only the engine knows this; the pipeline
  adds it (:func:`truncated_flag`), this module never infers it.

Summary codes: ``unsupported-number``, ``unsupported-name`` (in neither the source nor
its translation) and ``repetition``.

HTML entities are decoded before any check; spans refer to the texts as given. The flags
cover facts (numbers, names, untranslated words, omissions, loops, truncation), not
meaning: a fluent mistranslation gets no flag.

The thresholds are general properties of Indonesian -> English translation (English runs
about 0.8-1.3x the characters of Indonesian), not fitted to one test set; the detector
benchmarks ``summarize eval trust`` (synthetic faults) and ``summarize eval trust
--annotated FILE`` (annotated real MT errors) measure them.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from summarize.text import lexicon
from summarize.text.exonyms import indonesian_forms
from summarize.text.langid import detect_language
from summarize.text.names import (
    TITLE_WORDS,
    NameIndex,
    entity_forms,
    entity_found,
    extract_entities,
)
from summarize.text.numbers import (
    Mention,
    MentionIndex,
    day_written,
    days_of_month,
    distinct_mentions,
    extract_mentions,
)
from summarize.text.stopwords import EN_STOPWORDS, ID_STOPWORDS
from summarize.text.units import Unit, converted, unit_at
from summarize.types import Flag, Span

__all__ = [
    "REPAIRABLE",
    "SUMMARY_CODES",
    "TRANSLATION_CODES",
    "Flag",
    "Span",
    "check_summary",
    "check_translation",
    "count_codes",
    "truncated_flag",
]

TRANSLATION_CODES = (
    "empty",
    "untranslated",
    "repetition",
    "number",
    "name",
    "omission",
    "length",
    "truncated",
)
SUMMARY_CODES = ("unsupported-number", "unsupported-name", "repetition")
#: Codes that the pipeline's repair step retranslates.
REPAIRABLE = frozenset({"repetition", "untranslated", "length", "truncated", "empty"})

# Length ratio (characters, English / Indonesian) outside which a translation is flagged.
# English is usually 0.8-1.3x as long as Indonesian; short sentences vary more, so the
# bounds widen for them.
MIN_RATIO = 0.45
MAX_RATIO = 2.2
#: A ratio below this counts as cut off when the output also has a cut-off sign (it lost
#: the source's final punctuation, or ends on "the", "of", "and"...).
CUT_RATIO = 0.75
#: The limit when the source has no final punctuation to compare.
NO_PUNCT_RATIO = 0.6
#: Sources shorter than this (characters) get no length check.
MIN_LENGTH_CHARS = 20

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_END_PUNCT = re.compile(r"[.!?…。][\"'”’»)\]]*\s*$")
# English words that cannot end a finished sentence: a sign the output was cut off.
_DANGLING = frozenset(
    """
    a an the of and or but nor with from by into onto than because although though whether
    my your his its our their whose very the
    """.split()
)


def truncated_flag(max_new_tokens: int | None = None) -> Flag:
    """The flag for an output whose generation hit the token limit (set by the pipeline)."""
    limit = f" ({max_new_tokens} tokens)" if max_new_tokens else ""
    return Flag("truncated", f"generation stopped at the token limit{limit}; the end may be lost")


def count_codes(flags: Iterable[Flag]) -> dict[str, int]:
    """How many flags of each code (codes in first-seen order)."""
    counts: dict[str, int] = {}
    for f in flags:
        counts[f.code] = counts.get(f.code, 0) + 1
    return counts


# ----------------------------------------------------------------------------- helpers


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _span_of(side: str, index: NameIndex, phrase: str) -> tuple[Span, ...]:
    """Where ``phrase`` (lower case) first occurs in the indexed text, as a span; found
    through the index's token positions, so many names cost one pass over the text."""
    where = index.span(phrase)
    if where is None:
        return ()
    return (Span(side, where[0], where[1], index.text[where[0] : where[1]]),)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")


@dataclass(frozen=True)
class _Unescaped:
    """A text with its HTML entities decoded (``&#39;`` -> ``'``), and for each character of
    the result where it came from in the original, to give spans of the original."""

    original: str
    text: str
    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()

    @classmethod
    def of(cls, original: str) -> _Unescaped:
        if "&" not in original:
            return cls(original, original)
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for m in _ENTITY.finditer(original):
            decoded = html.unescape(m.group(0))
            if decoded == m.group(0):
                continue
            parts += [original[pos : m.start()], decoded]
            starts += [*range(pos, m.start()), *[m.start()] * len(decoded)]
            ends += [*range(pos + 1, m.start() + 1), *[m.end()] * len(decoded)]
            pos = m.end()
        if not parts:
            return cls(original, original)
        parts.append(original[pos:])
        starts += range(pos, len(original))
        ends += range(pos + 1, len(original) + 1)
        return cls(original, "".join(parts), tuple(starts), tuple(ends))

    def span(self, span: Span) -> Span:
        """``span`` (of the decoded text) as a span of the original."""
        if not self.starts or span.end <= span.start:
            return span
        start = self.starts[min(span.start, len(self.starts) - 1)]
        end = self.ends[min(span.end, len(self.ends)) - 1]
        return replace(span, start=start, end=end, text=self.original[start:end])


def _remap(flags: Sequence[Flag], sides: dict[str, _Unescaped]) -> list[Flag]:
    out = []
    for f in flags:
        if any(sides[s.side].starts for s in f.spans if s.side in sides):
            f = replace(
                f, spans=tuple(sides[s.side].span(s) if s.side in sides else s for s in f.spans)
            )
        out.append(f)
    return out


def _mention_span(side: str, m: Mention) -> Span:
    return Span(side, m.start, m.end, m.text)


# ------------------------------------------------------------------------- repetition


@dataclass(frozen=True)
class _Loop:
    gram: tuple[str, ...]
    copies: int
    start: int
    end: int


def _loops(text: str, *, max_n: int = 4) -> list[_Loop]:
    """Runs of an n-gram (1 <= n <= max_n) repeated back to back, longest first."""
    words = _words(text)
    toks = [w.group(0).lower() for w in words]
    found: list[_Loop] = []
    i = 0
    while i < len(toks):
        best: _Loop | None = None
        for n in range(1, max_n + 1):
            gram = tuple(toks[i : i + n])
            if len(gram) < n:
                break
            copies = 1
            while tuple(toks[i + copies * n : i + (copies + 1) * n]) == gram:
                copies += 1
            if copies >= 2 and (best is None or copies * n > best.copies * len(best.gram)):
                end = words[i + copies * n - 1].end()
                best = _Loop(gram, copies, words[i].start(), end)
        if best is not None:
            found.append(best)
            i += best.copies * len(best.gram)
        else:
            i += 1
    return found


def _is_loop(loop: _Loop) -> bool:
    return loop.copies >= (4 if len(loop.gram) == 1 else 3)


def _loop_flags(text: str, side: str, source: str | None) -> list[Flag]:
    """The longest n-gram loop of ``text`` (see :func:`_is_loop`) that the source does not
    have, as a flag (none, or one)."""
    loops = [lp for lp in _loops(text) if _is_loop(lp)]
    if loops and source is not None:
        # the source loops too ("sangat sangat sangat", "haha haha haha"): a faithful copy
        src_max = max((lp.copies for lp in _loops(source)), default=1)
        loops = [lp for lp in loops if lp.copies > src_max + 1]
    return [
        Flag(
            "repetition",
            f"'{' '.join(lp.gram)}' repeated {lp.copies} times in a row",
            (Span(side, lp.start, lp.end, text[lp.start : lp.end]),),
        )
        for lp in loops[:1]
    ]


def _dominant_word(text: str, source: str | None) -> list[Flag]:
    """One word (not in the source) that makes up half of a text of 8 words or more."""
    toks = [w.lower() for w in _WORD.findall(text)]
    if len(toks) < 8:
        return []
    top = max(set(toks), key=toks.count)
    if toks.count(top) * 2 >= len(toks) and top not in {
        w.lower() for w in _WORD.findall(source or "")
    }:
        return [Flag("repetition", f"'{top}' makes up {toks.count(top)} of {len(toks)} words")]
    return []


def _repetition(text: str, side: str, source: str | None = None) -> list[Flag]:
    return _loop_flags(text, side, source) or _dominant_word(text, source)


# ------------------------------------------------------------------------ untranslated


def _content_tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text) if not t.isdigit() and not t[:1].isupper()]


def _mid_sentence_capitals(text: str) -> set[str]:
    """Lowercased words written with a capital letter other than at a sentence start."""
    out = set()
    for m in _WORD.finditer(text):
        if m.group(0)[:1].isupper() and not lexicon.starts_sentence(text, m.start()):
            out.add(m.group(0).lower())
    return out


def _content_words(source: str, out_tokens: list[str]) -> list[str]:
    """The output's words that are neither names (capitalised mid-sentence in the source)
    nor English function words: a translation must change them."""
    names = _mid_sentence_capitals(source)
    return [
        t for t in out_tokens if t not in EN_STOPWORDS and (t not in names or t in ID_STOPWORDS)
    ]


def _copies_source(source: str, translation: str) -> bool:
    """Whether the output copies the source: its words that are neither names (capitalised
    mid-sentence in the source) nor English function words are the source's (all its words
    are, or 2+ of them and 80% of those content words)."""
    src_tokens = {t.lower() for t in _WORD.findall(source)}
    out_tokens = [t.lower() for t in _WORD.findall(translation) if not t.isdigit()]
    content = _content_words(source, out_tokens)
    copied = [t for t in content if t in src_tokens]
    full_copy = bool(out_tokens) and all(t in src_tokens for t in out_tokens)
    return bool(content) and (
        (full_copy and bool(copied)) or (len(copied) >= 2 and len(copied) >= 0.8 * len(content))
    )


def _untranslated(source: str, translation: str) -> list[Flag]:
    src_lang, _ = detect_language(source)
    if src_lang == "en":
        return []  # an English quote in the source may be copied
    if _copies_source(source, translation):
        return [
            Flag(
                "untranslated",
                "the output copies the source",
                (Span("translation", 0, len(translation), translation),),
            )
        ]
    out_lang, conf = detect_language(translation)
    if out_lang == "id":
        return [
            Flag(
                "untranslated",
                f"the output looks Indonesian (confidence {conf:.2f})",
                (Span("translation", 0, len(translation), translation),),
            )
        ]
    return []


def _untranslated_words(source: str, translation: str) -> list[Flag]:
    """Indonesian words left inside an English output (see
    :func:`summarize.text.lexicon.untranslated_words`), one flag with a span per word."""
    words = lexicon.untranslated_words(source, translation)
    if not words:
        return []
    shown = [w.text if w.why in ("word", "function word") else f"{w.text} ({w.why})" for w in words]
    return [
        Flag(
            "untranslated",
            "Indonesian words left in the translation: " + ", ".join(shown),
            tuple(Span("translation", w.start, w.end, w.text) for w in words),
        )
    ]


# ------------------------------------------------------------------------------ length


def _length(source: str, translation: str) -> list[Flag]:
    src = source.strip()
    out = translation.strip()
    if len(src) < MIN_LENGTH_CHARS:
        return []
    ratio = len(out) / len(src)
    words = _WORD.findall(out)
    last = words[-1].lower() if words else ""
    span = (Span("translation", 0, len(translation), translation),)
    if ratio > MAX_RATIO:
        return [Flag("length", f"the output is {ratio:.2f}x the source length", span)]
    src_end = bool(_END_PUNCT.search(src))
    out_end = bool(_END_PUNCT.search(out))
    if src_end and not out_end:
        # the source ends a sentence, the output stops mid-way: cut off if it is short too
        limit, why = CUT_RATIO, "and lost the final punctuation"
    elif last in _DANGLING:
        limit, why = CUT_RATIO, f"and ends on '{last}'"
    elif src_end:
        limit, why = MIN_RATIO, ""  # a finished sentence: only a very short one is doubtful
    else:
        limit, why = NO_PUNCT_RATIO, ""  # no punctuation to go by
    if ratio < limit:
        message = f"the output is {ratio:.2f}x the source length {why}".rstrip()
        return [Flag("length", message + " (cut off?)", span)]
    return []


# ----------------------------------------------------------------------- numbers/names


#: a number with the unit after it and where that unit ends
_Measure = tuple[Mention, Unit, int]


_RANGE = re.compile(r"\s*(?:-|–|—|to|or|and|sampai|hingga|atau|dan)\s*", re.IGNORECASE)


def _measures(text: str, mentions: Iterable[Mention]) -> list[_Measure]:
    """The numbers of ``text`` that a unit follows ("50 hektare", "nine-mile"); the first
    number of a range takes the unit of the second ("160-320 km/jam")."""
    numbers = sorted((m for m in mentions if m.kind == "number"), key=lambda m: m.start)
    out: list[_Measure] = []
    pending: Mention | None = None
    for m in numbers:
        found = unit_at(text, m.end)
        if found is None:
            pending = m
            continue
        if pending is not None and _RANGE.fullmatch(text, pending.end, m.start):
            out.append((pending, found[0], found[1]))
        out.append((m, found[0], found[1]))
        pending = None
    return out


def _conversion(m: Mention, own: Sequence[_Measure], others: Sequence[_Measure]) -> bool:
    """Whether number ``m``, with a unit (``own``: the measures of its side), converts a
    number of the other side with another unit of the same dimension ("10 km (6 miles)",
    "30 °C (86 °F)")."""
    units = [u for x, u, _ in own if x.start == m.start]
    return (
        any(converted(b, u, a, units[0]) for o, u, _ in others for a in m.values for b in o.values)
        if units
        else False
    )


def _unwritten_days(
    source: str,
    translation: str,
    src_all: Sequence[Mention],
    out_all: Sequence[Mention],
    listed: set[int],
) -> list[Mention]:
    """Days of the month ("tanggal satu") that the translation gives as no day at all ("on
    the one basis"), not yet ``listed`` (by start); a soft "satu" is a day here. Each day
    is looked up once: at most 31 searches of the translation."""
    days = days_of_month(source, src_all)
    given = {day: day_written(translation, day, out_all) for day in {d for _, d in days}}
    return [m for m, day in days if m.start not in listed and not given[day]]


def _number_mismatches(
    source: str, translation: str, src_all: list[Mention], out_all: list[Mention]
) -> tuple[list[Mention], list[Mention]]:
    """Numbers of the source missing in the translation (with unwritten days of the
    month), and numbers of the translation not in the source."""
    src, out = distinct_mentions(src_all), distinct_mentions(out_all)
    src_index, out_index = MentionIndex(src), MentionIndex(out)
    missing = [m for m in src if not m.soft and not out_index.matches_any(m)]
    extra = [o for o in out if not o.soft and not src_index.matches_any(o)]
    missing += _unwritten_days(source, translation, src_all, out_all, {m.start for m in missing})
    return missing, extra


def _without_conversions(
    translation: str,
    out_all: list[Mention],
    src_units: Sequence[_Measure],
    missing: list[Mention],
    extra: list[Mention],
) -> tuple[list[Mention], list[Mention]]:
    """``missing`` and ``extra`` less the values converted to another unit, added or given
    instead ("10 km (6 miles)")."""
    out_units = _measures(translation, out_all)
    # ... given instead only by an output number that matches no source number (a
    # source's own conversion "100 kaki (30 m)" dropped is still missing)
    instead = [x for x in out_units if x[0] in extra]
    extra = [o for o in extra if not _conversion(o, out_units, src_units)]
    missing = [m for m in missing if not _conversion(m, src_units, instead)]
    return missing, extra


def _number_flag(missing: Sequence[Mention], extra: Sequence[Mention]) -> list[Flag]:
    """One ``number`` flag for the missing and the extra numbers (none when neither)."""
    if not (missing or extra):
        return []
    parts = []
    if missing:
        parts.append("missing in the translation: " + ", ".join(m.text for m in missing))
    if extra:
        parts.append("not in the source: " + ", ".join(m.text for m in extra))
    spans = tuple(_mention_span("source", m) for m in missing) + tuple(
        _mention_span("translation", m) for m in extra
    )
    return [Flag("number", "; ".join(parts), spans)]


def _numbers(source: str, translation: str) -> list[Flag]:
    src_all, out_all = extract_mentions(source, "id"), extract_mentions(translation, "en")
    missing, extra = _number_mismatches(source, translation, src_all, out_all)
    src_units = _measures(source, src_all)
    if (extra or missing) and src_units:
        # a value converted to another unit, added or given instead ("10 km (6 miles)")
        missing, extra = _without_conversions(translation, out_all, src_units, missing, extra)
    flags = _number_flag(missing, extra)
    if src_units:
        flags += _unit_changes(source, translation, src_units, _measures(translation, out_all))
    return flags


def _unit_changes(
    source: str, translation: str, src: Sequence[_Measure], out: Sequence[_Measure]
) -> list[Flag]:
    """A number that the translation keeps with another unit of the same dimension, where
    the source never gives that value in that unit: "50 hektare" -> "50 acres", "10 km" ->
    "10 miles" (not converted). Both spans (number and unit) are given."""
    changed: list[tuple[Span, Span, str, str]] = []
    seen: set[int] = set()  # a range and its last number share the unit
    for o, unit, o_end in out:
        if o_end in seen:
            continue
        same = [(m, u, e) for m, u, e in src if m.matches(o) and u.dimension == unit.dimension]
        if same and all(u.name != unit.name for _, u, _ in same):
            m, u, e = same[0]
            seen.add(o_end)
            changed.append(
                (
                    Span("source", m.start, e, source[m.start : e]),
                    Span("translation", o.start, o_end, translation[o.start : o_end]),
                    u.name,
                    unit.name,
                )
            )
    if not changed:
        return []
    parts = [f"{a.text} ({ua}) -> {b.text} ({ub})" for a, b, ua, ub in changed]
    spans = tuple(s for a, b, _, _ in changed for s in (a, b))
    return [Flag("number", "unit changed, value not converted: " + "; ".join(parts), spans)]


_FIRST_WORD = re.compile(r"[\W_]*([A-Z][^\W\d_]+)")


def _lost_first_name(source: str, translation: str) -> str | None:
    """A capitalised first word of the source that is no Indonesian function word, absent
    from a translation that starts in lower case: the translation lost its subject, most
    likely a name ("Tom pergi." -> "left.")."""
    m = _FIRST_WORD.match(source)
    start = re.match(r"[\s\"'“‘«(\[]*([,;:]|\w)", translation)
    if not m or not start or start.group(1).isupper() or start.group(1).isdigit():
        return None
    word = m.group(1)
    if word.lower() in ID_STOPWORDS or word.lower() in TITLE_WORDS:
        return None
    if entity_found(word.lower(), translation):
        return None
    return word.lower()


def _name_found(entity: str, index: NameIndex) -> bool:
    """The entity, or for a run of several words one of them ("Perang Dunia II" ->
    "World War II"): a dropped name loses all its words."""
    if index.found(entity):
        return True
    words = entity.split()
    return len(words) > 1 and any(index.found(w) for w in words if len(w) >= 2)


#: English endings that make an adjective or a noun of a name ("Napoleon" ->
#: "Napoleonic", "Bali" -> "Balinese")
_NAME_DERIVATIONS = ("s", "es", "ic", "ian", "an", "n", "ese", "ish", "ist", "ism", "ern", "i")


def _english_form(word: str, token: str) -> bool:
    """Whether ``token`` of the translation is an English form of the source's name word
    ``word`` rather than a misspelling: English knows it at least as well ("Sikhisme" ->
    "Sikhism", "Muhammad" -> "Mohammed"), or it adds an English ending ("Napoleonic")."""
    e_token = lexicon.english(token)
    if token.startswith(word) and (token[len(word) :] in _NAME_DERIVATIONS or e_token >= 1.0):
        return True  # "Venezuela" -> "Venezuelans"
    if e_token == 0.0:
        return False
    return e_token >= lexicon.english(word) or (len(word) >= 5 and e_token >= 2.0)


def _common_word(word: str) -> bool:
    """A common Indonesian word rather than a name: frequent in Indonesian, rare in English
    (Zipf 2 lower), or a word both languages use (``semi``)."""
    i, e = lexicon.indonesian(word), lexicon.english(word)
    return i >= lexicon.COMMON and (i - e >= 2.0 or e >= lexicon.COMMON)


def _indonesian_word(word: str) -> bool:
    """Frequent in Indonesian and rare in English (Zipf 2 lower): most likely no name."""
    i = lexicon.indonesian(word)
    return i >= lexicon.COMMON and i - lexicon.english(word) >= 2.0


#: a capitalised run of common Indonesian words is a description when one of them is
#: this rare in English (Zipf) or a derived form
DESCRIPTIVE_EN = 1.5


def _descriptive(entity: str) -> bool:
    """A capitalised run of common Indonesian words ("Badai", "Musim Semi", "Kecerdasan
    Buatan"): a description that a translation renders in English words, not a name.
    Needs one word that English does not use at all (a derived form, or Zipf < 1.5)."""
    words = entity.split()
    if not all(_common_word(w) for w in words):
        return False
    return any(
        lexicon.indonesian_root(w)
        or (lexicon.indonesian(w) >= lexicon.COMMON_WORD and lexicon.english(w) < DESCRIPTIVE_EN)
        for w in words
    )


def _mojibake(text: str) -> bool:
    from ftfy.badness import is_bad

    return bool(is_bad(text))


def _mojibake_at(index: NameIndex, word: str) -> bool:
    """Whether ``word`` of the indexed text starts a mojibake sequence ("SÃ" of "SÃ£o")."""
    where = index.span(word)
    if word.isascii() or where is None:
        return False
    return _mojibake(index.text[where[0] : where[1] + 2])


def _garbled(translation: str, source: str) -> list[tuple[str, int, int]]:
    """Capitalised words of the translation with mojibake ("SÃ£o") that the source lacks."""
    if translation.isascii():
        return []
    from ftfy.badness import is_bad

    out = []
    for m in _WORD.finditer(translation):
        w = m.group(0)
        if not w.isascii() and w[:1].isupper() and w not in source and is_bad(w):
            out.append((w, m.start(), m.end()))
    return out


def _no_name_word(word: str, w: str, seen: set[str], mojibake: bool) -> bool:
    """Whether source word ``word`` (``w`` in lower case) is no name word to compare:
    not capitalised, seen before, a title or a function word, or a non-ASCII word of a
    source with mojibake ("ErkoÃ§" in the source, repaired to "Erkoç" in the
    translation)."""
    if not word[:1].isupper() or w in seen or w in TITLE_WORDS or w in ID_STOPWORDS:
        return True
    return mojibake and not w.isascii()


def _misspelling(
    w: str, k: int, tokens: list[str], in_source: NameIndex, in_translation: NameIndex
) -> str | None:
    """The near spelling of name word ``w`` (token ``k`` of the source) in the translation
    that is neither in the source nor an English form of it, or None."""
    if len(w) < 2 or _indonesian_word(w):
        return None
    neighbours = [t for t in tokens[max(0, k - 1) : k + 2 : 2] if t[:1].isupper()]
    short = any(in_translation.found_exactly(t.lower()) for t in neighbours)
    near = in_translation.near_token(w, short=short)
    if near and not in_source.found_exactly(near) and not _english_form(w, near):
        return near
    return None


def _misspelled(
    source: str, in_source: NameIndex, in_translation: NameIndex, mojibake: bool = False
) -> list[tuple[str, str]]:
    """Capitalised source words (names, also at a sentence start) of which the translation
    has a near spelling that is neither in the source nor an English form: ``Seng`` ->
    ``Sengid``, ``KV62`` -> ``KVid62``, ``Sikhisme`` -> ``Sichism``. Words under 5 letters
    count only next to a word of the same name kept as it is (``Tonle Sap`` -> ``Tonle
    Sup``)."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    matches = list(_WORD.finditer(source))
    tokens = [m.group(0) for m in matches]
    careful: bool | None = None
    for k, word in enumerate(tokens):
        w = word.lower()
        if _no_name_word(word, w, seen, mojibake):
            continue
        if lexicon.starts_sentence(source, matches[k].start()):
            # a sentence's first word is a name only in edited text
            if careful is None:
                careful = lexicon.careful_source(source, in_translation.text)
            if not careful:
                continue
        seen.add(w)
        near = _misspelling(w, k, tokens, in_source, in_translation)
        if near:
            out.append((w, near))
    return out


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ ]+$")
_WORD_AFTER = re.compile(r"[ ]+([^\W\d_]+)")


def _in_longer_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has a capitalised word right before it (not starting a
    sentence) or right after it: it is part of a longer name."""
    before = _WORD_BEFORE.search(text, max(0, start - 40), start)
    after = _WORD_AFTER.match(text, end)
    return bool(
        (
            before
            and before.group(1)[:1].isupper()
            and not lexicon.starts_sentence(text, before.start(1))
        )
        or (after and after.group(1)[:1].isupper())
    )


#: an Indonesian form of a name counts as no English form when each of its own words
#: (not in the English name) is below this English Zipf frequency and this much below the
#: rarest word of the English name ("Swiss", "Kiev" are English too)
KEPT_FORM_EN = 3.5
KEPT_FORM_GAP = 1.5


def _kept_form(form: str, en_name: str) -> bool:
    en_words = en_name.lower().split()
    own = [w for w in form.split() if w not in en_words]
    en_zipf = min(lexicon.english(w) for w in en_words)
    return bool(own) and all(
        lexicon.english(w) < KEPT_FORM_EN and en_zipf - lexicon.english(w) >= KEPT_FORM_GAP
        for w in own
    )


@functools.lru_cache(maxsize=1)
def _forms_by_first() -> dict[str, tuple[str, ...]]:
    """The Indonesian name forms that English does not use (:func:`indonesian_forms`,
    :func:`_kept_form`) by their first word, longest first (one lookup a token)."""
    out: dict[str, list[str]] = {}
    forms = indonesian_forms()
    for form in sorted(forms, key=len, reverse=True):
        if _kept_form(form, forms[form]):
            out.setdefault(form.split()[0], []).append(form)
    return {k: tuple(v) for k, v in out.items()}


#: A name's word is known to English as it is written from this English Zipf frequency,
#: if Indonesian uses it less than ``FOREIGN_GAP`` Zipf points more (else it may be an
#: Indonesian word or spelling that a translation changes: "Kapur", "Kalifornia")
FOREIGN_EN = 2.0
FOREIGN_GAP = 1.0


_DEMONYM_ENDINGS = ("ian", "ians", "ese", "ish", "ic", "ite", "ites")


def _derived_form_found(entity: str, index: NameIndex) -> bool:
    """Whether a one-word name has an English word (Zipf >= 2) in the indexed text that
    derives from it: capitalised and sharing all but the name's last two letters (6+
    letters: "Politik" -> "Political"), or sharing its first three letters with a
    demonym ending ("Mars" -> "martian", "Manchester" -> "Mancunian")."""
    if " " in entity or len(entity) < 4:
        return False
    stem = entity[: len(entity) - 2]
    for token in index.tokens_starting(entity[:3]):
        if token == entity or lexicon.english(token) < 2.0:
            continue
        if len(entity) >= 6 and token.startswith(stem):
            where = index.span(token)
            if where is not None and index.text[where[0]].isupper():
                return True
        # a demonym or adjective of another stem ("Mars" -> "martian", "Manchester" ->
        # "Mancunian")
        if token.startswith(entity[:3]) and token.endswith(_DEMONYM_ENDINGS):
            return True
    return False


def _foreign_name(entity: str, index: NameIndex) -> bool:
    """Whether ``entity`` has a word that English knows as it is written (see
    ``FOREIGN_EN``) and that is no Indonesian word (no derived form, title or known
    exonym either), and that the indexed translation lacks in any spelling:
    a name that English writes the same way, so it must appear ("Vidal", "Aldwych",
    "Fallujah"; not Indonesian spellings such as "Kalifornia", "Asiria")."""
    return any(
        len(w) >= 3
        and lexicon.english(w) >= FOREIGN_EN
        and lexicon.indonesian(w) - lexicon.english(w) < FOREIGN_GAP
        and lexicon.indonesian_root(w) is None
        and w not in TITLE_WORDS
        and w not in ID_STOPWORDS
        and not any(f != w for f in entity_forms(w))
        and not index.found(w)
        for w in entity.split()
    )


#: a name kept in its Indonesian form: (as written, its English form, source span,
#: translation span)
_Kept = tuple[str, str, Span, Span]


def _kept_exonyms(in_source: NameIndex, in_translation: NameIndex) -> list[_Kept]:
    """Indonesian forms of names that English writes differently (CLDR names and the
    exonym table, :func:`_forms_by_first`), capitalised in the translation and not part of
    a longer name there."""
    forms = indonesian_forms()
    by_first = _forms_by_first()
    kept: list[_Kept] = []
    for first in in_translation.tokens():
        for form in by_first.get(first, ()):
            where = in_translation.span(form)
            src = in_source.span(form)
            if where is None or src is None or not in_translation.text[where[0]].isupper():
                continue
            if _in_longer_name(in_translation.text, *where):
                continue  # part of a name kept whole ("Pondok Timur", "Mutiara Timur")
            kept.append(
                (
                    in_translation.text[where[0] : where[1]],
                    forms[form],
                    Span("source", src[0], src[1], in_source.text[src[0] : src[1]]),
                    Span(
                        "translation", where[0], where[1], in_translation.text[where[0] : where[1]]
                    ),
                )
            )
    return kept


def _kept_spelling(token: str, in_source: NameIndex, in_translation: NameIndex) -> _Kept | None:
    """A capitalised source word kept in the translation that English does not know,
    spelled the Indonesian way for a frequent English word ("Bukares" for Bucharest,
    "Helikopter") that the translation lacks; or None."""
    if len(token) < 4 or not token.isalpha() or lexicon.english(token) >= 1.0:
        return None
    english = lexicon.english_spelling(token)
    if english is None:
        return None
    where, src = in_translation.span(token), in_source.span(token)
    if where is None or src is None:
        return None
    written = in_translation.text[where[0] : where[1]]
    if not written[:1].isupper() or written.isupper():
        return None
    if not in_source.text[src[0]].isupper():
        return None  # a name that the source writes in lower case: informal text
    if in_translation.found_exactly(english):
        return None
    return (
        written,
        english.capitalize(),
        Span("source", src[0], src[1], in_source.text[src[0] : src[1]]),
        Span("translation", where[0], where[1], written),
    )


def _kept_forms(in_source: NameIndex, in_translation: NameIndex) -> list[Flag]:
    """Names that the translation keeps in their Indonesian form although English writes
    them differently: ``Belanda`` for the Netherlands, ``Kairo`` for Cairo (CLDR names and
    the exonym table, see :func:`summarize.text.exonyms.indonesian_forms`), or a word
    English does not know that spells a frequent English word the Indonesian way
    (``Bukares`` for Bucharest, :func:`summarize.text.lexicon.english_spelling`)."""
    kept = _kept_exonyms(in_source, in_translation)
    # ... or a capitalised source word that English does not know, spelled the Indonesian
    # way for a frequent English word ("Bukares" for Bucharest, "Helikopter")
    for token in in_translation.tokens():
        found = _kept_spelling(token, in_source, in_translation)
        if found is not None and not any(k == found[0] for k, *_ in kept):
            kept.append(found)
    if not kept:
        return []
    parts = [f"{k} (English: {e})" for k, e, _, _ in kept]
    spans = tuple(s for _, _, a, b in kept for s in (a, b))
    return [Flag("name", "name left in its Indonesian form: " + "; ".join(parts), spans)]


def _partly_lost(
    entity: str, words: list[str], exact: set[str], near: dict[str, str | None]
) -> tuple[str, str] | None:
    """A later part of a name lost, the rest kept ("Ehud Ur" -> "Ehud your"), as (source
    form, translation form); None when only common Indonesian words were lost ("Forum
    Musim Semi" -> "Spring Forum": translated, not dropped)."""
    first_exact = min(words.index(w) for w in exact)
    lost = [w for w in near if words.index(w) > first_exact and w not in TITLE_WORDS]
    if lost and len(words) > 1 and not any(_indonesian_word(w) for w in lost):
        return (entity, " ".join(w for w in words if w in exact))
    return None


def _lost_entity(entity: str, in_translation: NameIndex, lower_words: set[str]) -> bool:
    """Whether a source name that the translation has in no spelling is missing: it has
    no English word of the same stem there ("Politik" -> "Political"), is no description
    (:func:`_descriptive`) and no common word that the source also writes in lower case
    (no name there either: "bulan nirawak ... permukaan Bulan")."""
    if _derived_form_found(entity, in_translation):
        return False
    return not _descriptive(entity) and not (entity in lower_words and _common_word(entity))


def _word_matches(
    words: list[str], in_translation: NameIndex
) -> tuple[set[str], dict[str, str | None]]:
    """The words of a name that the translation has exactly, and for each other word its
    near spelling there (or None; short words count next to an exact one)."""
    exact = {w for w in words if in_translation.found_exactly(w)}
    near = {w: in_translation.near_token(w, short=bool(exact)) for w in words if w not in exact}
    return exact, near


def _source_names(
    source: str, in_translation: NameIndex, garbled_source: bool
) -> tuple[list[str], list[tuple[str, str]]]:
    """The source's names missing in the translation, and those partly lost there as
    (source form, translation form); names with a near spelling are left to
    :func:`_misspelled`."""
    missing: list[str] = []
    changed: list[tuple[str, str]] = []
    lower_words = {w for w in _WORD.findall(source) if w.islower()}
    for entity in extract_entities(source):
        if in_translation.found_exactly(entity):
            continue
        if garbled_source and not entity.isascii():
            continue  # mojibake in the source ("SÃ£o"): the translation may repair it
        words = entity.split()
        exact, near = _word_matches(words, in_translation)
        if any(near.values()):
            continue  # spelled differently: see _misspelled
        if exact:
            partly = _partly_lost(entity, words, exact, near)
            if partly is not None:
                changed.append(partly)
        elif _lost_entity(entity, in_translation, lower_words):
            missing.append(entity)
    return missing, changed


def _lost_names(
    missing: list[str],
    source: str,
    translation: str,
    in_source: NameIndex,
    in_translation: NameIndex,
) -> list[str]:
    """The names to report as missing. Names of the translation that the source does not
    have are most likely the missing ones in English words ("Piala Dunia" -> "World Cup",
    "Komisi ..." -> "... Commission"): only more missing names than such new ones means a
    name was lost ... but a foreign name (no word of it an Indonesian word: "Sevilla",
    "Palermo") has no English words to be rendered in: missing, it is lost. A subject lost
    at the start (:func:`_lost_first_name`) comes first."""
    lost = [e for e in missing if _foreign_name(e, in_translation)]
    new = [
        e
        for e in extract_entities(translation)
        if not _name_found(e, in_source) and e not in EN_STOPWORDS
    ]
    if len(missing) <= len(new):
        missing = lost
    first = _lost_first_name(source, translation)
    if first and first not in missing:
        missing.insert(0, first)
    return missing


def _spelling_flag(
    changed: list[tuple[str, str]],
    garbled: list[tuple[str, int, int]],
    in_source: NameIndex,
    in_translation: NameIndex,
) -> list[Flag]:
    """One ``name`` flag for names spelled differently and garbled words (none when
    neither)."""
    if not (changed or garbled):
        return []
    parts = [
        f"{in_source.as_written(a)} -> {in_translation.as_written(b)}"
        + (" (garbled characters)" if _mojibake_at(in_translation, b) else "")
        for a, b in changed
    ] + [f"{w} (garbled characters)" for w, _, _ in garbled]
    spans = tuple(
        s
        for a, b in changed
        for s in (
            *_span_of("source", in_source, a),
            *_span_of("translation", in_translation, b),
        )
    ) + tuple(Span("translation", a, b, w) for w, a, b in garbled)
    return [Flag("name", "name spelled differently: " + "; ".join(parts), spans)]


def _names(source: str, translation: str) -> list[Flag]:
    in_source, in_translation = NameIndex(source), NameIndex(translation)
    garbled_source = not source.isascii() and _mojibake(source)
    missing, changed = _source_names(source, in_translation, garbled_source)
    changed += _misspelled(source, in_source, in_translation, garbled_source)
    missing = _lost_names(missing, source, translation, in_source, in_translation)
    flags = _kept_forms(in_source, in_translation)
    if missing:
        spans = tuple(s for e in missing for s in _span_of("source", in_source, e))
        flags.append(Flag("name", "missing in the translation: " + ", ".join(missing), spans))
    flags += _spelling_flag(changed, _garbled(translation, source), in_source, in_translation)
    return flags


# --------------------------------------------------------------------------- omission

_PARENTHESIS = re.compile(r"\(([^()]{3,})\)")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    from summarize.text.sentences import split_sentences

    spans, pos = [], 0
    for sent in split_sentences(text):
        start = text.find(sent, pos)
        if start < 0:
            return [(0, len(text))]
        spans.append((start, start + len(sent)))
        pos = start + len(sent)
    return spans


def _anchors(piece: str, *, inside: bool = False) -> list[str]:
    """Words of a source piece that a translation keeps as they are: numbers and names
    (capitalised words that do not start a sentence; any, ``inside`` a sentence)."""
    out = []
    for m in _WORD.finditer(piece):
        w = m.group(0)
        starts = lexicon.starts_sentence(piece, m.start()) and (m.start() > 0 or not inside)
        if any(c.isdigit() for c in w) or (w[:1].isupper() and not starts):
            out.append(w.lower())
    return out


def _covered(anchors: list[str], out_words: set[str], out_index: NameIndex) -> float:
    if not anchors:
        return 0.0
    return sum(w in out_words or out_index.found_exactly(w) for w in anchors) / len(anchors)


#: the output is shorter than this share of the source: content may be missing (English
#: runs 0.8-1.3x the characters of Indonesian)
OMISSION_RATIO = 0.8


def _may_lack_sentence(
    source: str, translation: str, src: list[tuple[int, int]], out: list[tuple[int, int]]
) -> bool:
    """Whether the translation may lack a sentence of an edited source: the source has
    2+ well-formed sentences, the translation fewer, and it is much shorter."""
    src_len, out_len = len(source.strip()), len(translation.strip())
    if len(src) < 2 or len(out) >= len(src) or out_len >= OMISSION_RATIO * src_len:
        return False
    well_formed = all(
        source[a:b].strip()[:1].isupper() and _END_PUNCT.search(source[a:b]) for a, b in src
    )
    return well_formed and lexicon.careful_source(source, translation)


def _sentence_omission(
    source: str, translation: str, out_words: set[str], out_index: NameIndex
) -> Flag | None:
    """A source sentence that the translation lacks: the one it covers least (ties: the
    shortest), when the output is about as long as the source without it."""
    src = _sentence_spans(source)
    out = _sentence_spans(translation)
    if not _may_lack_sentence(source, translation, src, out):
        return None
    src_len, out_len = len(source.strip()), len(translation.strip())
    scored = [(_covered(_anchors(source[a:b]), out_words, out_index), b - a, a, b) for a, b in src]
    cover, length, a, b = min(scored)
    if cover < 0.5 and out_len <= 1.1 * (src_len - length):
        return Flag(
            "omission",
            f"the source has {len(src)} sentences, the translation {len(out)}: "
            f"'{source[a:b]}' may be missing",
            (Span("source", a, b, source[a:b]),),
        )
    return None


def _parenthesis_kept(
    inner: str, translation: str, out_words: set[str], out_index: NameIndex
) -> bool:
    """Whether the inside of a source parenthesis has a counterpart: no words, all its
    numbers in the translation, or half its names and numbers there."""
    if _WORD.search(inner) is None:
        return True
    mentions = [x for x in extract_mentions(inner, "id") if not x.soft]
    anchors = _anchors(inner, inside=True)
    found = MentionIndex(extract_mentions(translation, "en"))
    if mentions and all(found.matches_any(x) for x in mentions):
        return True
    return bool(anchors) and _covered(anchors, out_words, out_index) >= 0.5


def _parenthesis_omission(
    source: str, translation: str, out_words: set[str], out_index: NameIndex
) -> Flag | None:
    """The first source parenthesis that a translation without brackets lacks."""
    if "(" in translation or "[" in translation:
        return None
    for m in _PARENTHESIS.finditer(source):
        if not _parenthesis_kept(m.group(1), translation, out_words, out_index):
            return Flag(
                "omission",
                f"the source's parenthesis '{m.group(0)}' has no counterpart",
                (Span("source", m.start(), m.end(), m.group(0)),),
            )
    return None


def _loanword_omission(
    source: str, translation: str, out_words: set[str], out_index: NameIndex
) -> Flag | None:
    """Source loanwords that the translation renders by no form of their English word."""
    dropped = lexicon.dropped_loanwords(source, translation)
    if not dropped:
        return None
    return Flag(
        "omission",
        "source words with no counterpart in the translation: "
        + ", ".join(dict.fromkeys(f"{d.text} ({d.english})" for d in dropped)),
        tuple(Span("source", d.start, d.end, d.text) for d in dropped),
    )


#: The omission checks, in order: the first that finds one gives the flag.
_OMISSION_CHECKS = (_sentence_omission, _parenthesis_omission, _loanword_omission)


def _omissions(source: str, translation: str) -> list[Flag]:
    """A source sentence or a source parenthesis that the translation lacks; else source
    loanwords that it renders by no form of their English word (``parodi`` with no
    "parody": :func:`summarize.text.lexicon.dropped_loanwords`)."""
    out_words = {w.lower() for w in _WORD.findall(translation)}
    out_index = NameIndex(translation)
    for check in _OMISSION_CHECKS:
        flag = check(source, translation, out_words, out_index)
        if flag is not None:
            return [flag]
    return []


# ---------------------------------------------------------------------------- public


def check_translation(source: str, translation: str) -> list[Flag]:
    """Flags for one Indonesian ``source`` and its English ``translation``. HTML entities
    are decoded first (``&#39;`` is an apostrophe, not the number 39); spans refer to the
    texts as given (after NFC normalisation)."""
    sides = {
        "source": _Unescaped.of(_nfc(source)),
        "translation": _Unescaped.of(_nfc(translation)),
    }
    source, translation = sides["source"].text, sides["translation"].text
    if not source.strip():
        return []
    if not translation.strip():
        return [Flag("empty", "the translation is empty")]
    untranslated = _untranslated(source, translation)
    flags = [*untranslated, *_repetition(translation, "translation", source)]
    if untranslated:
        return _remap(flags, sides)  # numbers and names of a copied source match trivially
    flags += _untranslated_words(source, translation)
    flags += _numbers(source, translation)
    flags += _names(source, translation)
    flags += _omissions(source, translation)
    flags += _length(source, translation)
    return _remap(flags, sides)


def _unsupported_numbers(source: str, summary: str, translation: str | None) -> list[Flag]:
    """Numbers of the summary in neither the source nor its translation."""
    lang = "id" if detect_language(summary)[0] == "id" else "en"
    known = MentionIndex(extract_mentions(source, "id"))
    if translation:
        for m in extract_mentions(translation, "en"):
            known.add(m)
    unsupported = [
        m for m in distinct_mentions(extract_mentions(summary, lang)) if not known.matches_any(m)
    ]
    if not unsupported:
        return []
    return [
        Flag(
            "unsupported-number",
            "not in the source: " + ", ".join(m.text for m in unsupported),
            tuple(_mention_span("summary", m) for m in unsupported),
        )
    ]


def _unsupported_names(source: str, summary: str, translation: str | None) -> list[Flag]:
    """Names of the summary in neither the source nor its translation."""
    in_source = NameIndex(source)
    in_translation = NameIndex(translation) if translation else None
    names = [
        e
        for e in extract_entities(summary)
        if not _name_found(e, in_source) and not (in_translation and _name_found(e, in_translation))
    ]
    if not names:
        return []
    in_summary = NameIndex(summary)
    return [
        Flag(
            "unsupported-name",
            "not in the source: " + ", ".join(names),
            tuple(s for e in names for s in _span_of("summary", in_summary, e)),
        )
    ]


def check_summary(source: str, summary: str, translation: str | None = None) -> list[Flag]:
    """Flags for a ``summary`` of ``source`` (the Indonesian article) and, when given, its
    English ``translation``: numbers and names in neither, and loops."""
    source, summary = _nfc(source), _nfc(summary)
    translation = _nfc(translation) if translation is not None else None
    if not summary.strip():
        return []
    flags = _unsupported_numbers(source, summary, translation)
    flags += _unsupported_names(source, summary, translation)
    flags += _repetition(summary, "summary", None)
    return flags
