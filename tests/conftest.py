"""Shared fixtures: tiny random-weight models built once per test session, and the seeds."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Tests never touch the network: any accidental hub access fails fast.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

# Evaluation data: the session's own data cache (never the user's ~/.cache), unless
# SUMMARIZE_DATA is set (CI may point it at a folder in the cache layout). The
# `evaldata` fixture fills it from a local server; nothing is fetched from the internet.
os.environ.pop("SUMMARIZE_DATA_MIRROR", None)
if not os.environ.get("SUMMARIZE_DATA"):
    os.environ["SUMMARIZE_DATA"] = tempfile.mkdtemp(prefix="summarize-test-data-")
    atexit.register(shutil.rmtree, os.environ["SUMMARIZE_DATA"], True)
#: Where CI keeps the real evaluation files beside the checkout (tests only; the package
#: knows nothing of it). Served on 127.0.0.1 to fill the data cache when present.
SHARED_EVALDATA = ROOT.parent / "shared" / "evaldata"
#: The data sets the tests on real data read.
REAL_DATASETS = ("nusax-mt", "tatoeba", "talpco", "indosum")
#: Tiny stand-ins in the cache layout, for tests that need a data set but not its content.
FIXTURE_DATA = ROOT / "tests" / "data" / "evaldata"


@pytest.fixture(scope="session")
def evaldata() -> Path:
    """The data cache holding the real data sets of :data:`REAL_DATASETS`, pulled through
    the real download code from a local server that serves ``../shared/evaldata``; skips
    when they are neither cached nor there to serve."""
    from summarize.evaluation.data import data_dir, status
    from summarize.evaluation.download import pull
    from summarize.testing.fileserver import serve_directory

    missing = [name for name in REAL_DATASETS if not status(name).ready]
    if missing and not SHARED_EVALDATA.is_dir():
        pytest.skip(
            f"needs the real data sets {', '.join(missing)}: not in the test session's data "
            f"cache and no {SHARED_EVALDATA} to serve them from on 127.0.0.1 (to run it: "
            f"`summarize data pull {' '.join(missing)}`, then SUMMARIZE_DATA=<that cache>)"
        )
    if missing:
        with serve_directory(SHARED_EVALDATA) as url:
            for name in missing:
                pull(name, mirror=url, progress=False)
    return data_dir()


@dataclass
class TinyData:
    """The fixture data sets served on 127.0.0.1, with their own data cache."""

    url: str
    cache: Path

    def pull(self, name: str = "nusax-mt") -> Path:
        from summarize.evaluation.download import pull

        return pull(name, mirror=self.url, progress=False).folder


@pytest.fixture()
def tiny_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TinyData]:
    """``nusax-mt`` swapped for the tiny files of tests/data/evaldata (their checksums in
    the table), those files served by a local server (SUMMARIZE_DATA_MIRROR) and an empty
    data cache (SUMMARIZE_DATA). ``tiny_data.pull()`` fetches them with the real code."""
    import dataclasses

    from summarize.evaluation import data
    from summarize.testing.fileserver import serve_directory

    real = data.get_dataset("nusax-mt")
    folder = FIXTURE_DATA / real.folder
    files = tuple(
        dataclasses.replace(
            f, url="https://example.invalid/not-used", sha256=data.file_sha256(folder / f.name)
        )
        for f in real.files
    )
    monkeypatch.setitem(data.DATASETS, "nusax-mt", dataclasses.replace(real, files=files))
    cache = tmp_path / "data-cache"
    monkeypatch.setenv("SUMMARIZE_DATA", str(cache))
    with serve_directory(FIXTURE_DATA) as url:
        monkeypatch.setenv("SUMMARIZE_DATA_MIRROR", url)
        yield TinyData(url, cache)


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
