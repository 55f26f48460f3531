"""Connecting the Ray engine to a cluster, every stage bounded by ``--ray-timeout``.

``ray.init`` can wait for many minutes without a word: on a dead port, on a GCS that
Ray's address rewriting made unreachable (it replaces ``127.0.0.1``, ``localhost`` and
this host's name with the node IP it registered, then connects to that), or on a
cluster that answers but never gives the driver a node. Each stage here ends within
its time-out with one :class:`~summarize.errors.ClusterUnavailableError` (exit 3):

1. the address as written accepts a TCP connection (:func:`check_address`);
2. the address Ray will actually dial, after its rewriting, accepts one too;
3. ``ray.init`` itself returns (it runs in a helper thread the driver waits on);
4. the cluster has the resources the actors need (:func:`wait_for_resources`).

Ray is imported inside the functions (nothing heavy at import).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from summarize.errors import BackendNotInstalledError, ClusterUnavailableError, ConfigError

T = TypeVar("T")

#: Addresses that name no host: Ray's own (a private instance, or the one ``ray start``
#: left on this machine).
_RAY_OWN = ("auto", "local")
_START_HINT = "start one with `ray start --head`, or leave out --ray-address to run here"


def resolve_address(address: str | None) -> str:
    """The address to give ``ray.init``: the one asked for, else ``$RAY_ADDRESS``, else
    ``"local"`` (a private instance: ``None`` would join any Ray already running here)."""
    return address or os.environ.get("RAY_ADDRESS") or "local"


def _split(address: str) -> tuple[str, int]:
    """``(host, port)`` of ``host:port`` or ``ray://host:port``."""
    target = address[len("ray://") :] if address.startswith("ray://") else address
    host, sep, port = target.rstrip("/").rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ConfigError(
            f"Ray address '{address}' is not auto, local, host:port or ray://host:port"
        )
    return host.strip("[]"), int(port)


def _probe(host: str, port: int, timeout: float) -> OSError | None:
    """``None`` if ``host:port`` accepts a TCP connection within ``timeout``."""
    try:
        with socket.create_connection((host, port), timeout=max(timeout, 0.1)):
            return None
    except OSError as exc:
        return exc


def ray_dials(address: str) -> str:
    """The ``host:port`` Ray connects to for ``address``: a loopback or local host name
    becomes the node IP Ray registers for this machine. ``address`` unchanged if Ray's
    rewriting cannot be computed."""
    try:
        from ray._private import services

        dialed = services.canonicalize_bootstrap_address(address)
    except Exception:  # noqa: BLE001 - a private Ray API: fall back to what was written
        return address
    return str(dialed) if dialed else address


def check_address(address: str, timeout: float) -> None:
    """Fail in one line, within ``timeout`` seconds, for a cluster that cannot answer:
    a ``ray://`` address without Ray Client installed, a ``host:port`` (``ray://``
    included) where nothing accepts a connection, or one that answers while the address
    Ray rewrites it to (:func:`ray_dials`) does not. ``auto`` and ``local`` are Ray's own."""
    if address in _RAY_OWN:
        return
    deadline = time.monotonic() + timeout
    if address.startswith("ray://"):
        try:
            import grpc  # noqa: F401  (what Ray Client needs beyond ray[data])
        except ImportError as exc:
            raise BackendNotInstalledError(
                "ray:// addresses need Ray Client: pip install 'ray[client]' "
                "(or run on the cluster's head node with --ray-address auto)"
            ) from exc
    host, port = _split(address)
    failed = _probe(host, port, timeout)
    if failed is not None:
        raise ClusterUnavailableError(
            f"no Ray cluster answers at {address} ({failed.strerror or failed}); {_START_HINT}"
        )
    if address.startswith("ray://"):
        return  # Ray Client dials the address as written
    dialed = ray_dials(address)
    if dialed == address:
        return
    d_host, d_port = _split(dialed)
    failed = _probe(d_host, d_port, deadline - time.monotonic())
    if failed is not None:
        raise ClusterUnavailableError(
            f"a Ray cluster answers at {address}, but Ray connects to {dialed} instead (it "
            f"replaces a loopback address or this host's name with this machine's node IP) "
            f"and nothing answers there ({failed.strerror or failed}); start the head with "
            f"--node-ip-address {d_host}, or give --ray-address the head's own IP"
        )


def bounded(fn: Callable[[], T], timeout: float, what: str) -> T:
    """``fn()``, or :class:`ClusterUnavailableError` if it has not returned within
    ``timeout`` seconds (it keeps running in a daemon thread: Ray's calls cannot be
    cancelled, and the process is about to report the error and exit)."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            error.append(exc)

    worker = threading.Thread(target=target, name=f"summarize-{what}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise ClusterUnavailableError(
            f"{what} did not finish within the Ray time-out of {timeout:g} s "
            "(--ray-timeout); the cluster answers but does not respond in time"
        )
    if error:
        raise error[0]
    return result[0]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _ray_init_error(address: str, exc: BaseException) -> ClusterUnavailableError:
    """One line: Ray's message, and the root cause's (``ray.init`` wraps it, e.g. a
    cluster that wants an authentication token this driver does not have)."""
    message, root = _first_line(exc), exc
    while root.__cause__ is not None and root.__cause__ is not root:
        root = root.__cause__
    if root is not exc:
        # the root's text may hold a whole traceback: its last line is the error
        lines = [ln for ln in str(root).splitlines() if ln.strip() and ln[0] not in " \t"]
        last = lines[-1] if lines and not lines[-1].startswith("Traceback") else ""
        message += f" ({(last or _first_line(root))[:300]})"
    return ClusterUnavailableError(f"cannot connect to the Ray cluster at {address}: {message}")


class _CppStderr:
    """Ray's C++ client writes its connection retries straight to file descriptor 2.
    While connecting, descriptor 2 goes to ``/dev/null`` (Python's ``sys.stderr`` keeps
    the terminal). After a time-out it stays there: the connecting thread cannot be
    stopped and would print after the one ``Error:`` line."""

    def __init__(self) -> None:
        import sys

        self._saved: int | None = None
        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        except (OSError, ValueError):  # no descriptor 2 (an embedded interpreter)
            self._saved = None
        self._keep = False

    def keep_silenced(self) -> None:
        import sys

        if self._saved is not None and sys.stderr is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                if sys.stderr.fileno() == 2:
                    sys.stderr = open(os.dup(self._saved), "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        self._keep = True

    def restore(self) -> None:
        if self._saved is None or self._keep:
            return
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._saved = None


class _DropThreadNotice(logging.Filter):
    """Ray's notice that it set no SIGTERM handler from a helper thread: the driver keeps
    its own handler on purpose (Interrupted, exit 130)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "SIGTERM handler is not set" not in record.getMessage()


def _quiet_connect_logs() -> None:
    """No notice that the helper thread set no SIGTERM handler."""
    worker_log = logging.getLogger("ray._private.worker")
    if not any(isinstance(f, _DropThreadNotice) for f in worker_log.filters):
        worker_log.addFilter(_DropThreadNotice())


def init_ray(ray: Any, address: str | None, timeout: float = 60.0) -> bool:
    """Connect to (or start) Ray, every stage within ``timeout`` seconds; returns whether
    this call started it. Raises :class:`ClusterUnavailableError` (one line) otherwise."""
    if ray.is_initialized():
        return False
    import signal

    address = resolve_address(address)
    check_address(address, timeout)
    kwargs: dict[str, Any] = {
        "address": address,
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if in_main else None
    _quiet_connect_logs()
    # Starting a private instance runs in this thread: Ray starts its GCS and raylet
    # with PR_SET_PDEATHSIG, which kills them when the *thread* that started them ends.
    # It is bounded by Ray's own start-up time-outs. Connecting starts no process, and
    # nothing bounds it: a helper thread, waited on for ``timeout`` seconds.
    local = address == "local"
    quiet = None if local else _CppStderr()
    try:
        if local:
            ray.init(**kwargs)
        else:
            what = f"connecting to the Ray cluster at {address}"
            bounded(lambda: ray.init(**kwargs), timeout, what)
    except ClusterUnavailableError:
        if quiet is not None:
            quiet.keep_silenced()  # the connecting thread still retries and logs
        raise
    except (ConnectionError, RuntimeError, TimeoutError) as exc:
        raise _ray_init_error(address, exc) from exc
    finally:
        if quiet is not None:
            quiet.restore()
    if in_main and previous is not None:
        # ray.init makes SIGTERM sys.exit(15); keep ours (Interrupted, exit 130).
        signal.signal(signal.SIGTERM, previous)
    return True


def alive_nodes(ray: Any, timeout: float = 60.0) -> int:
    """How many nodes of the connected cluster are alive (within ``timeout`` seconds)."""
    nodes = bounded(ray.nodes, timeout, "listing the Ray cluster's nodes")
    return sum(1 for node in nodes if node.get("Alive"))


def cluster_resources(ray: Any, timeout: float = 60.0) -> dict[str, float]:
    """The connected cluster's total resources (within ``timeout`` seconds)."""
    have = bounded(ray.cluster_resources, timeout, "asking the Ray cluster's resources")
    return {str(k): float(v) for k, v in have.items()}


def wait_for_resources(
    ray: Any, cpus: float, gpus: float = 0.0, timeout: float = 60.0
) -> dict[str, float]:
    """The cluster's free resources once ``cpus`` CPUs and ``gpus`` GPUs are free (other
    jobs on a shared cluster may hold them: they get ``timeout`` seconds to let go);
    else :class:`ClusterUnavailableError` saying what is free."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        free = bounded(
            ray.available_resources, max(left, 1.0), "asking the Ray cluster's free resources"
        )
        if free.get("CPU", 0.0) >= cpus - 1e-9 and free.get("GPU", 0.0) >= gpus - 1e-9:
            return {str(k): float(v) for k, v in free.items()}
        if left <= 0:
            raise ClusterUnavailableError(
                f"the model actors need {cpus:g} CPUs and {gpus:g} GPUs and the Ray cluster "
                f"has {free.get('CPU', 0.0):g} CPUs and {free.get('GPU', 0.0):g} GPUs free "
                f"after {timeout:g} s (--ray-timeout): other jobs hold the rest"
            )
        time.sleep(min(0.5, max(left, 0.05)))
