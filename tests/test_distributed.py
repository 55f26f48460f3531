"""The Ray Data engine against the local engine, on a real local Ray (``ray.init(num_cpus=2)``).

Inputs: the seeds plus a 200-record JSONL that mixes good and bad records. Every field
except timings must match the local engine's records, for both backends; a driver killed
with SIGKILL and resumed must write every id exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("pyarrow")

from summarize.config import PipelineConfig  # noqa: E402
from summarize.distributed import RayOptions, read_results  # noqa: E402
from summarize.io import iter_records  # noqa: E402
from summarize.jobs import run_on_ray as ray_run  # noqa: E402
from summarize.pipeline import Pipeline  # noqa: E402
from summarize.testing.corpus import FALLBACK_INDONESIAN  # noqa: E402
from summarize.types import GenerationSettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
N_JSONL = 200


def _mixed_jsonl(path: Path) -> None:
    """200 lines: good articles (with and without ids/titles) and every kind of bad line."""
    sents = FALLBACK_INDONESIAN
    lines: list[bytes] = []
    for i in range(N_JSONL):
        kind = i % 10
        text = " ".join(sents[(i + k) % len(sents)] for k in range(1 + i % 3))
        if kind == 0:
            lines.append(b"{not json")
        elif kind == 1:
            lines.append(json.dumps([1, 2]).encode())
        elif kind == 2:
            lines.append(json.dumps({"id": f"r{i}", "title": "tanpa teks"}).encode())
        elif kind == 3:
            lines.append(json.dumps({"id": f"r{i}", "text": 42}).encode())
        elif kind == 4:
            lines.append(json.dumps({"id": f"r{i}", "text": "   "}).encode())
        elif kind == 5:
            lines.append(b'{"id": "r%d", "text": "\xff\xfe"}' % i)
        elif kind == 6:  # no id: <stem>:<line>
            lines.append(json.dumps({"text": text, "source": "antara"}).encode())
        else:
            rec = {"id": f"r{i}", "text": text, "title": f"Berita {i}" if kind == 7 else None}
            lines.append(json.dumps(rec, ensure_ascii=False).encode())
    path.write_bytes(b"\n".join(lines) + b"\n")


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real local Ray for this module; actors inherit the CTranslate2 cache set here."""
    cache = tmp_path_factory.mktemp("ct2-cache")
    old = os.environ.get("SUMMARIZE_CACHE")
    os.environ["SUMMARIZE_CACHE"] = str(cache)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()
    if old is None:
        os.environ.pop("SUMMARIZE_CACHE", None)
    else:
        os.environ["SUMMARIZE_CACHE"] = old


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    path = tmp_path_factory.mktemp("inputs") / "mixed.jsonl"
    _mixed_jsonl(path)
    return [str(SEEDS), str(path)]


#: Short outputs keep the tiny random models quick (they rarely stop on their own).
_SHORT = ["--num-beams", "1", "--max-translation-length", "8", "--max-length", "12"]


def _config(tiny_models: dict[str, str], backend: str) -> PipelineConfig:
    return PipelineConfig(
        mt_model=tiny_models["marian"],
        sum_model=tiny_models["bart"],
        backend=backend,
        translation=GenerationSettings(num_beams=1, max_new_tokens=8),
        summary=GenerationSettings(num_beams=1, max_new_tokens=12),
    )


def _local(paths: list[str], config: PipelineConfig) -> dict[str, dict[str, Any]]:
    """The local engine's records, as its JSONL writer writes them, with the story each
    ok record gets when it is written (``summarize run``'s rule)."""
    from summarize.jobs.stories import with_story as _with_story
    from summarize.stories import StoryIndex

    pipe = Pipeline(config)
    stories = StoryIndex()
    out = {}
    for result in pipe.run(iter_records(paths), batch_size=8):
        result = _with_story(stories, result)
        out[result.id] = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    return out


def _without_timings(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "timings"}


@pytest.mark.parametrize(
    ("backend", "fmt"), [("transformers", "parquet"), ("ctranslate2", "jsonl")]
)
def test_same_records_as_local(
    ray_cluster: str,
    tiny_models: dict[str, str],
    inputs: list[str],
    tmp_path: Path,
    backend: str,
    fmt: str,
) -> None:
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    config = _config(tiny_models, backend)
    summary = ray_run(
        inputs,
        tmp_path / "out",
        config,
        RayOptions(actors=2, batch_size=8, rows_per_file=64, output_format=fmt),
    )
    got = list(read_results(tmp_path / "out"))
    expected = _local(inputs, config)
    assert len(expected) == 5 + N_JSONL
    ids = Counter(r["id"] for r in got)
    assert set(ids) == set(expected) and set(ids.values()) == {1}  # every id exactly once
    for record in got:
        assert _without_timings(record) == _without_timings(expected[record["id"]])
    failed = sum(1 for r in expected.values() if r["error"])
    assert 0 < failed < len(expected)  # the mix really has good and bad records
    # stories: the mix has near-copies, grouped as the local engine groups them
    stories = Counter(r["story"] for r in expected.values() if r["story"])
    assert max(stories.values()) > 1
    assert any(r["duplicate_of"] for r in expected.values())
    assert (summary.ok, summary.failed, summary.skipped) == (len(expected) - failed, failed, 0)
    assert summary.total == len(expected)
    assert all(p.suffix == f".{fmt}" for p in (tmp_path / "out").iterdir())


def _wait_for(predicate: Any, proc: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended (exit {proc.returncode}) before it was killed")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the run")
        time.sleep(0.2)


def test_resume_after_kill(
    ray_cluster: str, tiny_models: dict[str, str], inputs: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = [
        sys.executable,
        "-m",
        "summarize",
        "run",
        *inputs,
        "-o",
        str(out),
        "--engine",
        "ray",
        "--ray-address",
        ray_cluster,
        "--actors",
        "2",
        "--batch-size",
        "2",
        "--rows-per-file",
        "4",
        "--mt-model",
        tiny_models["marian"],
        "--sum-model",
        tiny_models["bart"],
        *_SHORT,
        # longer outputs than the other tests: on a fast, idle machine the whole run must
        # not finish between the first part file and the kill
        "--max-translation-length",
        "48",
        "--max-length",
        "48",
        "--no-progress",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: len(list(out.glob("part-*"))) >= 1, proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    time.sleep(2)  # writers already running may still finish their file
    done_before = [r["id"] for r in read_results(out)]
    total = 5 + N_JSONL
    assert 0 < len(done_before) < total, f"{len(done_before)} of {total} done"  # killed mid-run

    resumed = subprocess.run(
        [*args, "--resume"], env=env, capture_output=True, text=True, timeout=900
    )
    final = list(read_results(out))
    # exit 1 only if a bad record was among those the resumed run processed
    redone_bad = any(r["error"] for r in final if r["id"] not in set(done_before))
    assert resumed.returncode == (1 if redone_bad else 0), resumed.stderr
    ids = Counter(r["id"] for r in final)
    assert len(ids) == total
    assert set(ids.values()) == {1}  # every id exactly once
    assert f"{len(set(done_before))} skipped as already done" in resumed.stderr
    assert not list(out.glob(".part-*"))  # no temporary file left behind


def test_engine_ray_without_ray_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from summarize.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    result = CliRunner().invoke(
        main,
        ["run", str(SEEDS), "-o", str(tmp_path / "out"), "--engine", "ray"]
        + ["--mt-model", tiny_models["marian"], "--sum-model", tiny_models["bart"], *_SHORT],
    )
    assert result.exit_code == 2
    assert "pip install 'summarize[ray]'" in result.output


def _unwritable_dirs(tmp_path: Path) -> list[Path]:
    """Output locations that even root cannot write: below a regular file, and in /sys
    where that refuses new files."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    dirs = [blocker / "out"]
    try:
        (Path("/sys") / "summarize-probe").mkdir()
    except OSError:
        dirs.append(Path("/sys") / "summarize-out")
    else:  # pragma: no cover - a writable /sys
        (Path("/sys") / "summarize-probe").rmdir()
    return dirs


def test_unwritable_output_dir_is_exit_4_before_the_pipeline_starts(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from summarize.cli import main

    for out in _unwritable_dirs(tmp_path):
        was_running = ray.is_initialized()  # the module's cluster may be up already
        started = time.monotonic()
        result = CliRunner().invoke(
            main,
            ["run", str(SEEDS), "-o", str(out), "--engine", "ray", "-s", "extract-translate",
             "--mt-model", tiny_models["marian"], "--no-progress"],
        )  # fmt: skip
        assert result.exit_code == 4, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: cannot write {out}: "), lines
        assert "Traceback" not in result.output and "RayTaskError" not in result.output
        assert ray.is_initialized() == was_running  # refused before Ray was started
        assert time.monotonic() - started < 30


def test_a_writer_task_that_cannot_write_is_the_output_error_not_the_remote_traceback(
    ray_cluster: Any,
) -> None:
    from summarize.distributed import output
    from summarize.distributed.engine import _domain_error
    from summarize.errors import OutputError

    @ray.remote
    def write() -> None:
        output.write_part("/sys/summarize-out", ['{"id": "a"}'], "jsonl")

    with pytest.raises(Exception) as caught:  # RayTaskError(OutputError)
        ray.get(write.remote())
    domain = _domain_error(caught.value)
    assert type(domain) is OutputError
    assert str(domain).startswith("cannot write /sys/summarize-out: ")
    assert "\n" not in str(domain)
