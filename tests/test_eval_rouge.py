"""ROUGE: golden values against rouge-score itself, hand-computed cases, the Unicode
tokenizer, stemming rules, rougeLsum splitting and degenerate inputs."""

from __future__ import annotations

import pytest
from rouge_score import rouge_scorer

from summarize.errors import ConfigError
from summarize.evaluation.metrics import compute_metrics
from summarize.evaluation.metrics.rouge import (
    RougeSettings,
    UnicodeTokenizer,
    lsum_sentences,
    rouge,
    score_pair,
)

ENGLISH = [
    (
        "The quick brown fox jumps over the lazy dog",
        "The quick brown dog jumps on the log.",
    ),
    (
        "Police killed the gunman.\nThe suspect had fled on foot.",
        "The gunman was shot dead by police.\nHe ran away before.",
    ),
    ("NATO ministers met in Bucharest on 29 November", "NATO foreign ministers meet in Bucharest"),
]


@pytest.mark.parametrize("stem", [False, True])
def test_default_tokenizer_equals_rouge_score(stem: bool) -> None:
    types = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    settings = RougeSettings(tokenizer="default", stemmer=stem, lang="en", lsum="newline")
    ours = rouge([p for p, _ in ENGLISH], [r for _, r in ENGLISH], settings)
    reference = rouge_scorer.RougeScorer(types, use_stemmer=stem)
    for (pred, ref), item in zip(ENGLISH, ours.per_item, strict=True):
        expected = reference.score(ref, pred)  # rouge-score's order: (target, prediction)
        for t in types:
            assert item[t]["precision"] == pytest.approx(expected[t].precision, abs=1e-12)
            assert item[t]["recall"] == pytest.approx(expected[t].recall, abs=1e-12)
            assert item[t]["fmeasure"] == pytest.approx(expected[t].fmeasure, abs=1e-12)


def test_unicode_tokenizer_matches_default_on_plain_ascii() -> None:
    from rouge_score.tokenizers import DefaultTokenizer

    default = DefaultTokenizer()
    ours = UnicodeTokenizer()
    for pred, ref in ENGLISH:
        assert ours.tokenize(pred) == default.tokenize(pred)
        assert ours.tokenize(ref) == default.tokenize(ref)


def test_hand_computed_values() -> None:
    # 6 tokens each; common unigrams: the x2, cat, on, mat = 5; bigrams: the cat, on the,
    # the mat = 3 of 5; LCS "the cat on the mat" = 5.
    s = score_pair("the cat sat on the mat", "the cat is on the mat")
    assert s["rouge1"]["fmeasure"] == pytest.approx(5 / 6)
    assert s["rouge2"]["precision"] == pytest.approx(3 / 5)
    assert s["rouge2"]["recall"] == pytest.approx(3 / 5)
    assert s["rougeL"]["fmeasure"] == pytest.approx(5 / 6)
    # precision 2/2, recall 2/4 -> F1 = 2 * 1 * 0.5 / 1.5
    s = score_pair("police said", "police said on monday")
    assert s["rouge1"]["precision"] == pytest.approx(1.0)
    assert s["rouge1"]["recall"] == pytest.approx(0.5)
    assert s["rouge1"]["fmeasure"] == pytest.approx(2 / 3)


def test_unicode_tokens_kept_intact() -> None:
    tok = UnicodeTokenizer()
    assert tok.tokenize("Cristóbal Colón tiba di Ukraina.") == [
        "cristóbal",
        "colón",
        "tiba",
        "di",
        "ukraina",
    ]
    assert tok.tokenize("Krisis ekonomi-politik negara-negara") == [
        "krisis",
        "ekonomi-politik",
        "negara-negara",
    ]
    # a decomposed accent (o + U+0301) is normalised, not split
    assert tok.tokenize("Cristo\u0301bal") == ["cristóbal"]
    assert tok.tokenize("Москва и Київ") == ["москва", "и", "київ"]
    # the default rouge-score tokenizer breaks these apart or drops them
    from rouge_score.tokenizers import DefaultTokenizer

    assert DefaultTokenizer().tokenize("Cristóbal") == ["crist", "bal"]
    assert DefaultTokenizer().tokenize("Москва") == []


def test_non_latin_scores_with_unicode_tokenizer_only() -> None:
    pred, ref = "Москва и Київ", "Москва и Київ"
    assert score_pair(pred, ref)["rouge1"]["fmeasure"] == pytest.approx(1.0)
    default = RougeSettings(tokenizer="default")
    assert score_pair(pred, ref, default)["rouge1"]["fmeasure"] == 0.0


def test_stemming_english_only() -> None:
    with pytest.raises(ConfigError, match="English-only"):
        RougeSettings(stemmer=True, lang="id")
    settings = RougeSettings(stemmer=True, lang="en")
    assert settings.signature().startswith("rouge|tok:unicode|stem:porter|")
    s = score_pair("the ministers were meeting", "the minister meets", settings)
    assert s["rouge1"]["recall"] == pytest.approx(1.0)


def test_signature_records_settings() -> None:
    assert RougeSettings(lsum="newline").signature() == (
        "rouge|tok:unicode|stem:no|lsum:newline|v:rouge-score-0.1.2"
    )
    assert "tok:default" in RougeSettings(tokenizer="default").signature()
    with pytest.raises(ConfigError):
        RougeSettings(tokenizer="whitespace")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        RougeSettings(types=("rouge0x",))


def test_lsum_splits_text_without_newlines() -> None:
    text = "NATO ministers met in Bucharest. They condemned the attacks."
    assert lsum_sentences(text, "newline") == [text]
    assert lsum_sentences(text, "newline-or-split") == [
        "NATO ministers met in Bucharest.",
        "They condemned the attacks.",
    ]
    assert lsum_sentences("a b.\nc d.", "newline-or-split") == ["a b.", "c d."]
    # the splitting changes rougeLsum (summary-level LCS) but not rougeL
    pred = "They condemned the attacks. NATO ministers met in Bucharest."
    split = score_pair(pred, text, RougeSettings(lsum="newline-or-split"))
    plain = score_pair(pred, text, RougeSettings(lsum="newline"))
    assert split["rougeLsum"]["fmeasure"] == pytest.approx(1.0)
    assert plain["rougeLsum"]["fmeasure"] < 1.0
    assert split["rougeL"] == plain["rougeL"]


def test_degenerate_inputs() -> None:
    for pred, ref in [("", "a reference"), ("a prediction", ""), ("", ""), ("...", "!!")]:
        s = score_pair(pred, ref)
        assert all(v["fmeasure"] == 0.0 for v in s.values())
    empty = rouge([], [])
    assert empty.per_item == ()
    assert empty.mean["rouge1"]["fmeasure"] == 0.0
    outs = compute_metrics(["rouge1", "rougeLsum"], ["", ""], ["", ""], ["", ""])
    assert outs["rouge1"].score == 0.0 and outs["rougeLsum"].score == 0.0
    with pytest.raises(ValueError):
        rouge(["a"], [])


def test_corpus_score_is_mean_of_items_in_percent() -> None:
    preds = ["the cat sat on the mat", "police said"]
    refs = ["the cat is on the mat", "police said on monday"]
    out = compute_metrics(["rouge1"], preds, refs, ["", ""])["rouge1"]
    assert out.score == pytest.approx(100 * (5 / 6 + 2 / 3) / 2)
    assert out.per_item == pytest.approx((100 * 5 / 6, 100 * 2 / 3))
    assert out.details["precision"] == pytest.approx(100 * (5 / 6 + 1.0) / 2)
