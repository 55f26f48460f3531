"""Throughput benchmark: plain transformers vs the project's fast path.

Run ``python -m summarize.bench`` (``--help`` for options). Random-weight models with
the real architectures and sizes are built once (:mod:`summarize.bench.models`), the
seed articles are repeated to a fixed workload (:mod:`summarize.bench.workload`) and
each system runs in its own process (:mod:`summarize.bench.workers`); results go to
``bench/results/latest.{json,md}``. This is a benchmark, not a test: timings on a
shared machine are noisy, so both systems are measured side by side in one run.
"""
