"""Number/date/entity preservation (tested on the seed articles' own figures) and the
reference-free statistics."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.evaluation.metrics import compute_metrics
from summarize.evaluation.metrics.preservation import (
    entity_found,
    entity_preservation,
    extract_entities,
    extract_mentions,
    number_preservation,
    parse_number,
)
from summarize.evaluation.metrics.reference_free import (
    compression_ratio,
    corpus_values,
    length,
    novel_ngram_ratio,
    repetition_rate,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _seed(prefix: str) -> str:
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return files[0].read_text(encoding="utf-8")


def _texts(text: str, lang: str = "id") -> list[str]:
    return [m.text for m in extract_mentions(text, lang)]


@pytest.mark.parametrize(
    ("token", "lang", "values"),
    [
        ("1.000", "id", {1000.0}),
        ("1,000", "en", {1000.0}),
        ("3,5", "id", {3.5}),
        ("3.5", "en", {3.5}),
        ("3,5", "en", {3.5}),  # Indonesian decimal copied into English output
        ("1.000", "en", {1.0, 1000.0}),  # ambiguous in English text: both readings
        ("45.9", "id", {45.9}),  # English-style decimal inside Indonesian text
        ("5.999,25", "id", {5999.25}),
        ("2008", "id", {2008.0}),
    ],
)
def test_parse_number(token: str, lang: str, values: set[float]) -> None:
    assert set(parse_number(token, lang)) == values


def test_seed_000_dates_and_figures() -> None:
    text = _seed("000")
    found = _texts(text)
    assert "29 November" in found
    assert "2008" in found  # "keputusan tahun 2008"
    en = "In a statement on November 29, ... confirmed the 2008 decision ... a two-day meeting"
    result = number_preservation(text, en)
    assert result.missing == ()
    assert result.recall == 1.0
    # a wrong day is not accepted
    assert number_preservation("pada hari 29 November", "on November 28").recall == 0.0


def test_seed_001_dates() -> None:
    text = _seed("001")
    found = _texts(text)
    assert "24 Maret 2022" in found and "24 Februari" in found
    for english in ("March 24, 2022", "24 March 2022", "Thursday, 24 March 2022"):
        assert number_preservation("pada Kamis, 24 Maret 2022.", english).recall == 1.0
    # a date without a year matches the same day and month with a year
    assert (
        number_preservation("yang dimulai pada 24 Februari,", "began on February 24, 2022").recall
        == 1.0
    )


def test_seed_002_personnel_and_dates() -> None:
    text = _seed("002")
    found = _texts(text)
    assert "700" in found and "24 Februari 2022" in found and "10/7" in found
    assert "delapan" in found  # "selama delapan tahun"
    src = (
        "Akan ada 700 personel ... sejak 24 Februari 2022 ... Rabu (10/7) ... selama delapan tahun."
    )
    for en in (
        "There will be 700 personnel ... since February 24, 2022 ... Wednesday (10/7) ... for eight years.",
        "700 personnel ... since 24 February 2022 ... on Wednesday, July 10 ... for 8 years.",
    ):
        result = number_preservation(src, en)
        assert result.missing == (), en
        assert result.precision == 1.0
    wrong = number_preservation(src, "There will be 70 personnel since February 24, 2021.")
    assert wrong.recall == 0.0
    assert set(wrong.unsupported) == {"70", "February 24, 2021"}


@pytest.mark.parametrize(
    ("source", "output"),
    [
        ("1.000 orang", "1,000 people"),
        ("tumbuh 3,5 persen", "grew 3.5 percent"),
        ("2 juta warga", "2 million residents"),
        ("Rp 2,5 miliar", "IDR 2.5 billion"),
        ("2 miliar dolar", "$2 billion"),
        ("empat kelompok tempur", "four battle groups"),
        ("dua belas negara", "12 countries"),
    ],
)
def test_number_normalisation_pairs(source: str, output: str) -> None:
    assert number_preservation(source, output).recall == 1.0


def test_entities_from_seed() -> None:
    text = _seed("000")
    ents = extract_entities(text)
    for expected in ("nato", "jens stoltenberg", "rusia", "ukraina", "moskow", "bucharest", "kyiv"):
        assert expected in ents
    # sentence-initial common words are not entities
    assert "serangan" not in ents and "dalam" not in ents
    en = (
        "NATO Secretary General Jens Stoltenberg accused Russia of using winter as a weapon "
        "as he asked members for more help for Ukraine amid Moscow's attacks. NATO ministers "
        "met in the Romanian capital, Bucharest."
    )
    first_two = "\n".join(text.splitlines()[:2])
    result = entity_preservation(first_two, en)
    assert result.missing == ()
    assert result.precision == 1.0


def test_exonyms_case_insensitive() -> None:
    assert entity_found("amerika serikat", "the United States said")
    assert entity_found("as", "the US said")
    assert entity_found("pbb", "at the UN")
    assert entity_found("inggris", "Britain and France")
    assert entity_found("tiongkok", "Chinese support")
    assert entity_found("uni eropa", "the European Union")
    assert not entity_found("jerman", "France")
    r = entity_preservation(
        "Menteri Luar Negeri Rusia Sergey Lavrov tiba di Moskwa.",
        "Russian Foreign Minister Sergey Lavrov arrived in moscow.",
    )
    assert r.recall == 1.0


def test_preservation_metrics_in_registry() -> None:
    src = ["Akan ada 700 personel sejak 24 Februari 2022.", "Tidak ada angka di sini."]
    out = ["There will be 700 personnel since February 24, 2022.", "No figures here."]
    res = compute_metrics(["number-preservation", "number-support"], out, ["", ""], src)
    assert res["number-preservation"].score == pytest.approx(100.0)
    assert res["number-preservation"].per_item == (100.0, None)
    # micro average: 1 of 2 source mentions
    res = compute_metrics(["number-preservation"], ["700 personnel", ""], ["", ""], src)
    assert res["number-preservation"].score == pytest.approx(50.0)
    empty = compute_metrics(["number-preservation", "entity-preservation"], [], [], [])
    assert empty["number-preservation"].score is None


def test_reference_free_values() -> None:
    src = "the cat sat on the mat"
    assert length("Cristóbal tiba di Ukraina.") == 4
    assert compression_ratio(src, "the cat") == pytest.approx(3.0)
    assert compression_ratio(src, "") is None
    assert novel_ngram_ratio(src, "the dog sat", 1) == pytest.approx(1 / 3)
    assert novel_ngram_ratio(src, "the cat sat", 2) == 0.0
    assert novel_ngram_ratio(src, "cat", 2) is None
    assert repetition_rate("a b a b a b", 1) == pytest.approx(4 / 6)
    assert repetition_rate("a b a b a b", 2) == pytest.approx(3 / 5)
    assert repetition_rate("", 1) is None
    assert corpus_values("novel-1", [src], ["the dog sat"]) == [pytest.approx(100 / 3)]
    outs = compute_metrics(
        ["length", "compression", "novel-2", "repetition-1"], ["the cat", ""], ["", ""], [src, src]
    )
    assert outs["length"].score == pytest.approx(1.0)  # (2 + 0) / 2
    assert outs["compression"].score == pytest.approx(3.0)  # empty output excluded
    assert outs["novel-2"].score == 0.0
    with pytest.raises(ValueError):
        corpus_values("novel-x", [src], ["a"])
