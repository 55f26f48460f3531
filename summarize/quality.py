"""Flags for doubtful translations and unsupported summary content.

Plain functions over plain strings; no model. ``check_translation(source, translation)``
compares an Indonesian sentence with its English translation; ``check_summary(source,
summary, translation)`` checks a summary against its article. Each returns a list of
:class:`Flag` (empty when nothing looks wrong).

Translation codes:

* ``empty``: the translation is empty while the source is not.
* ``untranslated``: the output is still Indonesian, or copies the source.
* ``repetition``: an n-gram of 1-4 words loops (3+ copies in a row, 4+ for a single word)
  and the source has no such loop; or one word makes up half of a long output.
* ``number``: a number, date, amount or percentage on one side is missing or different
  on the other (values compared after normalisation: ``1.000`` = ``1,000``, ``1 juta`` =
  ``1 million``, ``3,5`` = ``3.5``, ``24 Februari 2022`` = ``February 24, 2022``, number
  words count; see :mod:`summarize.text.numbers`).
* ``name``: a name or acronym of the source is missing from the translation (English
  forms from the exonym table are accepted: ``Rusia`` = ``Russia``; see
  :mod:`summarize.text.names`).
* ``length``: the length ratio is outside what id->en translation gives, or the output is
  clearly cut off (much shorter, and it lost the source's final punctuation or ends on a
  word that cannot end a sentence).
* ``truncated``: generation hit the token limit. Only the engine knows this; the pipeline
  adds it (:func:`truncated_flag`), this module never infers it.

Summary codes: ``unsupported-number``, ``unsupported-name`` (in neither the source nor
its translation) and ``repetition``.

The thresholds are general properties of Indonesian -> English translation (English runs
about 0.8-1.3x the characters of Indonesian), not fitted to one test set; the detector
benchmark ``summarize eval trust`` measures them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from summarize.text.langid import detect_language
from summarize.text.names import TITLE_WORDS, NameIndex, entity_found, extract_entities
from summarize.text.numbers import Mention, MentionIndex, distinct_mentions, extract_mentions
from summarize.text.stopwords import EN_STOPWORDS, ID_STOPWORDS
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

TRANSLATION_CODES = ("empty", "untranslated", "repetition", "number", "name", "length", "truncated")
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


def _span_of(side: str, text: str, phrase: str) -> tuple[Span, ...]:
    m = re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text, re.IGNORECASE)
    if not m:
        return ()
    return (Span(side, m.start(), m.end(), m.group(0)),)


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


def _repetition(text: str, side: str, source: str | None = None) -> list[Flag]:
    loops = [lp for lp in _loops(text) if _is_loop(lp)]
    if loops and source is not None:
        # the source loops too ("sangat sangat sangat", "haha haha haha"): a faithful copy
        src_max = max((lp.copies for lp in _loops(source)), default=1)
        loops = [lp for lp in loops if lp.copies > src_max + 1]
    flags = [
        Flag(
            "repetition",
            f"'{' '.join(lp.gram)}' repeated {lp.copies} times in a row",
            (Span(side, lp.start, lp.end, text[lp.start : lp.end]),),
        )
        for lp in loops[:1]
    ]
    if flags:
        return flags
    toks = [w.lower() for w in _WORD.findall(text)]
    if len(toks) >= 8:
        top = max(set(toks), key=toks.count)
        if toks.count(top) * 2 >= len(toks) and top not in {
            w.lower() for w in _WORD.findall(source or "")
        }:
            return [Flag("repetition", f"'{top}' makes up {toks.count(top)} of {len(toks)} words")]
    return []


# ------------------------------------------------------------------------ untranslated


def _content_tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text) if not t.isdigit() and not t[:1].isupper()]


def _mid_sentence_capitals(text: str) -> set[str]:
    """Lowercased words written with a capital letter other than at a sentence start."""
    out = set()
    for m in _WORD.finditer(text):
        before = text[: m.start()].rstrip()
        if m.group(0)[:1].isupper() and before and before[-1] not in '.!?…"“‘«:;-([':
            out.add(m.group(0).lower())
    return out


def _untranslated(source: str, translation: str) -> list[Flag]:
    src_lang, _ = detect_language(source)
    if src_lang == "en":
        return []  # an English quote in the source may be copied
    src_tokens = {t.lower() for t in _WORD.findall(source)}
    out_tokens = [t.lower() for t in _WORD.findall(translation) if not t.isdigit()]
    # words that are neither names (capitalised mid-sentence in the source) nor English
    # function words: a translation must change them
    names = _mid_sentence_capitals(source)
    content = [
        t for t in out_tokens if t not in EN_STOPWORDS and (t not in names or t in ID_STOPWORDS)
    ]
    copied = [t for t in content if t in src_tokens]
    full_copy = bool(out_tokens) and all(t in src_tokens for t in out_tokens)
    if content and (
        (full_copy and copied) or (len(copied) >= 2 and len(copied) >= 0.8 * len(content))
    ):
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


def _number_flags(
    source: str, output: str, *, out_side: str, code: str, out_lang: str = "en"
) -> tuple[list[Mention], list[Mention]]:
    src = distinct_mentions(extract_mentions(source, "id"))
    out = distinct_mentions(extract_mentions(output, out_lang))
    src_index, out_index = MentionIndex(src), MentionIndex(out)
    missing = [m for m in src if not m.soft and not out_index.matches_any(m)]
    extra = [o for o in out if not o.soft and not src_index.matches_any(o)]
    return missing, extra


def _numbers(source: str, translation: str) -> list[Flag]:
    missing, extra = _number_flags(source, translation, out_side="translation", code="number")
    flags: list[Flag] = []
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing in the translation: " + ", ".join(m.text for m in missing))
        if extra:
            parts.append("not in the source: " + ", ".join(m.text for m in extra))
        spans = tuple(_mention_span("source", m) for m in missing) + tuple(
            _mention_span("translation", m) for m in extra
        )
        flags.append(Flag("number", "; ".join(parts), spans))
    return flags


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


def _names(source: str, translation: str) -> list[Flag]:
    in_source, in_translation = NameIndex(source), NameIndex(translation)
    missing = [e for e in extract_entities(source) if not _name_found(e, in_translation)]
    # names of the translation that the source does not have are most likely the missing
    # ones in English words ("Piala Dunia" -> "World Cup", "Komisi ..." -> "... Commission"):
    # only more missing names than such new ones means a name was lost
    new = [e for e in extract_entities(translation) if not _name_found(e, in_source)]
    if len(missing) <= len(new):
        missing = []
    first = _lost_first_name(source, translation)
    if first and first not in missing:
        missing.insert(0, first)
    if not missing:
        return []
    spans = tuple(s for e in missing for s in _span_of("source", source, e))
    return [Flag("name", "missing in the translation: " + ", ".join(missing), spans)]


# ---------------------------------------------------------------------------- public


def check_translation(source: str, translation: str) -> list[Flag]:
    """Flags for one Indonesian ``source`` and its English ``translation``."""
    source, translation = _nfc(source), _nfc(translation)
    if not source.strip():
        return []
    if not translation.strip():
        return [Flag("empty", "the translation is empty")]
    untranslated = _untranslated(source, translation)
    flags = [*untranslated, *_repetition(translation, "translation", source)]
    if untranslated:
        return flags  # numbers and names of a copied source match trivially
    flags += _numbers(source, translation)
    flags += _names(source, translation)
    flags += _length(source, translation)
    return flags


def check_summary(source: str, summary: str, translation: str | None = None) -> list[Flag]:
    """Flags for a ``summary`` of ``source`` (the Indonesian article) and, when given, its
    English ``translation``: numbers and names in neither, and loops."""
    source, summary = _nfc(source), _nfc(summary)
    translation = _nfc(translation) if translation is not None else None
    if not summary.strip():
        return []
    lang = "id" if detect_language(summary)[0] == "id" else "en"
    known = MentionIndex(extract_mentions(source, "id"))
    if translation:
        for m in extract_mentions(translation, "en"):
            known.add(m)
    flags: list[Flag] = []
    unsupported = [
        m for m in distinct_mentions(extract_mentions(summary, lang)) if not known.matches_any(m)
    ]
    if unsupported:
        flags.append(
            Flag(
                "unsupported-number",
                "not in the source: " + ", ".join(m.text for m in unsupported),
                tuple(_mention_span("summary", m) for m in unsupported),
            )
        )
    in_source = NameIndex(source)
    in_translation = NameIndex(translation) if translation else None
    names = [
        e
        for e in extract_entities(summary)
        if not _name_found(e, in_source) and not (in_translation and _name_found(e, in_translation))
    ]
    if names:
        flags.append(
            Flag(
                "unsupported-name",
                "not in the source: " + ", ".join(names),
                tuple(s for e in names for s in _span_of("summary", summary, e)),
            )
        )
    flags += _repetition(summary, "summary", None)
    return flags
