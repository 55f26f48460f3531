"""Small hostile HTTP servers for the web-safety tests: loopback only, one thread each.

``Server(routes)`` serves ``routes[path](handler)``; every request is counted in
``hits``. Helpers write plain answers, redirects and slow (one byte a second) answers.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "INTERNAL-SECRET-4f1c9b"

Route = Callable[[BaseHTTPRequestHandler], None]


def send(
    handler: BaseHTTPRequestHandler,
    status: int = 200,
    body: bytes | str = b"",
    ctype: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    data = body.encode("utf-8") if isinstance(body, str) else body
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(data)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(data)


def redirect(status: int, location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, status, b"", headers={"Location": location})

    return route


def secret_page(handler: BaseHTTPRequestHandler) -> None:
    send(handler, 200, f"<html><body><p>{SECRET}</p></body></html>")


def drip(data: bytes, seconds: float = 1.0, limit: int = 120) -> Route:
    """Send ``data`` one byte every ``seconds`` (a slowloris), up to ``limit`` bytes."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        for byte in data[:limit]:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(seconds)

    return route


#: A status line then endless header bytes.
SLOW_HEADERS = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200
#: Complete headers, then a body one byte a second.
SLOW_BODY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n<html><body>"
    + b"b" * 200
)


class Server:
    """A ThreadingHTTPServer on ``host`` (default 127.0.0.1) in a daemon thread."""

    def __init__(self, routes: dict[str, Route], host: str = "127.0.0.1") -> None:
        self.routes = routes
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path)
                try:
                    if route is None:
                        send(self, 404, b"<html><body>not here</body></html>")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass  # the client gave up: expected for slow answers

        family = socket.AF_INET6 if ":" in host else socket.AF_INET

        class HTTPServer(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True

        self._httpd = HTTPServer((host, 0), Handler)
        self.host = host
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str, host: str | None = None) -> str:
        shown = host or self.host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}{path}"

    def total_hits(self) -> int:
        return sum(self.hits.values())

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def loopback_names() -> list[str]:
    """Host names that resolve to loopback here (``localhost``, this machine's name when
    /etc/hosts maps it to 127.x), without editing /etc/hosts."""
    import ipaddress

    names = []
    for name in ("localhost", socket.gethostname(), "localhost.localdomain", "ip6-localhost"):
        try:
            infos = socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)
        except OSError:
            continue
        if infos and all(
            ipaddress.ip_address(str(i[4][0]).split("%")[0]).is_loopback for i in infos
        ):
            names.append(name)
    return list(dict.fromkeys(names))


#: Spellings of this machine's loopback (``{port}`` filled in by the test).
LOOPBACK_SPELLINGS = (
    "127.0.0.1",
    "127.1",
    "0.0.0.0",
    "2130706433",
    "0x7f000001",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[0:0:0:0:0:ffff:7f00:1]",
)
