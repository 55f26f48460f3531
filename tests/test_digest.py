"""Digest building blocks: sentence picking, dates, Markdown (pure functions)."""

from __future__ import annotations

from summarize.digest import (
    Digest,
    DigestArticle,
    DigestSentence,
    DigestStory,
    iso_date,
    pick_sentences,
    to_markdown,
)

A = [
    "Pemerintah menambah dua puluh bus sekolah gratis di Bandung.",
    "Program ini dibiayai anggaran daerah.",
    "Orang tua menyambut baik rencana itu.",
]
B = [
    "Dua puluh bus sekolah gratis ditambah pemerintah di Bandung.",  # same point as A[0]
    "Dinas Perhubungan mengumumkan jadwal pekan depan.",
]


def test_pick_sentences_skips_repeats_and_keeps_article_order() -> None:
    picked = pick_sentences([("a", A), ("b", B)], max_sentences=8)
    texts = [s for _, s in picked]
    # B[0] repeats A[0] (content words: pemerintah, puluh, bus, sekolah, gratis, bandung)
    assert (A[0] in texts) != (B[0] in texts)
    assert B[1] in texts and A[1] in texts and A[2] in texts
    assert len(picked) == 4
    # grouped by article, in text order within each
    assert [a for a, _ in picked] == sorted((a for a, _ in picked), key=["a", "b"].index)


def test_pick_sentences_limit_and_empty() -> None:
    assert len(pick_sentences([("a", A), ("b", B)], max_sentences=2)) == 2
    assert pick_sentences([]) == []


def test_iso_date() -> None:
    assert iso_date("2024-07-10T09:30:00+07:00") == "2024-07-10"
    assert iso_date("Wed, 10 Jul 2024 09:30:00 +0700") == "2024-07-10"
    assert iso_date("kemarin") is None
    assert iso_date(None) is None


def test_markdown_marks_sources() -> None:
    story = DigestStory(
        id="a",
        articles=(
            DigestArticle("a", "Bus sekolah gratis", "http://x.test/a", "Warta", "2024-07-10"),
            DigestArticle("b", None, None, None, None, duplicate_of="a"),
        ),
        picked=(("a", A[0]),),
        title="Bus sekolah gratis",
        title_translation="Free school buses",
        summary="Twenty free school buses. Parents welcome it.",
        sentences=(
            DigestSentence("Twenty free school buses.", "a", A[0], 0.75),
            DigestSentence("Parents welcome it.", None, None, 0.0),
        ),
        date="2024-07-10",
    )
    text = to_markdown(Digest(stories=(story,), failed=(("c", "HTTP 404"),)))
    assert "## 1. Free school buses" in text
    assert "*2 articles · 2024-07-10 · original title: Bus sekolah gratis*" in text
    assert "Twenty free school buses. [1] Parents welcome it." in text
    assert "1. [Bus sekolah gratis](http://x.test/a) (Warta, 2024-07-10) `a`" in text
    assert "2. b (near-copy of [1]) `b`" in text
    assert "- `c`: HTTP 404" in text
