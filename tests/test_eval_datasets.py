"""Data loaders on the real evaluation files (from the data cache), detokenisation, and pairs
files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.errors import ConfigError, MalformedRecordError
from summarize.evaluation.data import data_dir
from summarize.evaluation.datasets import (
    EvalItem,
    detokenize,
    is_indosum_file,
    load_indosum,
    load_nusax_mt,
    load_pairs,
    load_predictions,
    load_talpco,
    load_tatoeba,
    sha256_files,
)

# The session's data cache (tests/conftest.py); the `evaldata` fixture fills it with the
# real data sets from a local server, or skips the tests that read them.
EVALDATA = data_dir()
INDOSUM = EVALDATA / "indosum" / "dev.01.first150.jsonl"
needs_data = pytest.mark.usefixtures("evaldata")


@needs_data
def test_nusax_mt() -> None:
    items = load_nusax_mt(EVALDATA / "nusax_mt" / "valid.csv")
    assert len(items) == 100
    first = items[0]
    assert isinstance(first, EvalItem)
    assert first.id == "0"
    assert first.source.startswith("Jika ada pertanyaan lebih lanjut")
    assert first.reference.startswith("If you have further questions")
    assert len(load_nusax_mt(EVALDATA / "nusax_mt" / "train.csv", limit=7)) == 7
    jv = load_nusax_mt(EVALDATA / "nusax_mt" / "valid.csv", src="javanese", limit=1)
    assert jv[0].reference == first.reference and jv[0].source != first.source
    with pytest.raises(ConfigError, match="no column"):
        load_nusax_mt(EVALDATA / "nusax_mt" / "valid.csv", src="klingon")
    with pytest.raises(dataclass_error()):
        first.source = "x"  # type: ignore[misc]


def dataclass_error() -> type[Exception]:
    import dataclasses

    return dataclasses.FrozenInstanceError


@needs_data
def test_tatoeba_prefix_dir_and_pair() -> None:
    folder = EVALDATA / "tatoeba_eng_ind"
    prefix = folder / "tatoeba-test-v2021-08-07"
    items = load_tatoeba(prefix)
    assert len(items) == 4289
    assert items[0].source == "Kehidupan seorang bankir itu sulit."
    assert items[0].reference == "A banker's life is difficult."
    assert len(load_tatoeba(folder, limit=3)) == 3
    pair = (f"{prefix}.ind", f"{prefix}.eng")
    assert load_tatoeba(pair, limit=5) == items[:5]
    assert load_tatoeba(f"{prefix}.eng", limit=2) == items[:2]


def test_tatoeba_misaligned(tmp_path: Path) -> None:
    (tmp_path / "t.ind").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "t.eng").write_text("a\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="lines"):
        load_tatoeba(tmp_path / "t")


@needs_data
def test_talpco_joined_on_id() -> None:
    items = load_talpco(EVALDATA / "talpco" / "data_ind.txt", EVALDATA / "talpco" / "data_eng.txt")
    assert len(items) == 1372
    by_id = {it.id: it for it in items}
    assert by_id["1176"].source == "Pak Tanaka bukan murid."
    assert by_id["1176"].reference == "Mr Tanaka is not a student."
    assert len({it.id for it in items}) == len(items)


def test_talpco_partial_overlap(tmp_path: Path) -> None:
    ind = tmp_path / "ind.txt"
    eng = tmp_path / "eng.txt"
    ind.write_text("1\tSatu.\n2\tDua.\n3\tTiga.\n", encoding="utf-8")
    eng.write_text("3\tThree.\n1\tOne.\n", encoding="utf-8")
    items = load_talpco(ind, eng)
    assert [(i.id, i.source, i.reference) for i in items] == [
        ("1", "Satu.", "One."),
        ("3", "Tiga.", "Three."),
    ]
    eng.write_text("no tab here\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError):
        load_talpco(ind, eng)


def test_detokenize_rules() -> None:
    toks = [
        '"',
        "Kan",
        "bisa",
        ",",
        '"',
        "ucap",
        "Zulkifli",
        "di",
        "Jakarta",
        ",",
        "Senin",
        "(",
        "27",
        "/",
        "3",
        ")",
        ".",
    ]
    assert detokenize(toks) == '"Kan bisa," ucap Zulkifli di Jakarta, Senin (27/3).'
    assert (
        detokenize(["pekan", "ke", "-", "17", "dan", "skor", "3", "-", "0"])
        == "pekan ke-17 dan skor 3-0"
    )
    assert detokenize(["Anak", "-", "anak", "."]) == "Anak-anak."
    assert detokenize(["nature", "-nya", "bisnis"]) == "nature-nya bisnis"
    assert detokenize(["Suara.com", "-", "Cerita"]) == "Suara.com - Cerita"
    assert detokenize(["naik", "5", "%", "dan", "“", "baik", "”", "!"]) == "naik 5% dan “baik”!"
    assert (
        detokenize(["[", "a", "]", "{", "b", "}", "\u00a0", "c", ";", "d", ":", "e", "?"])
        == "[a] {b} c; d: e?"
    )
    # straight quotes alternate across the sentences of a paragraph
    state: dict[str, bool] = {}
    assert detokenize(['"', "Tidak", "."], state) == '"Tidak.'
    assert (
        detokenize(["Kan", "bisa", ",", '"', "ucap", "dia", "."], state) == 'Kan bisa," ucap dia.'
    )


@needs_data
def test_indosum() -> None:
    items = load_indosum(INDOSUM)
    assert len(items) == 150
    first = items[0]
    assert first.id == "1490674536-mustahil-transportasi-tradisional-dan-online-bersa"
    assert first.source_sentences is not None
    assert first.source_sentences[0] == (
        "Ketua MPR Zulkifli Hasan menyesalkan kisruh yang terjadi antara pelaku sarana "
        "transportasi online dan tradisional."
    )
    assert "Senin (27/3)." in first.source
    assert '"Tidak hanya tarif' in first.source
    # reference: one summary sentence per line
    assert first.reference.splitlines()[0] == first.source_sentences[0]
    assert len(first.reference.splitlines()) == 3
    assert first.meta["category"] == "tajuk utama"
    assert len(first.meta["gold_labels"]) == len(first.source_sentences)
    assert first.source.count("\n\n") == len(first.meta["paragraph_sizes"]) - 1
    assert all(it.source and it.reference and it.source_sentences for it in items)
    assert all(" ." not in it.reference and " ," not in it.reference for it in items)
    assert len(load_indosum(INDOSUM, limit=10)) == 10
    assert is_indosum_file(INDOSUM)
    assert not is_indosum_file(EVALDATA / "nusax_mt" / "valid.csv")


def test_indosum_bad_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"paragraphs": [], "summary": []}\n{oops\n', encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="invalid JSON"):
        load_indosum(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_indosum(tmp_path / "missing.jsonl")
    with pytest.raises(ConfigError):
        load_indosum(INDOSUM, limit=-1)


def test_pairs_jsonl_and_csv(tmp_path: Path) -> None:
    rows = [
        {
            "id": "a",
            "source": "Halo dunia.",
            "reference": "Hello world.",
            "prediction": "Hello world.",
            "mt2": "Hi earth.",
        },
        {
            "id": "b",
            "source": "Terima kasih.",
            "reference": "Thank you.",
            "prediction": "Thanks.",
            "mt2": "Thank you.",
        },
    ]
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    items, systems = load_pairs(jsonl)
    assert [i.id for i in items] == ["a", "b"]
    assert systems == {
        "prediction": ["Hello world.", "Thanks."],
        "mt2": ["Hi earth.", "Thank you."],
    }
    csv_path = tmp_path / "pairs.csv"
    csv_path.write_text("source,reference,sys\nHalo,Hello,Hi\n", encoding="utf-8")
    items, systems = load_pairs(csv_path)
    assert items[0].id == "1" and systems == {"sys": ["Hi"]}
    items, systems = load_pairs(jsonl, limit=1)
    assert len(items) == 1 and systems["mt2"] == ["Hi earth."]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"source": "x"}\n', encoding="utf-8")
    with pytest.raises(MalformedRecordError, match="reference"):
        load_pairs(bad)


def test_load_predictions(tmp_path: Path) -> None:
    items = [EvalItem("a", "s1", "r1"), EvalItem("b", "s2", "r2")]
    txt = tmp_path / "p.txt"
    txt.write_text("one\ntwo\n", encoding="utf-8")
    assert load_predictions(txt, items) == ["one", "two"]
    jl = tmp_path / "p.jsonl"
    jl.write_text(
        '{"id": "b", "summary": "two"}\n{"id": "a", "summary": "one"}\n', encoding="utf-8"
    )
    assert load_predictions(jl, items) == ["one", "two"]  # joined on id
    short = tmp_path / "short.txt"
    short.write_text("one\n", encoding="utf-8")
    with pytest.raises(MalformedRecordError):
        load_predictions(short, items)


def test_sha256(tmp_path: Path) -> None:
    import hashlib

    f = tmp_path / "x"
    f.write_bytes(b"abc")
    assert sha256_files([f]) == hashlib.sha256(b"abc").hexdigest()
