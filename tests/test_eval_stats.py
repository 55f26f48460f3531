"""Bootstrap CIs and the paired bootstrap test."""

from __future__ import annotations

import time

import numpy as np
import pytest

from summarize.evaluation.metrics.base import mean_aggregate, ratio_aggregate
from summarize.evaluation.metrics.bleu import bleu
from summarize.evaluation.stats import (
    bootstrap_ci,
    bootstrap_signature,
    paired_bootstrap,
    resample_counts,
    resample_indices,
)


def _scores(n: int, seed: int = 0, loc: float = 50.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(loc, 15.0, size=n).clip(0, 100)


def test_counts_match_indices() -> None:
    idx = resample_indices(7, 5, seed=3)
    counts = resample_counts(7, 5, seed=3)
    assert counts.shape == (5, 7)
    assert (counts.sum(axis=1) == 7).all()
    for row_idx, row_counts in zip(idx, counts, strict=True):
        assert (np.bincount(row_idx, minlength=7) == row_counts).all()


def test_ci_is_deterministic_and_contains_estimate() -> None:
    x = _scores(150)
    a = bootstrap_ci(x, mean_aggregate, resamples=1000, seed=42)
    b = bootstrap_ci(x, mean_aggregate, resamples=1000, seed=42)
    c = bootstrap_ci(x, mean_aggregate, resamples=1000, seed=43)
    assert a == b
    assert (a.low, a.high) != (c.low, c.high)
    assert a.score == pytest.approx(x.mean())
    assert a.contains(a.score)
    assert a.low < a.score < a.high
    assert a.signature == "bootstrap|percentile|ci:95|n:1000|seed:42"
    assert bootstrap_signature(200, None) == "bootstrap|percentile|ci:95|n:200|seed:none"


def test_ci_matches_explicit_resampling() -> None:
    x = _scores(40, seed=5)
    idx = resample_indices(40, 300, seed=9)
    explicit = np.quantile(x[idx].mean(axis=1), [0.025, 0.975])
    ci = bootstrap_ci(x, mean_aggregate, resamples=300, seed=9)
    assert (ci.low, ci.high) == pytest.approx(tuple(explicit))


def test_ci_narrows_with_more_data() -> None:
    small = bootstrap_ci(_scores(30), mean_aggregate, seed=1)
    large = bootstrap_ci(_scores(3000), mean_aggregate, seed=1)
    assert (large.high - large.low) < (small.high - small.low) / 5


def test_degenerate_cis() -> None:
    constant = bootstrap_ci(np.full(20, 7.0), mean_aggregate, seed=0)
    assert constant.low == constant.high == constant.score == 7.0
    empty = bootstrap_ci(np.zeros((0, 1)), mean_aggregate, seed=0)
    assert np.isnan(empty.score) and np.isnan(empty.low)
    # ratio statistics where no item is defined: NaN, not a crash
    undefined = bootstrap_ci(np.zeros((5, 2)), ratio_aggregate, seed=0)
    assert np.isnan(undefined.score)
    with pytest.raises(ValueError):
        bootstrap_ci(np.ones(3), mean_aggregate, resamples=0)


def test_corpus_bleu_ci_uses_sufficient_statistics() -> None:
    rng = np.random.default_rng(0)
    words = "the alliance will keep supporting ukraine for as long as it takes".split()
    refs = [" ".join(rng.permutation(words)[:8]) for _ in range(60)]
    hyps = [" ".join(r.split()[:6]) for r in refs]
    out = bleu(hyps, refs)
    ci = bootstrap_ci(out.stats, out.aggregate, resamples=200, seed=1)
    assert ci.score == pytest.approx(out.score)
    assert ci.low <= out.score <= ci.high
    # one resample recomputed by hand: corpus BLEU of the resampled sentences
    import sacrebleu

    idx = resample_indices(60, 1, seed=11)[0]
    by_hand = sacrebleu.corpus_bleu([hyps[i] for i in idx], [[refs[i] for i in idx]]).score
    counts = resample_counts(60, 1, seed=11)
    assert out.aggregate(counts @ out.stats, 60)[0] == pytest.approx(by_hand, abs=1e-9)


def test_paired_test_small_p_for_clearly_better_system() -> None:
    a = _scores(150, seed=1, loc=40)
    b = a + 10.0
    res = paired_bootstrap(a, b, mean_aggregate, resamples=1000, seed=12345)
    assert res.delta == pytest.approx(10.0)
    assert res.p_value < 0.01
    assert res.win_rate == 1.0
    assert res.signature == "paired-bs|n:1000|seed:12345"
    same = paired_bootstrap(a, a, mean_aggregate, seed=1)
    assert same.delta == 0.0 and same.p_value == 1.0
    noisy = paired_bootstrap(
        a, a + np.random.default_rng(2).normal(0, 5, 150), mean_aggregate, seed=1
    )
    assert noisy.p_value > 0.05
    with pytest.raises(ValueError):
        paired_bootstrap(a, a[:10], mean_aggregate)


def test_paired_test_reproduces_sacrebleu_paired_bs() -> None:
    from sacrebleu.metrics import BLEU
    from sacrebleu.significance import _paired_bs_test

    rng = np.random.default_rng(4)
    vocab = (
        "nato ministers met in bucharest and condemned the attacks on ukraine energy grid".split()
    )
    refs = [" ".join(rng.choice(vocab, 10)) for _ in range(80)]
    sys_a = [" ".join(w if rng.random() > 0.35 else "x" for w in r.split()) for r in refs]
    sys_b = [" ".join(w if rng.random() > 0.30 else "y" for w in r.split()) for r in refs]
    metric = BLEU()
    a_stats = metric._extract_corpus_statistics(sys_a, [refs])
    a_res = metric._aggregate_and_compute(a_stats)
    _, res = _paired_bs_test(
        {"BLEU": (a_stats, a_res)}, "b", sys_b, [refs], {"BLEU": metric}, n_samples=500, seed=7
    )
    ours_a, ours_b = bleu(sys_a, refs), bleu(sys_b, refs)
    ours = paired_bootstrap(ours_a.stats, ours_b.stats, ours_a.aggregate, resamples=500, seed=7)
    assert ours.score_b == pytest.approx(res["BLEU"].score)
    assert 0.001 < ours.p_value < 1.0
    assert ours.p_value == pytest.approx(res["BLEU"].p_value)


def test_fast_enough_for_indosum_sized_runs() -> None:
    a, b = _scores(150, 1), _scores(150, 2)
    start = time.perf_counter()
    counts = resample_counts(150, 1000, seed=0)
    for _ in range(3):  # ROUGE-1/2/L
        bootstrap_ci(a, mean_aggregate, counts=counts)
        bootstrap_ci(b, mean_aggregate, counts=counts)
        paired_bootstrap(a, b, mean_aggregate, counts=counts)
    assert time.perf_counter() - start < 2.0
