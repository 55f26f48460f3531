"""BLEU and chrF: sacrebleu's own published test values, sufficient statistics that
recompute the corpus score, sentence scores, signatures and degenerate inputs."""

from __future__ import annotations

import numpy as np
import pytest
import sacrebleu

from summarize.evaluation.metrics import compute_metrics
from summarize.evaluation.metrics.bleu import bleu, bleu_from_sums
from summarize.evaluation.metrics.chrf import chrf, chrf_plus_plus

# sacrebleu's README / test_bleu.py example (two reference streams)
REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]
HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
PER_ITEM = [list(r) for r in zip(*REFS, strict=True)]


@pytest.mark.parametrize(
    ("hyps", "options", "expected"),
    [
        (HYPS, {}, 48.530827),
        (["", "", ""], {}, 0.0),
        (HYPS, {"tokenize": "none"}, 49.1919566),
        (HYPS, {"tokenize": "13a"}, 48.530827),
        (HYPS, {"tokenize": "intl"}, 43.91623493),
        (HYPS, {"smooth_method": "none"}, 48.530827),
    ],
)
def test_bleu_published_values(hyps: list[str], options: dict, expected: float) -> None:
    assert bleu(hyps, PER_ITEM, **options).score == pytest.approx(expected, abs=1e-6)


def test_bleu_single_reference_matches_sacrebleu() -> None:
    refs = REFS[0]
    ours = bleu(HYPS, refs)
    assert ours.score == pytest.approx(sacrebleu.corpus_bleu(HYPS, [refs]).score, abs=1e-12)
    # sentence scores are sacrebleu.sentence_bleu (effective order)
    expected = [sacrebleu.sentence_bleu(h, [r]).score for h, r in zip(HYPS, refs, strict=True)]
    assert ours.sentence_scores == pytest.approx(expected, abs=1e-12)
    # corpus BLEU is not the mean of sentence BLEU ...
    assert ours.score != pytest.approx(np.mean(expected))
    # ... but is recomputed exactly from summed sufficient statistics
    assert bleu_from_sums(ours.stats.sum(axis=0)) == pytest.approx(ours.score, abs=1e-12)
    assert ours.stats.shape == (3, 10)


def test_identical_sentences_score_100() -> None:
    sents = ["Stoltenberg said the alliance would keep supporting Ukraine for as long as needed."]
    assert bleu(sents, sents).score == pytest.approx(100.0)
    assert chrf(sents, sents).score == pytest.approx(100.0)
    assert chrf_plus_plus(sents, sents).score == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("hyps", "refs", "expected"),
    [
        (["abcdefg"], ["hijklmnop"], 0.0),
        ([""], ["reference"], 0.0),
        (["aa"], ["ab"], 8.3333),
        (["a", "b"], ["a", "c"], 8.3333),
        (["a b c"], ["a b c"], 50.0),
    ],
)
def test_chrf_published_values_eps_smoothing(
    hyps: list[str], refs: list[str], expected: float
) -> None:
    assert chrf(hyps, refs, eps_smoothing=True).score == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("hyps", "refs", "expected"),
    [
        (["a"], ["a"], 100.0),
        (["a", "b"], ["a", "c"], 50.0),
        (["aa"], ["ab"], 25.0),
        ([""], ["c"], 0.0),
    ],
)
def test_chrf_published_values_effective_order(
    hyps: list[str], refs: list[str], expected: float
) -> None:
    assert chrf(hyps, refs).score == pytest.approx(expected, abs=1e-4)


def test_chrf_sentence_level_published_value() -> None:
    hyp = "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře."
    ref = "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."
    out = chrf([hyp], [ref], eps_smoothing=True)
    assert out.sentence_scores[0] == pytest.approx(39.14078509, abs=1e-4)


def test_chrf_plus_plus_matches_sacrebleu() -> None:
    refs = REFS[1]
    ours = chrf_plus_plus(HYPS, refs)
    theirs = sacrebleu.corpus_chrf(HYPS, [refs], word_order=2)
    assert ours.score == pytest.approx(theirs.score, abs=1e-12)
    expected = [
        sacrebleu.sentence_chrf(h, [r], word_order=2).score for h, r in zip(HYPS, refs, strict=True)
    ]
    assert ours.sentence_scores == pytest.approx(expected, abs=1e-12)


def test_signatures() -> None:
    assert bleu(HYPS, REFS[0]).signature == (
        f"BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:{sacrebleu.__version__}"
    )
    assert chrf(HYPS, REFS[0]).signature.startswith("chrF|nrefs:1|case:mixed|eff:yes|nc:6|nw:0")
    assert chrf_plus_plus(HYPS, REFS[0]).signature.startswith("chrF++|nrefs:1|")
    assert "nw:2" in chrf_plus_plus(HYPS, REFS[0]).signature


def test_empty_corpus_and_empty_strings() -> None:
    assert bleu([], []).score == 0.0
    assert chrf([], []).score == 0.0
    outs = compute_metrics(["bleu", "chrf", "chrf++"], ["", ""], ["", "x"], ["", ""])
    assert outs["bleu"].score == 0.0
    assert outs["chrf"].score == 0.0
    outs = compute_metrics(["bleu", "chrf"], [], [], [])
    assert outs["bleu"].score == 0.0 and outs["chrf"].stats is not None
    with pytest.raises(ValueError):
        bleu(["a"], ["a", "b"])
