"""The demo under load: ``python -m summarize.bench --demo-load``.

Starts the Gradio demo twice in this process with the tiny random-weight models (once
with ``article_batch_size=1``: one request at a time, once batched), and has
``--users`` concurrent ``gradio_client`` users (each its own process) send ``--requests`` article requests each
(a different seed article per request). Prints the failures and the p50/p95/max latency
of both runs and the p95 ratio. A benchmark, not a test: both runs share this machine's
load, so compare them only with each other.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarize.config import DEFAULT_BATCH_SIZE

REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _articles() -> list[str]:
    seeds = sorted((REPO_ROOT / "seeds").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in seeds] or ["Presiden meresmikan jalan tol."]


def _ask(url: str, models: tuple[str, str], text: str, client: Any = None) -> None:
    from gradio_client import Client

    client = client or Client(
        url, verbose=False, analytics_enabled=False, httpx_kwargs={"timeout": 600}
    )
    client.predict(
        text, None, "translate-summarize", models[0], models[1], "medium",
        api_name="/summarize_article",
    )  # fmt: skip


def _user(url: str, models: tuple[str, str], texts: list[str], barrier: Any, results: Any) -> None:
    """One user in its own process (no GIL shared with the server): its requests one
    after the other, each latency (or failure) put on ``results``."""
    from gradio_client import Client

    client = Client(url, verbose=False, analytics_enabled=False, httpx_kwargs={"timeout": 600})
    barrier.wait()
    for text in texts:
        start = time.perf_counter()
        try:
            _ask(url, models, text, client)
        except Exception as exc:  # counted and shown, not raised
            results.put((False, f"{type(exc).__name__}: {exc}"))
            continue
        results.put((True, time.perf_counter() - start))


def run_load(
    tiny: dict[str, str], batch_size: int, users: int, requests: int, max_new_tokens: int | None
) -> dict[str, Any]:

    from summarize.demo import DemoConfig, build_demo, launch_kwargs
    from summarize.demo.config import DEFAULT_PIPELINE
    from summarize.types import GenerationSettings

    settings: dict[str, Any] = {}
    if max_new_tokens:  # else the demo's own generation settings (what a user gets)
        gen = GenerationSettings(num_beams=1, max_new_tokens=max_new_tokens)
        settings = {"translation": gen, "summary": gen}
    config = DemoConfig(
        port=_free_port(),
        pipeline=DEFAULT_PIPELINE.replace(
            mt_model=tiny["marian"], sum_model=tiny["bart"], **settings
        ),
        workdir=Path(tempfile.mkdtemp(prefix="summarize-demo-load-")),
        preload=False,
        article_batch_size=batch_size,
        queue_size=None,
    )
    demo = build_demo(config)
    demo.launch(**launch_kwargs(config), prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{config.port}/"
    texts = _articles()
    args = (config.mt_model, config.sum_model)
    try:
        _ask(url, args, texts[0])  # load the models
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(users + 1)
        results = ctx.Queue()
        procs = [
            ctx.Process(
                target=_user,
                args=(
                    url,
                    args,
                    [f"Berita {i}-{r}. " + texts[(i + r) % len(texts)] for r in range(requests)],
                    barrier,
                    results,
                ),
                daemon=True,
            )
            for i in range(users)
        ]
        for proc in procs:
            proc.start()
        barrier.wait(timeout=600)  # every user has its client: start together
        start = time.perf_counter()
        latencies: list[float] = []
        failures: list[str] = []
        for _ in range(users * requests):
            ok, value = results.get(timeout=1800)
            (latencies if ok else failures).append(value)
        wall = time.perf_counter() - start
        for proc in procs:
            proc.join(60)
    finally:
        demo.close()
    return {
        "batch_size": batch_size,
        "ok": len(latencies),
        "failures": failures,
        "p50": _percentile(latencies, 50),
        "p95": _percentile(latencies, 95),
        "max": max(latencies, default=float("nan")),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "wall": wall,
    }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m summarize.bench --demo-load",
        description="Concurrent gradio_client users against the demo, with and without "
        "article batching, tiny models.",
    )
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--requests", type=int, default=3, help="article requests per user")
    p.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help="article_batch_size when batched",
    )
    p.add_argument(
        "--max-new-tokens",
        type=int,
        default=None,
        help="greedy decoding with this many new tokens (default: the demo's own settings, "
        "4 beams, up to 256 tokens per sentence and 142 per summary)",
    )
    p.add_argument("--tiny-dir", default=os.environ.get("SUMMARIZE_TINY_DIR"))
    args = p.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from summarize.testing import build_tiny_models

    tiny = build_tiny_models(args.tiny_dir or tempfile.mkdtemp(prefix="summarize-tiny-"))
    print(
        f"{args.users} users x {args.requests} article requests, tiny models, "
        + (
            f"greedy, max_new_tokens {args.max_new_tokens}"
            if args.max_new_tokens
            else "the demo's generation settings"
        ),
        flush=True,
    )
    rows = []
    for size in (1, args.batch_size):
        row = run_load(tiny, size, args.users, args.requests, args.max_new_tokens)
        rows.append(row)
        label = "without batching" if size == 1 else f"batched (max {size})"
        print(
            f"{label:<20} ok {row['ok']:>3}  failures {len(row['failures']):>2}  "
            f"p50 {row['p50']:6.2f} s  p95 {row['p95']:6.2f} s  max {row['max']:6.2f} s  "
            f"wall {row['wall']:6.2f} s",
            flush=True,
        )
        for failure in row["failures"][:3]:
            print(f"  failure: {failure}", flush=True)
    base, batched = rows
    print(f"p95 batched / unbatched: {batched['p95'] / base['p95']:.2f}", flush=True)
    print(f"p50 batched / unbatched: {batched['p50'] / base['p50']:.2f}", flush=True)
    return 0 if not (base["failures"] or batched["failures"]) else 1
