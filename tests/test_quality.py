"""summarize.quality: hand-checkable flags on sentences from the seed articles."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.quality import Flag, check_summary, check_translation, count_codes
from summarize.text.numbers import extract_mentions

# seeds/003 and 004 (Indonesian news about NATO, Russia and Ukraine)
SRC_DATE = "Rusia telah melakukan operasi militer khusus di Ukraina sejak 24 Februari 2022."
SRC_NATO = (
    "Sekretaris Jenderal NATO Jens Stoltenberg mengatakan bahwa Rusia tidak memiliki hak "
    "veto, seperti dikutip Sputnik."
)
SRC_THOUSAND = "Sekitar 1.000 tentara Rusia tiba di perbatasan pada 24 Februari 2022."


def codes(flags: list[Flag]) -> list[str]:
    return [f.code for f in flags]


def test_a_faithful_translation_has_no_flags() -> None:
    en = "Russia has been conducting a special military operation in Ukraine since February 24, 2022."
    assert check_translation(SRC_DATE, en) == []
    en = (
        "NATO Secretary General Jens Stoltenberg said that Russia has no veto, as quoted "
        "by Sputnik."
    )
    assert check_translation(SRC_NATO, en) == []
    en = "About 1,000 Russian soldiers arrived at the border on 24 February 2022."
    assert check_translation(SRC_THOUSAND, en) == []


@pytest.mark.parametrize(
    ("translation", "missing"),
    [
        # the date changed: 24 Februari 2022 != February 25, 2022
        ("Russia has conducted a special military operation in Ukraine since February 25, 2022.", "24 Februari 2022"),
        # the year dropped but the day kept is fine for a date; drop the whole date instead
        ("Russia has been conducting a special military operation in Ukraine.", "24 Februari 2022"),
    ],
)  # fmt: skip
def test_number_flag_on_a_changed_or_dropped_date(translation: str, missing: str) -> None:
    flags = check_translation(SRC_DATE, translation)
    assert codes(flags) == ["number"]
    assert missing in flags[0].message
    span = flags[0].spans[0]
    assert span.side == "source"
    assert SRC_DATE[span.start : span.end] == "24 Februari 2022"


def test_number_normalisation_1000() -> None:
    # 1.000 (Indonesian) = 1,000 = one thousand; 1.000 is not 100 or 10,000
    ok = "About one thousand Russian soldiers arrived at the border on February 24, 2022."
    assert check_translation(SRC_THOUSAND, ok) == []
    bad = "About 10,000 Russian soldiers arrived at the border on February 24, 2022."
    flags = check_translation(SRC_THOUSAND, bad)
    assert codes(flags) == ["number"]
    assert flags[0].message == "missing in the translation: 1.000; not in the source: 10,000"
    assert [s.side for s in flags[0].spans] == ["source", "translation"]


def test_spelled_out_numbers_and_scales() -> None:
    src = "Sebanyak dua ratus lima puluh ribu orang mengungsi, naik 3,5 persen."
    assert check_translation(src, "As many as 250,000 people fled, up 3.5 percent.") == []
    assert check_translation(src, "Two hundred fifty thousand people fled, up 3.5%.") == []
    assert codes(check_translation(src, "As many as 250 people fled, up 3.5 percent.")) == [
        "number"
    ]
    assert [m.values for m in extract_mentions("1 juta")] == [frozenset({1e6})]
    assert [m.values for m in extract_mentions("1 million", "en")] == [frozenset({1e6})]


def test_name_flag_for_a_dropped_person_and_acronym() -> None:
    en = "Secretary General said that Russia has no veto, as quoted by Sputnik."
    flags = check_translation(SRC_NATO, en)
    assert codes(flags) == ["name"]
    assert flags[0].message == "missing in the translation: nato, jens stoltenberg"
    assert [SRC_NATO[s.start : s.end] for s in flags[0].spans] == ["NATO", "Jens Stoltenberg"]


def test_name_exonyms_rusia_is_russia() -> None:
    en = "NATO chief Jens Stoltenberg said Russia has no veto, Sputnik reported."
    assert check_translation(SRC_NATO, en) == []
    # "Rusia" missing altogether (not even as "Russian")
    en = "NATO chief Jens Stoltenberg said the country has no veto, Sputnik reported."
    flags = check_translation(SRC_NATO, en)
    assert codes(flags) == ["name"]
    assert flags[0].message == "missing in the translation: rusia"


def test_name_at_the_start_lost_with_a_lower_case_output() -> None:
    assert codes(check_translation("Stoltenberg tiba di Brussel.", "arrived in Brussels.")) == [
        "name"
    ]
    assert (
        check_translation("Stoltenberg tiba di Brussel.", "Stoltenberg arrived in Brussels.") == []
    )


def test_repetition_loop() -> None:
    en = "NATO said said said said that Russia has no veto, as quoted by Sputnik Jens Stoltenberg."
    flags = check_translation(SRC_NATO, en)
    assert "repetition" in codes(flags)
    rep = next(f for f in flags if f.code == "repetition")
    assert rep.message == "'said' repeated 4 times in a row"
    assert rep.spans[0].text == "said said said said"
    assert codes(check_translation("Maaf.", "I'm sorry I'm sorry I'm sorry")) == ["repetition"]
    # a loop the source has too is faithful
    assert (
        check_translation("Sangat sangat sangat sangat enak!", "Very very very very tasty!") == []
    )


def test_untranslated_copy_and_indonesian_output() -> None:
    assert codes(check_translation(SRC_DATE, SRC_DATE)) == ["untranslated"]
    out = (
        "Rusia telah melakukan operasi militer di Ukraina sejak tanggal itu dan masih berlangsung."
    )
    assert codes(check_translation(SRC_DATE, out))[0] == "untranslated"
    # an English quote inside Indonesian text may stay as it is
    assert check_translation("We will not back down.", "We will not back down.") == []


def test_length_and_empty() -> None:
    half = "Russia has been conducting a special"
    flags = check_translation(SRC_DATE, half)
    assert "length" in codes(flags)
    assert check_translation(SRC_DATE, "   ") == [Flag("empty", "the translation is empty")]
    assert check_translation("", "anything") == []


def test_check_summary_unsupported_number_and_name() -> None:
    source = SRC_NATO + " " + SRC_DATE
    ok = "Stoltenberg said Russia has no veto; the war began on February 24, 2022."
    assert check_summary(source, ok) == []
    bad = "Stoltenberg told Biden on March 3, 2022 that Russia has no veto."
    flags = check_summary(source, bad)
    assert codes(flags) == ["unsupported-number", "unsupported-name"]
    assert flags[0].message == "not in the source: March 3, 2022"
    assert flags[1].message == "not in the source: biden"
    assert bad[flags[1].spans[0].start : flags[1].spans[0].end] == "Biden"
    # a name only in the translation is supported when the translation is given
    translation = "NATO Secretary General Jens Stoltenberg said Moscow has no veto."
    assert check_summary(SRC_NATO, "Moscow has no veto.", translation) == []
    assert codes(check_summary(SRC_NATO, "veto veto veto veto veto")) == ["repetition"]


def test_flags_serialise_and_count() -> None:
    flags = check_translation(SRC_DATE, "Russia has conducted an operation in Ukraine since 2021.")
    data = json.loads(json.dumps([f.to_dict() for f in flags]))
    assert data[0]["code"] == "number"
    assert data[0]["spans"][0]["text"] == "24 Februari 2022"
    assert count_codes(flags) == {"number": 1}


SRC_PIECES = list("aB1., -'\"?!:;()/\n%") + ["Rp", "juta", " dua ", "Maret", "NATO", "Tn."]
OUT_PIECES = list("aB1., -'\"?!:;()/\n%$") + [" million", " two", "May", "the", "Mr."]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(SRC_PIECES), max_size=30).map("".join),
    st.lists(st.sampled_from(OUT_PIECES), max_size=30).map("".join),
)
def test_checks_never_raise(source: str, output: str) -> None:
    for flag in check_translation(source, output) + check_summary(source, output, output):
        assert flag.code and flag.message
        for span in flag.spans:
            assert 0 <= span.start <= span.end
