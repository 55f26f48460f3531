"""Shared fixtures: tiny random-weight models built once per test session, and the seeds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Tests never touch the network: any accidental hub access fails fast.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """name -> path of every tiny model (marian, bart, t5, mt5, mt5_crosssum, m2m100, nllb...).

    Set SUMMARIZE_TINY_DIR to reuse a directory between test runs.
    """
    from summarize.testing import build_tiny_models

    out = os.environ.get("SUMMARIZE_TINY_DIR") or str(tmp_path_factory.mktemp("tiny"))
    return build_tiny_models(out)


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_texts(seed_paths: list[Path]) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in seed_paths}


@pytest.fixture(scope="session")
def news_site() -> Any:
    """The local test news site (seeds in site chrome, feeds, bad links) on 127.0.0.1."""
    from summarize.testing.newssite import NewsSite

    with NewsSite(SEEDS, slow_seconds=3.0) as site:
        yield site


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item (``item.rep_call``), so that fixtures
    can tell in their teardown whether the test failed (the browser test saves a
    screenshot then)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
