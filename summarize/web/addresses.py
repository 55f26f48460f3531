"""The address policy of every server-side fetch, and connections that keep to it.

A URL names a host; what matters is the address the socket connects to. So the check
runs where the connection is made: :class:`PinnedBackend` is an httpcore network
backend that resolves the host itself (``socket.getaddrinfo``, under the fetch's
deadline), refuses the whole host when any of its addresses is not public (loopback,
private, link-local, multicast, reserved, unspecified, shared, site-local; IPv4 and
IPv6, and IPv4 addresses embedded in IPv6: mapped ``::ffff:a.b.c.d``, 6to4, Teredo,
NAT64), then connects to the address it checked. Every spelling of a host
(``127.1``, ``2130706433``, ``0x7f000001``, ``[::ffff:127.0.0.1]``, a name in
``/etc/hosts``) ends up as the address getaddrinfo returns, so every spelling meets the
same check, and a DNS answer that changes between check and connect (rebinding) cannot
slip through: there is no second lookup. TLS still verifies the certificate against
the URL's host name (httpcore passes it as SNI to ``start_tls``).

:class:`DeadlineStream` gives every read, write and TLS handshake at most the time
left until the fetch's wall-clock deadline (:func:`deadline`), so a server that drips
headers or body one byte at a time is cut at the deadline: httpx's own read timeout
restarts with every byte.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
import threading
import time
import typing
from collections.abc import Iterator
from dataclasses import dataclass

import httpcore

__all__ = [
    "AddressRefused",
    "DeadlineStream",
    "HostUnresolvable",
    "PinnedBackend",
    "deadline",
    "refusal",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: NAT64 prefixes whose last 32 bits are an IPv4 address (RFC 6052, RFC 8215).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

#: The wall-clock deadline (``time.monotonic()``) of the fetch running in this context.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "summarize_fetch_deadline", default=None
)


class AddressRefused(Exception):  # noqa: N818 - a reason, turned into BlockedAddressError
    """The host resolves to an address the policy refuses."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        shown = host if host == address else f"{host} ({address})"
        article = "an" if reason[0] in "aeiou" else "a"
        super().__init__(f"{shown} is {article} {reason} address")
        self.host, self.address, self.reason = host, address, reason


class HostUnresolvable(Exception):  # noqa: N818 - turned into DnsError
    """The host name cannot be resolved. ``transient``: a temporary failure (EAI_AGAIN,
    a lookup that timed out) rather than a name that does not exist."""

    def __init__(self, host: str, detail: str, *, transient: bool) -> None:
        super().__init__(f"cannot resolve host '{host}' ({detail})")
        self.host, self.transient = host, transient


def _embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _own_refusal(ip: IPAddress) -> str | None:
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("non-public", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def refusal(address: str | IPAddress) -> str | None:
    """Why a server-side fetch may not connect to ``address`` (``"loopback"``,
    ``"private"``, ...), or ``None`` for a public unicast address. An IPv6 address that
    carries an IPv4 address is refused when either is."""
    if isinstance(address, str):
        try:
            ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return "malformed"
    else:
        ip = address
    for candidate in (*_embedded_ipv4(ip), ip):  # ::ffff:127.0.0.1 is "loopback"
        reason = _own_refusal(candidate)
        if reason is not None:
            return reason
    return None


def _timeout_left(timeout: float | None) -> float | None:
    """``timeout`` shortened to the time left before the fetch's deadline."""
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        return 0.0
    return left if timeout is None else min(timeout, left)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Run a fetch under one wall-clock deadline ``seconds`` from now (yields it, in
    ``time.monotonic()`` terms): connections made through :class:`PinnedBackend` give
    each operation at most the time left."""
    end = time.monotonic() + seconds
    token = _DEADLINE.set(end)
    try:
        yield end
    finally:
        _DEADLINE.reset(token)


def resolve(host: str, port: int, timeout: float | None = None) -> list[str]:
    """The addresses of ``host`` (``getaddrinfo`` order, no duplicates), within ``timeout``
    seconds: the lookup runs in a daemon thread, since getaddrinfo has no timeout."""
    outcome: dict[str, typing.Any] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=lookup, name="summarize-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise HostUnresolvable(host, "the lookup timed out", transient=True)
    error = outcome.get("error")
    if error is not None:
        transient = isinstance(error, socket.gaierror) and error.errno == socket.EAI_AGAIN
        raise HostUnresolvable(host, str(error), transient=transient)
    addresses = [str(info[4][0]) for info in outcome["infos"] if info[0] in _FAMILIES]
    if not addresses:
        raise HostUnresolvable(host, "no IPv4 or IPv6 address", transient=False)
    return list(dict.fromkeys(addresses))


_FAMILIES = (socket.AF_INET, socket.AF_INET6)


def _shutdown(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads, writes and TLS handshake end by the fetch deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        left = _timeout_left(timeout)
        if left == 0.0:
            raise httpcore.ReadTimeout("the fetch deadline passed")
        return self._inner.read(max_bytes, left)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        left = _timeout_left(timeout)
        if left == 0.0:
            raise httpcore.WriteTimeout("the fetch deadline passed")
        self._inner.write(buffer, left)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = _timeout_left(timeout)
        if left == 0.0:
            raise httpcore.ConnectTimeout("the fetch deadline passed")
        # The handshake makes several reads, each with the socket timeout: a watchdog
        # shuts the socket down at the deadline, whatever the server drips.
        timer = None
        if left is not None:
            timer = threading.Timer(left, _shutdown, (self._inner.get_extra_info("socket"),))
            timer.daemon = True
            timer.start()
        try:
            stream = self._inner.start_tls(ssl_context, server_hostname, left)
        except (httpcore.ConnectError, httpcore.ReadError) as exc:
            if _timeout_left(None) == 0.0:
                raise httpcore.ConnectTimeout("the fetch deadline passed") from exc
            raise
        finally:
            if timer is not None:
                timer.cancel()
        return DeadlineStream(stream)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


@dataclass
class PinnedBackend(httpcore.NetworkBackend):
    """Resolve, check every address, connect to a checked one.

    ``allow_private`` skips the check (the command line's ``--allow-private-addresses``);
    the connection is still made to the address that was resolved.
    """

    allow_private: bool = False

    def __post_init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port, _timeout_left(timeout))
        if not self.allow_private:
            for address in addresses:  # one bad address refuses the host
                reason = refusal(address)
                if reason is not None:
                    raise AddressRefused(host, address, reason)
        error: Exception | None = None
        for address in addresses:
            left = _timeout_left(timeout)
            if left == 0.0:
                raise httpcore.ConnectTimeout("the fetch deadline passed")
            try:
                stream = self._backend.connect_tcp(
                    address, port, left, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return DeadlineStream(stream)
        assert error is not None
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
