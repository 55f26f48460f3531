"""The Ray engine never hangs on connecting: a private instance by default, one line and
the documented exit code for a cluster that cannot answer or cannot place the actors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from summarize.distributed.engine import _init_ray, resolve_address  # noqa: E402
from summarize.errors import ClusterUnavailableError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(tiny_models: dict[str, str], out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "summarize", "run", str(SEEDS), "-o", str(out)]
    cmd += ["--engine", "ray", "-s", "extract-translate", "--mt-model", tiny_models["marian"]]
    cmd += ["--num-beams", "1", "--max-translation-length", "8", "--no-progress", *extra]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)


def test_no_address_means_a_private_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert resolve_address(None) == "local"
    assert resolve_address("auto") == "auto"
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.1:6379")
    assert resolve_address(None) == "10.0.0.1:6379"
    assert resolve_address("127.0.0.1:1234") == "127.0.0.1:1234"


def test_dead_address_is_one_line_and_exit_3(tiny_models: dict[str, str], tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there
    started = time.monotonic()
    result = _run(tiny_models, tmp_path / "out", "--ray-address", f"127.0.0.1:{port}")
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"Error: no Ray cluster answers at 127.0.0.1:{port}"), lines
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 60


def test_ray_client_address_without_ray_client(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarize.distributed.engine import check_address
    from summarize.errors import BackendNotInstalledError

    monkeypatch.setitem(sys.modules, "grpc", None)  # import grpc -> ImportError
    with pytest.raises(BackendNotInstalledError, match=r"ray\[client\]"):
        check_address("ray://127.0.0.1:10001", 1.0)


def test_closed_port_and_bad_address_forms_are_refused() -> None:
    from summarize.distributed.engine import check_address

    with pytest.raises(ClusterUnavailableError):
        check_address(f"127.0.0.1:{_free_port()}", 2.0)
    with pytest.raises(Exception, match="not auto, local, host:port"):
        check_address("somewhere", 2.0)


def test_more_actors_than_cpus_is_exit_2_before_any_model_work(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    result = _run(tiny_models, tmp_path / "out", "--actors", "50")
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: 50 actors need ") and "--actors" in last, last
    assert not list((tmp_path / "out").glob("*.parquet"))


@pytest.fixture()
def other_ray(tmp_path: Path) -> Iterator[str]:
    """A second Ray instance on this machine, as `ray start --head` leaves one."""
    port = _free_port()
    temp = Path("/tmp") / f"ray-other-{port}"  # Ray's socket paths must stay short
    subprocess.run(
        ["ray", "start", "--head", f"--port={port}", "--num-cpus=1", "--include-dashboard=false",
         "--disable-usage-stats", f"--temp-dir={temp}"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(["ray", "stop", "--force"], capture_output=True, timeout=120)


def test_a_plain_run_neither_joins_another_instance_nor_hangs(
    other_ray: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert not ray.is_initialized()
    started = time.monotonic()
    assert _init_ray(ray, None, 10.0)
    try:
        mine = ray.get_runtime_context().gcs_address
        assert mine.rsplit(":", 1)[1] != other_ray.rsplit(":", 1)[1], (mine, other_ray)
        assert ray.cluster_resources().get("CPU") != 1.0 or os.cpu_count() == 1
    finally:
        ray.shutdown()
    assert time.monotonic() - started < 60


def test_sigterm_during_a_ray_run_is_interrupted_and_exit_130(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    import json
    import signal

    base = "Pemerintah kota mengumumkan rencana baru untuk transportasi umum pada hari Senin."
    rows = [{"id": f"a{i}", "text": f"{base} Berita nomor {i}."} for i in range(40)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "summarize", "run", str(src), "-o", str(out), "--engine", "ray"]
    cmd += ["-s", "extract-translate", "--mt-model", tiny_models["marian"], "--num-beams", "1"]
    cmd += ["--max-translation-length", "48", "-b", "1", "--rows-per-file", "1", "--no-progress"]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while not list(out.glob("part-*")):  # the Ray pipeline is running
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no part file within 300 s"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = err.decode()
    assert proc.returncode == 130, text
    assert text.strip().splitlines()[-1].startswith("Interrupted: "), text
    assert "Traceback" not in text
    done = len(list(out.glob("part-*")))
    assert 0 < done < 40  # stopped mid-run; the complete part files stay
