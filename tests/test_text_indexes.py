"""The indexes that keep whole-text checks linear give the answers of the plain scans they
replace: :class:`MentionIndex` = ``any(m.matches(o) for o in mentions)``, ``_Taken.free``
= "no taken span overlaps", :class:`NameIndex` = a regular-expression search of the
lower-cased text. (Speed: ``python -m summarize.bench --text-worst-case --checks``.)"""

from __future__ import annotations

import re
import unicodedata

import fuzz_settings  # noqa: F401  (registers and loads the profile)
from hypothesis import given
from hypothesis import strategies as st

from summarize.text.names import NameIndex, _edit_distance, entity_forms, extract_entities
from summarize.text.numbers import MentionIndex, _Taken, distinct_mentions, extract_mentions

NUMBER_PIECES = [
    "5", "12", "2020", "2.020", "2,5", "1.000", "1,000", "3,5 juta", "1.5 million", "24",
    "24 Februari 2022", "February 24, 2022", "Maret 2020", "5/3/2020", "10.30", "6:30",
    "satu", "dua ratus lima", "kedua", "tahun", "pada", " ", ", ", ". ", "Rp ", "US$",
    "9" * 400, "0,000000001", "0,000000002", "0.999999999", "1,000000001", "-3",
]  # fmt: skip
number_text = st.lists(st.sampled_from(NUMBER_PIECES), max_size=30).map(" ".join)


@given(number_text, number_text)
def test_mention_index_answers_as_the_pairwise_scan(a: str, b: str) -> None:
    src, out = extract_mentions(a, "id"), extract_mentions(b, "en")
    index = MentionIndex(out)
    for m in src:
        assert index.matches_any(m) == any(m.matches(o) for o in out), m


@given(number_text)
def test_distinct_mentions_keeps_the_first_of_each_match(text: str) -> None:
    seen: list = []
    for m in extract_mentions(text):
        if not any(m.matches(s) for s in seen):
            seen.append(m)
    assert distinct_mentions(extract_mentions(text)) == seen


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)), max_size=40)


@given(spans, spans)
def test_taken_spans_answer_as_the_list_scan(added: list, asked: list) -> None:
    taken, plain = _Taken(), []
    for start, length in added:
        taken.append((start, start + length))
        plain.append((start, start + length))
        for q_start, q_length in asked:
            q_end = q_start + q_length
            expected = all(q_end <= s or q_start >= e for s, e in plain)
            assert taken.free(q_start, q_end) == expected, (plain, (q_start, q_end))


def _found_by_scan(entity: str, text: str) -> bool:
    """entity_found as it was: a regular-expression search per form, then near spellings
    among all tokens."""
    lower = unicodedata.normalize("NFC", text).lower()
    for form in entity_forms(entity):
        if re.search(rf"(?<![\w]){re.escape(form)}(?:e?s|['’]s?)?(?![\w])", lower):
            return True
    if len(entity.split()) == 1 and len(entity) >= 5:
        budget = 1 if len(entity) < 9 else 2
        for tok in set(re.findall(r"[^\W_]+", lower)):
            if abs(len(tok) - len(entity)) <= budget and tok[:1] == entity[:1]:
                if _edit_distance(entity, tok, budget) <= budget:
                    return True
    return False


NAME_PIECES = [
    "Rusia", "Russia", "Russian", "Amerika Serikat", "United States", "AS", "US", "PBB",
    "UN", "Viking", "Vikings", "Tom's", "Tom", "boxes", "Bukittinggi", "Bukittingi",
    "Zelenskyy", "Zelensky", "U.S.", "al-Qaeda", "x_y", "Jakarta", "Jakartans", "'s",
    "-", " ", ". ", ", ", "Tn.", "Sato", "Menteri", "Budi", "Santoso", "(", ")", "’s",
]  # fmt: skip
name_text = st.lists(st.sampled_from(NAME_PIECES), max_size=25).map(" ".join)
entities = st.one_of(
    st.sampled_from([p.lower() for p in NAME_PIECES if p.strip(" .,()-")]),
    st.text("abcdeiklnorstuy .'-", min_size=1, max_size=12),
)


@given(name_text, st.lists(entities, max_size=8))
def test_name_index_answers_as_the_regex_scan(text: str, names: list) -> None:
    index = NameIndex(text)
    for name in [*names, *extract_entities(text)]:
        assert index.found(name) == _found_by_scan(name, text), name


def test_abbreviation_before_a_name_is_read_without_rescanning_the_text() -> None:
    # "Tn." does not end a sentence, so "Sato" is a name even though a full stop precedes it
    assert "sato" in extract_entities("Kata Tn. Sato kepada wartawan.")
    assert "sato" in extract_entities("Ia datang. " * 50 + "Kata Tn. Sato kepada wartawan.")


def test_names_are_shown_as_the_text_writes_them() -> None:
    from summarize.demo.formatting import preservation

    index = NameIndex("Sekjen PBB bertemu Joko Widodo di Jakarta.")
    assert index.as_written("pbb") == "PBB" and index.as_written("joko widodo") == "Joko Widodo"
    assert index.as_written("bandung") == "bandung"  # not in the text: as given
    out = preservation("Sekjen PBB bertemu Joko Widodo di Jakarta.", "The UN chief met in Bandung.")
    # PBB is kept (as UN); a sentence's first word is no name unless known
    assert out["entities"]["missing"] == ["Joko Widodo", "Jakarta"]
    assert out["entities"]["unsupported"] == ["Bandung"]


def test_a_number_too_long_for_a_float_matches_nothing() -> None:
    huge, five = extract_mentions("9" * 400 + " dan 5")
    assert huge.values == frozenset({float("inf")})
    assert not huge.matches(five) and not five.matches(huge) and not huge.matches(huge)
    assert not MentionIndex([huge]).matches_any(five)
