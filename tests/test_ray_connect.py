"""The Ray engine never hangs on connecting: a private instance by default, one line and
the documented exit code for a cluster that cannot answer or cannot place the actors."""

from __future__ import annotations

import contextlib
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


def _start_head(port: int, *extra: str) -> subprocess.Popen[bytes]:
    """A Ray head of its own (``ray start --block`` in a new session), stopped by
    :func:`_stop_head` through its process group: never ``ray stop``, which would stop
    every Ray instance on the machine."""
    temp = Path("/tmp") / f"ray-other-{port}"  # Ray's socket paths must stay short
    cmd = ["ray", "start", "--head", "--block", f"--port={port}", "--num-cpus=1"]
    cmd += ["--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}", *extra]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}  # a driver given an address sends no token
    env.pop("RAY_ADDRESS", None)
    head = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert head.poll() is None, "ray start --head exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(2.0)  # the raylet registers just after the GCS listens
                return head
        time.sleep(0.3)
    _stop_head(head)
    raise AssertionError("the Ray head did not listen within 120 s")


def _stop_head(head: subprocess.Popen[bytes]) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(head.pid, signal.SIGTERM)
    try:
        head.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)
        head.wait(timeout=30)


@pytest.fixture(scope="module")
def other_ray() -> Iterator[str]:
    """A second Ray instance on this machine, as `ray start --head` leaves one; its node
    IP is given as loopback."""
    port = _free_port()
    head = _start_head(port, "--node-ip-address=127.0.0.1")
    try:
        yield f"127.0.0.1:{port}"
    finally:
        _stop_head(head)


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


class _Proxy:
    """A tiny TCP proxy on ``bind:port`` in front of ``127.0.0.1:target``. With
    ``forward=False`` it accepts connections and then stays silent (a stuck load balancer,
    a firewall that drops after the handshake): a cluster that answers TCP, never RPC."""

    def __init__(self, bind: str, target: int, *, forward: bool = True) -> None:
        import threading

        self.server = socket.create_server((bind, 0))
        self.port = int(self.server.getsockname()[1])
        self.target = target
        self.forward = forward
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import threading

        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.forward:
                self.held.append(client)
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.server.close()
        for held in self.held:
            held.close()


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def test_loopback_and_host_addresses_work_as_written(other_ray: str) -> None:
    from summarize.distributed.connect import init_ray

    port = _port(other_ray)
    for host in ("127.0.0.1", "localhost", socket.gethostname()):
        assert not ray.is_initialized()
        started = time.monotonic()
        assert init_ray(ray, f"{host}:{port}", 10.0)
        try:
            assert ray.cluster_resources().get("CPU") == 1.0  # the head's one CPU
        finally:
            ray.shutdown()
        assert time.monotonic() - started < 30, host


def test_address_that_ray_rewrites_to_an_unreachable_one_fails_in_one_line(
    other_ray: str, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    """The head's GCS is forwarded on 127.0.0.1 only. Ray rewrites 127.0.0.1 to this
    machine's node IP and dials that, where nothing listens: once a 14-minute hang."""
    from summarize.distributed.connect import ray_dials

    proxy = _Proxy("127.0.0.1", _port(other_ray))
    try:
        written = f"127.0.0.1:{proxy.port}"
        dialed = ray_dials(written)
        if dialed.rsplit(":", 1)[0] in ("127.0.0.1", "localhost"):
            pytest.skip("this machine's node IP is loopback: Ray rewrites nothing here")
        started = time.monotonic()
        result = _run(
            tiny_models, tmp_path / "out", "--ray-address", written, "--ray-timeout", "10"
        )
        took = time.monotonic() - started
    finally:
        proxy.close()
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(
        f"Error: a Ray cluster answers at {written}, but Ray connects to {dialed}"
    ), lines
    assert "Traceback" not in result.stderr
    assert took < 60


def test_cluster_that_accepts_but_never_answers_ends_within_ray_timeout(
    other_ray: str, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    """In front of the real head, on every interface (so the rewritten address accepts a
    connection too), a proxy that never forwards: ``ray.init`` would retry for minutes."""
    proxy = _Proxy("0.0.0.0", _port(other_ray), forward=False)
    try:
        started = time.monotonic()
        address = f"127.0.0.1:{proxy.port}"
        result = _run(
            tiny_models, tmp_path / "out", "--ray-address", address, "--ray-timeout", "10"
        )
        took = time.monotonic() - started
    finally:
        proxy.close()
    assert result.returncode == 3, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: connecting to the Ray cluster at {address} did not finish "
                           "within the Ray time-out of 10 s"), result.stderr  # fmt: skip
    assert "Traceback" not in result.stderr
    assert took < 10 + 45  # the time-out, plus start-up and exit of the CLI
    assert not list((tmp_path / "out").glob("part-*"))


def test_waiting_for_cpus_other_jobs_hold_ends_within_ray_timeout() -> None:
    """Actors the cluster could place, but whose CPUs another job holds: one
    ClusterUnavailableError after the time-out, not a wait for ever; free CPUs: at once."""
    from summarize.distributed.connect import wait_for_resources

    assert not ray.is_initialized()
    ray.init(address="local", num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:

        @ray.remote(num_cpus=1)
        class Holder:
            def ready(self) -> bool:
                return True

        assert wait_for_resources(ray, 1.0, timeout=10.0)["CPU"] == 1.0
        holder = Holder.remote()  # type: ignore[attr-defined]
        assert ray.get(holder.ready.remote(), timeout=120)
        started = time.monotonic()
        with pytest.raises(
            ClusterUnavailableError,
            match=r"need 1 CPUs and 0 GPUs .* has 0 CPUs and 0 GPUs free after 2 s",
        ):
            wait_for_resources(ray, 1.0, timeout=2.0)
        assert time.monotonic() - started < 10
    finally:
        ray.shutdown()


def test_a_failed_ray_init_is_one_line_with_its_root_cause() -> None:
    """``ray.init``'s ConnectionError wraps the reason (here an authentication token the
    cluster wants) inside a traceback's text: the one line names it."""
    from summarize.distributed.connect import _ray_init_error

    root = RuntimeError(
        "Failed to connect to GCS. Last connection error: Traceback (most recent call last):\n"
        '  File "x.py", line 1, in f\n'
        "ray.exceptions.AuthenticationError: RPC error: InvalidAuthToken: token missing"
    )
    outer = ConnectionError("Failed to connect to Ray cluster at 192.0.2.2:6379")
    outer.__cause__ = root
    message = str(_ray_init_error("127.0.0.1:6379", outer))
    assert "\n" not in message
    assert message == (
        "cannot connect to the Ray cluster at 127.0.0.1:6379: Failed to connect to Ray "
        "cluster at 192.0.2.2:6379 (ray.exceptions.AuthenticationError: RPC error: "
        "InvalidAuthToken: token missing)"
    )
