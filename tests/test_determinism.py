"""Same records for the same input, whatever the batch size, the engine, the actor count or
an interruption (``batching = "article"``, the default).

A record must be a pure function of its article, the configuration and the models: model
batches are formed within one article, CTranslate2's split of a batch does not depend on
its worker count, and the caches cannot change a result. Checked on the records the CLI
and the Ray engine write (every field but ``timings`` and the batch size in
``settings``), and on the batches the real engine is given (the invariant itself, which
``batching = "throughput"`` breaks: the tests can fail).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarize.bench.determinism import comparable
from summarize.config import BATCHINGS, PipelineConfig
from summarize.pipeline import Pipeline
from summarize.testing.corpus import FALLBACK_INDONESIAN
from summarize.types import GenerationSettings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: Short outputs keep the tiny random models quick (they rarely stop on their own).
SHORT = ["--num-beams", "2", "--max-translation-length", "12", "--max-length", "12"]


def _articles(n: int = 24) -> list[dict[str, Any]]:
    """Articles that share sentences in different mixes (so caches and cross-article
    batches would matter), of 1 to 6 sentences, some with a title, and one bad record."""
    sents = FALLBACK_INDONESIAN
    out: list[dict[str, Any]] = []
    for i in range(n):
        text = " ".join(sents[(i * 5 + k * 3) % len(sents)] for k in range(1 + i % 6))
        out.append({"id": f"a{i}", "text": text, "title": f"Berita {i}" if i % 4 == 0 else None})
    out.insert(n // 2, {"id": "bad", "text": 42})
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    path = tmp_path_factory.mktemp("inputs") / "articles.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _articles()), encoding="utf-8"
    )
    return [str(SEEDS), str(path)]


def _jsonl(path: Path) -> dict[str, str]:
    """The records of a JSONL output by id (each id once)."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert record["id"] not in out, f"{record['id']} written twice"
        out[record["id"]] = comparable(record)
    return out


def _cli(args: list[str]) -> Any:
    from click.testing import CliRunner

    from summarize.cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False)


def _models(tiny_models: dict[str, str]) -> list[str]:
    return ["--mt-model", tiny_models["marian"], "--sum-model", tiny_models["bart"]]


# -- the invariant, on the batches the engine is given ---------------------------------


@pytest.fixture()
def recorded_batches() -> Iterator[list[tuple[str, ...]]]:
    """Every batch of texts given to the engine (the real engine runs them)."""
    from summarize.engines.ct2.engine import CTranslate2Engine

    seen: list[tuple[str, ...]] = []
    real = CTranslate2Engine.generate_many

    def recording(self: Any, jobs: Any, **kw: Any) -> Any:
        seen.extend(tuple(texts) for texts, _ in jobs)
        return real(self, jobs, **kw)

    CTranslate2Engine.generate_many = recording  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        CTranslate2Engine.generate_many = real  # type: ignore[method-assign]


def _config(tiny_models: dict[str, str], **changes: Any) -> PipelineConfig:
    return PipelineConfig(
        mt_model=tiny_models["marian"],
        sum_model=tiny_models["bart"],
        backend="ctranslate2",
        translation=GenerationSettings(num_beams=2, max_new_tokens=12),
        summary=GenerationSettings(num_beams=2, max_new_tokens=12),
        **changes,
    )


@pytest.mark.parametrize("batching", list(BATCHINGS))
def test_model_batches_do_not_depend_on_the_article_batch(
    tiny_models: dict[str, str], recorded_batches: list[tuple[str, ...]], batching: str
) -> None:
    pytest.importorskip("ctranslate2")
    records = [r for r in _articles() if r["id"] != "bad"]
    seen: dict[int, list[tuple[str, ...]]] = {}
    for size in (3, 8):
        recorded_batches.clear()
        pipe = Pipeline(_config(tiny_models, batching=batching))
        assert all(r.ok for r in pipe.run(records, batch_size=size))
        seen[size] = sorted(set(recorded_batches))  # a batch seen before is served cached
    if batching == "article":  # the same model batches, whatever the article batch
        assert seen[3] == seen[8]
    else:  # across articles: the article batch size changes the model batches
        assert seen[3] != seen[8]


def test_ct2_split_of_a_batch_does_not_depend_on_its_workers(tiny_models: dict[str, str]) -> None:
    pytest.importorskip("ctranslate2")
    from summarize.engines.factory import load_engine

    one = load_engine(
        tiny_models["marian"], backend="ctranslate2", inter_threads=1, intra_threads=1
    )
    two = load_engine(
        tiny_models["marian"], backend="ctranslate2", inter_threads=2, intra_threads=1
    )
    settings = GenerationSettings(num_beams=2, max_new_tokens=12)
    for n in (1, 2, 7, 16):
        assert one.translate_options(settings, n) == two.translate_options(settings, n)  # type: ignore[attr-defined]
    texts = list(FALLBACK_INDONESIAN[:9])
    assert one.generate(texts, settings).texts == two.generate(texts, settings).texts


def test_the_cache_cannot_change_a_record(tiny_models: dict[str, str]) -> None:
    """An article after others (a warm cache, shared sentences) is written as alone."""
    pytest.importorskip("ctranslate2")
    records = [r for r in _articles() if r["id"] != "bad"]
    alone = {}
    for r in records[-3:]:
        (result,) = Pipeline(_config(tiny_models)).process_batch([r])
        alone[r["id"]] = comparable(result.to_dict())
    warm = Pipeline(_config(tiny_models))
    results = list(warm.run(records, batch_size=5))
    assert warm.translator.stats.cache_hits > 0  # the cache served repeats
    for result in results[-3:]:
        assert comparable(result.to_dict()) == alone[result.id]


# -- the records the CLI and the Ray engine write -----------------------------------------


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_local_batch_sizes_write_the_same_records(
    tiny_models: dict[str, str], inputs: list[str], tmp_path: Path, backend: str
) -> None:
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    got = {}
    for size in (3, 8):
        out = tmp_path / f"b{size}.jsonl"
        result = _cli(
            ["run", *inputs, "-o", str(out), "-b", str(size), "--backend", backend]
            + _models(tiny_models)
            + [*SHORT, "--no-progress"]
        )
        assert result.exit_code == 1, result.output  # the one bad record
        got[size] = _jsonl(out)
    assert len(got[3]) == 5 + len(_articles())
    assert got[3] == got[8]


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real local Ray for this module (2 CPUs); actors share the CTranslate2 cache."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("pyarrow")
    cache = tmp_path_factory.mktemp("ct2-cache")
    old = os.environ.get("SUMMARIZE_CACHE")
    os.environ["SUMMARIZE_CACHE"] = str(cache)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
        if old is None:
            os.environ.pop("SUMMARIZE_CACHE", None)
        else:
            os.environ["SUMMARIZE_CACHE"] = old


def test_ray_with_one_and_two_actors_writes_the_local_records(
    ray_address: str, tiny_models: dict[str, str], inputs: list[str], tmp_path: Path
) -> None:
    pytest.importorskip("ctranslate2")
    from summarize.distributed import RayOptions, read_results
    from summarize.jobs import run_on_ray as ray_run

    local = tmp_path / "local.jsonl"
    result = _cli(
        ["run", *inputs, "-o", str(local), "-b", "8", "--backend", "ctranslate2"]
        + _models(tiny_models)
        + [*SHORT, "--no-progress"]
    )
    assert result.exit_code == 1, result.output
    expected = _jsonl(local)
    config = _config(tiny_models)
    for actors, size in ((1, 3), (2, 8)):
        out = tmp_path / f"ray-{actors}"
        ray_run(
            inputs,
            out,
            config,
            RayOptions(address=ray_address, actors=actors, batch_size=size, output_format="jsonl"),
        )
        got = {r["id"]: comparable(r) for r in read_results(out)}
        assert got.keys() == expected.keys()
        differ = [k for k in expected if got[k] != expected[k]]
        assert not differ, f"{actors} actor(s): {len(differ)} records differ, e.g. {differ[:3]}"


def _wait_for_lines(path: Path, n: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        lines = path.read_bytes().count(b"\n") if path.exists() else 0
        if lines >= n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"the run ended (exit {proc.returncode}) before it was killed")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the run")
        time.sleep(0.05)


def test_a_run_killed_twice_and_resumed_writes_the_same_records(
    tiny_models: dict[str, str], inputs: list[str], tmp_path: Path
) -> None:
    args = (
        [sys.executable, "-m", "summarize", "run", *inputs]
        + _models(tiny_models)
        + [*SHORT, "--no-progress", "-b", "2"]
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    whole = tmp_path / "whole.jsonl"
    done = subprocess.run([*args, "-o", str(whole)], env=env, capture_output=True, timeout=900)
    assert done.returncode == 1, done.stderr.decode()
    expected = _jsonl(whole)

    out = tmp_path / "killed.jsonl"
    kills = [0]
    for _ in range(2):  # killed twice, each time after a few more records
        resume = ["--resume"] if out.exists() else []
        proc = subprocess.Popen(
            [*args, "-o", str(out), *resume],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_lines(out, kills[-1] + 3, proc, timeout=600)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        kills.append(out.read_bytes().count(b"\n"))
    assert 0 < kills[1] < kills[2] < len(expected), kills  # each kill was mid-run
    resumed = subprocess.run(
        [*args, "-o", str(out), "--resume"], env=env, capture_output=True, timeout=900
    )
    assert resumed.returncode in (0, 1), resumed.stderr.decode()
    assert _jsonl(out) == expected


def test_batching_is_a_validated_setting_shown_in_the_records(tiny_models: dict[str, str]) -> None:
    pytest.importorskip("ctranslate2")
    from summarize.errors import ConfigError

    with pytest.raises(ConfigError, match="batching: unknown batching 'fast'.*article, throughput"):
        PipelineConfig(batching="fast")
    assert PipelineConfig().batching == "article"
    for batching in BATCHINGS:
        (result,) = Pipeline(_config(tiny_models, batching=batching)).process_batch(["Satu. Dua."])
        assert result.settings["batching"] == batching


def test_the_batching_bench_counts_identical_records(tiny_models: dict[str, str]) -> None:
    """``python -m summarize.bench --batching``'s same-records part, on the tiny models."""
    pytest.importorskip("ctranslate2")
    from summarize.bench.batching import identity

    records = [r for r in _articles(8) if r["id"] != "bad"]
    report = identity(_config(tiny_models).to_json(), records)
    assert set(report) == set(BATCHINGS)
    for name, way in report["article"].items():
        if name != "seconds":
            assert way == {"identical_records": len(records), "records": len(records)}, name
