"""Tests for summarize.extractive: lead-k and TextRank on hand-checkable inputs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from summarize.errors import ConfigError
from summarize.extractive import (
    METHODS,
    lead_k,
    select_sentences,
    sentence_similarity,
    similarity_matrix,
    textrank,
    textrank_scores,
    tokenize,
)
from summarize.text import prepare_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Sentence 2 shares one content word with each of the others; the others share nothing.
HUB = [
    "Kucing memakan ikan segar.",
    "Anjing tidur nyenyak.",
    "Kucing, anjing, burung dan kelinci hidup rukun.",
    "Burung terbang tinggi.",
    "Kelinci melompat jauh.",
]


# --- tokeniser -----------------------------------------------------------------------


def test_tokenize_keeps_non_ascii_letters() -> None:
    assert tokenize("Café Zürich, naïve Ñandú; Kyiv-Київ 2024!") == [
        "café", "zürich", "naïve", "ñandú", "kyiv", "київ", "2024",
    ]  # fmt: skip


def test_tokenize_removes_given_stopwords() -> None:
    assert tokenize("Kucing dan anjing yang lucu", {"dan", "yang"}) == ["kucing", "anjing", "lucu"]
    assert tokenize("") == []


# --- lead-k --------------------------------------------------------------------------


def test_lead_k() -> None:
    assert lead_k(HUB, 2) == [0, 1]
    assert lead_k(HUB) == [0, 1, 2]
    assert lead_k(HUB, 10) == [0, 1, 2, 3, 4]
    assert lead_k(HUB, 0) == []
    assert lead_k([], 3) == []


@pytest.mark.parametrize("k", [-1, 1.5, True, "2"])
def test_bad_k(k: object) -> None:
    with pytest.raises(ConfigError):
        lead_k(HUB, k)  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        textrank(HUB, k)  # type: ignore[arg-type]


# --- similarity ----------------------------------------------------------------------


def test_similarity_formula() -> None:
    a = ["x", "y", "z"]
    b = ["x", "y", "w", "v"]
    assert sentence_similarity(a, b) == pytest.approx(2 / (math.log(3) + math.log(4)))
    assert sentence_similarity(a, ["q"]) == 0.0
    assert sentence_similarity([], a) == 0.0
    assert sentence_similarity(["x"], ["x"]) == 1.0  # log 1 + log 1 = 0


def test_similarity_counts_distinct_common_words() -> None:
    # "x" twice on one side is still one common word; lengths count every token.
    assert sentence_similarity(["x", "x"], ["x", "y"]) == pytest.approx(1 / (2 * math.log(2)))


def test_similarity_matrix_is_symmetric_with_zero_diagonal() -> None:
    m = similarity_matrix([tokenize(s) for s in HUB])
    assert m.shape == (5, 5)
    assert np.allclose(m, m.T)
    assert np.all(np.diag(m) == 0.0)
    assert np.count_nonzero(m[2]) == 4
    assert np.count_nonzero(m[[0, 1, 3, 4]][:, [0, 1, 3, 4]]) == 0


# --- TextRank ------------------------------------------------------------------------


def test_textrank_picks_the_hub() -> None:
    assert textrank(HUB, 1) == [2]
    scores = textrank_scores(HUB)
    assert scores.sum() == pytest.approx(1.0)
    assert int(np.argmax(scores)) == 2


def test_textrank_path_graph_matches_hand_computation() -> None:
    # a - b - c with equal edge weights. With d = 0.85 and n = 3:
    # s_a = s_c = 0.05 + 0.425 s_b and s_b = 0.05 + 0.85 (s_a + s_c)
    # => s_a = s_c = 0.07125 / 0.2775, s_b = 0.05 + 1.7 s_a.
    sentences = ["alpha beta", "beta gamma", "gamma delta"]
    scores = textrank_scores(sentences, tol=1e-12, max_iter=1000)
    s_a = 0.07125 / 0.2775
    assert scores == pytest.approx([s_a, 0.05 + 1.7 * s_a, s_a], abs=1e-9)
    assert textrank(sentences, 1) == [1]


def test_textrank_returns_document_order() -> None:
    result = textrank(HUB, 3)
    assert result == sorted(result)
    assert 2 in result
    assert len(result) == 3


def test_textrank_ties_prefer_earlier_sentences() -> None:
    unrelated = ["Satu kucing.", "Dua anjing.", "Tiga burung.", "Empat kelinci."]
    assert np.allclose(textrank_scores(unrelated), 0.25)
    assert textrank(unrelated, 2) == [0, 1]
    same = ["Kucing hitam tidur."] * 4
    assert textrank(same, 3) == [0, 1, 2]


def test_textrank_ignores_stopwords_by_default() -> None:
    # Only function words are shared: no edges unless stopwords are kept.
    sentences = ["Kucing yang dan di.", "Anjing yang dan di.", "Burung terbang."]
    assert np.allclose(textrank_scores(sentences), 1 / 3)
    kept = textrank_scores(sentences, stopwords=())
    assert kept[0] == pytest.approx(kept[1])
    assert kept[0] > kept[2]


def test_textrank_edge_cases() -> None:
    assert textrank([], 3) == []
    assert textrank(HUB, 0) == []
    assert textrank(["Hanya satu kalimat."], 3) == [0]
    assert textrank(HUB, 99) == [0, 1, 2, 3, 4]
    assert textrank(["", "...", "Kucing."], 2) == [0, 1]


def test_textrank_is_deterministic() -> None:
    article = prepare_article((SEEDS / "002_ab6709e7d6f059ae.txt").read_bytes())
    first = textrank(article.sentences, 3)
    assert first == textrank(article.sentences, 3)
    assert len(first) == 3
    assert all(0 <= i < len(article.sentences) for i in first)


@pytest.mark.parametrize("damping", [0.0, 1.0, -0.5, 1.5])
def test_textrank_bad_damping(damping: float) -> None:
    with pytest.raises(ConfigError, match="damping"):
        textrank(HUB, 2, damping=damping)


def test_textrank_bad_max_iter() -> None:
    with pytest.raises(ConfigError, match="max_iter"):
        textrank_scores(HUB, max_iter=0)


# --- dispatch ------------------------------------------------------------------------


def test_select_sentences() -> None:
    assert METHODS == ("lead", "textrank")
    assert select_sentences(HUB, "lead", 2) == [0, 1]
    assert select_sentences(HUB, "textrank", 1) == [2]
    assert select_sentences(HUB, " TextRank ", 1) == [2]
    with pytest.raises(ConfigError, match="unknown extractive method 'lsa'"):
        select_sentences(HUB, "lsa", 2)
