"""Run-on text is bounded: no sentence longer than ``MAX_SENTENCE_CHARS``, so the work
of every later stage is bounded per sentence; zero-width and bidi controls are dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import main
from summarize.text import prepare_article, split_sentences
from summarize.text.sentences import MAX_SENTENCE_CHARS, bound_sentence


def test_a_short_sentence_is_kept_whole() -> None:
    sentence = "Presiden meresmikan jalan tol baru di Jawa Tengah, kata dia."
    assert bound_sentence(sentence) == [sentence]
    assert split_sentences(sentence + " " + sentence) == [sentence, sentence]


def test_a_run_on_sentence_is_cut_at_clause_breaks_then_spaces() -> None:
    # clause breaks: each piece ends on a comma
    listing = ", ".join(f"Budi Santoso {i}" for i in range(300))
    pieces = bound_sentence(listing, 200)
    assert all(len(p) <= 200 for p in pieces)
    assert all(p.endswith(",") for p in pieces[:-1])
    assert " ".join(pieces) == listing
    # no clause break: at a space, in the second half of the window
    dates = ("5 Januari 2020 " * 100).strip()
    pieces = bound_sentence(dates, 200)
    assert all(100 <= len(p) <= 200 for p in pieces[:-1])
    assert " ".join(pieces) == dates
    # no space at all: at the limit
    assert [len(p) for p in bound_sentence("a" * 450, 200)] == [200, 200, 50]


@pytest.mark.parametrize("unit", ["5 Januari 2020 ", "Budi Santoso ", "kata "])
def test_run_on_text_splits_into_bounded_sentences(unit: str) -> None:
    text = unit * (1_000_000 // len(unit))
    sentences = split_sentences(text)
    assert max(len(s) for s in sentences) <= MAX_SENTENCE_CHARS
    # about one sentence per MAX_SENTENCE_CHARS, at most one per half of it
    assert len(text) // MAX_SENTENCE_CHARS <= len(sentences) <= 2 * len(text) // MAX_SENTENCE_CHARS
    assert " ".join(sentences) == " ".join(text.split())


def test_zero_width_and_bidi_controls_are_dropped() -> None:
    article = prepare_article(
        "Budi\u200f Santoso\u202e pergi\u202c \u2066ke\u2069 Jakarta\u200e pada 5 Maret."
        " Dia\u061c tiba\u202a \u202bkemarin\u202d\u2067\u2068."
    )
    assert article.text == "Budi Santoso pergi ke Jakarta pada 5 Maret. Dia tiba kemarin."
    assert article.sentences == ["Budi Santoso pergi ke Jakarta pada 5 Maret.", "Dia tiba kemarin."]


def test_extract_translate_on_a_run_on_article_translates_only_bounded_sentences(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    """300 kB of dates without a full stop: the extract is 3 sentences of at most
    MAX_SENTENCE_CHARS (it used to be the whole text, translated in hundreds of parts)."""
    src = tmp_path / "in.jsonl"
    text = "5 Januari 2020 " * 20_000
    src.write_text(json.dumps({"id": "dates", "text": text}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        ["run", str(src), "-o", str(out), "-s", "extract-translate", "--mt-model",
         tiny_models["marian"], "--max-translation-length", "8", "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["error"] is None
    assert len(record["alignment"]) == 3
    assert all(len(a["source"]) <= MAX_SENTENCE_CHARS for a in record["alignment"])
    # the tiny model's tokenizer spends ~0.7 tokens per character of dates: a bounded
    # sentence may still take 2 parts, never hundreds
    parts = [int(w.split(" in ")[-1].split()[0]) for w in record["warnings"] if "parts" in w]
    assert all(n <= 2 for n in parts), record["warnings"]
