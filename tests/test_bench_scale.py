"""The scale and determinism benchmarks (``python -m summarize.bench --scale`` and
``--determinism``), on the tiny models: they run end to end and report what they claim."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarize.bench.scale import render, tree_cpu

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("ctranslate2")


def test_tree_cpu_counts_living_and_exited_descendants() -> None:
    """The CPU of a child that burns ~0.6 s, read while it lives and after it exited
    (then through this process's ``cutime``)."""
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.6: pass\n"
    before = tree_cpu()
    child = subprocess.Popen([sys.executable, "-c", burn + "time.sleep(30)"])
    try:
        deadline = time.monotonic() + 60
        while tree_cpu() - before < 0.5:
            assert time.monotonic() < deadline, "the child's CPU was not counted"
            time.sleep(0.1)
    finally:
        child.kill()
        child.wait()
    assert tree_cpu() - before >= 0.5  # waited for: in cutime now
    exited = subprocess.run([sys.executable, "-c", burn], check=True)
    assert exited.returncode == 0
    assert tree_cpu() - before >= 1.0


def _bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    cmd = [sys.executable, "-m", "summarize.bench", *args, "--tiny"]
    cmd += ["--output-dir", str(tmp_path)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)


def test_scale_bench_alternates_engines_and_counts_cpu(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("ray")
    done = _bench(tmp_path, "--scale", "--articles", "4", "--rounds", "2", "--startup-actors", "1")
    assert done.returncode == 0, done.stderr[-3000:]
    (path,) = tmp_path.glob("scale-*.json")
    report = json.loads(path.read_text(encoding="utf-8"))
    order = [line.split(": ")[1] for line in done.stderr.splitlines() if line.startswith("round ")]
    assert order == ["local", "ray", "ray", "local"]  # alternated, swapped every round
    for engine in ("local", "ray"):
        runs = report[engine]["runs"]
        assert [r["articles"] for r in runs] == [4, 4]
        assert all(r["cpu_s"] > 0 and r["wall_s"] > 0 for r in runs)
    # the default generation settings: nothing set, so PipelineConfig's own
    translation = report["workload"]["pipeline"]["translation"]
    assert not translation or all(v in (None, False) for v in translation.values()), translation
    (start,) = report["startup"]
    assert start["actors"] == 1 and 0 < start["ray_init_s"] < start["total_s"]
    assert report["load_during"]["max"] >= report["load_during"]["min"] >= 0
    assert "CPU s/article" in render(report)


def test_determinism_bench_counts_identical_records(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    pytest.importorskip("ray")
    done = _bench(tmp_path, "--determinism", "--articles", "3")
    (path,) = tmp_path.glob("determinism-*.json")
    report = json.loads(path.read_text(encoding="utf-8"))
    assert len(report["ways"]) == 5
    first, second = report["killed_at_records"]
    assert 0 < first < second < 3  # each kill was mid-run
    for name, way in report["ways"].items():
        assert way == {**way, "identical_records": 3, "records": 3, "ids_match": True}, name
    assert done.returncode == 0 and report["all_identical"], done.stdout
