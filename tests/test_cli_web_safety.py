"""`summarize run` on hostile local servers: refused addresses, the fetch deadline, and
transient failures that `--resume` tries again and replaces in place."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from local_servers import SECRET, SLOW_HEADERS, Server, secret_page, send

from summarize.cli import EXIT_FAILED_RECORDS, EXIT_USAGE, main
from summarize.io import JsonlWriter, completed_ids, replace_superseded

FAST = ["--max-length", "8", "--max-translation-length", "8", "--no-progress"]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def extract(tiny: dict[str, str]) -> list[str]:
    return ["--strategy", "extract-translate", "--mt-model", tiny["marian"], *FAST]


PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>Presiden Joko Widodo meresmikan jembatan baru di Jakarta pada Senin. Jembatan "
    "sepanjang 1.200 meter itu dibangun selama dua tahun oleh PT Waskita Karya.</p>"
    "<p>Menurut Menteri Pekerjaan Umum, jembatan tersebut akan mengurangi kemacetan di "
    "pusat kota dan mempercepat distribusi barang ke pelabuhan.</p></article></body></html>"
)


def test_private_addresses_need_the_flag(tiny_models: Any, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with Server({"/secret": secret_page}) as internal:
        url = internal.url("/secret", "127.1")
        r = CliRunner().invoke(main, ["run", url, "-o", str(out), *extract(tiny_models)])
        assert internal.total_hits() == 0
    assert r.exit_code == EXIT_FAILED_RECORDS, r.output
    (row,) = read_jsonl(out)
    assert "refused to fetch" in row["error"] and "loopback" in row["error"]
    assert "--allow-private-addresses" in row["error"]
    assert row["error_kind"] == "permanent"
    assert SECRET not in out.read_text(encoding="utf-8")


def test_fetch_timeout_must_be_a_finite_number() -> None:
    for bad in ("nan", "inf", "0"):
        r = CliRunner().invoke(main, ["run", "http://x.test/", "--fetch-timeout", bad])
        assert r.exit_code == EXIT_USAGE, (bad, r.output)
        assert "--fetch-timeout" in r.stderr


def test_a_slowloris_is_cut_at_the_fetch_timeout(tiny_models: Any, tmp_path: Path) -> None:
    spans: list[float] = []

    def slow(handler: Any) -> None:
        start = time.monotonic()
        handler.close_connection = True
        try:
            for byte in SLOW_HEADERS:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.25)
        finally:  # the client hung up: the next write failed
            spans.append(time.monotonic() - start)

    out = tmp_path / "out.jsonl"
    with Server({"/slow": slow}) as server:
        args = ["run", server.url("/slow"), "-o", str(out), "--fetch-timeout", "3"]
        r = CliRunner().invoke(main, [*args, "--allow-private-addresses", *extract(tiny_models)])
        for _ in range(40):  # the handler sees the hang-up at its next write
            if spans:
                break
            time.sleep(0.1)
    assert r.exit_code == EXIT_FAILED_RECORDS, r.output
    (row,) = read_jsonl(out)
    assert "timed out after 3 s" in row["error"] and row["error_kind"] == "transient"
    assert len(spans) == 1 and 2.5 <= spans[0] <= 5.0, spans  # 3 s +- 2 s, seen by the server


def test_resume_retries_transient_failures_and_replaces_them(
    tiny_models: Any, tmp_path: Path
) -> None:
    outage = {"on": True}

    def flaky(handler: Any) -> None:
        if outage["on"]:
            send(handler, 503, "<p>Service Unavailable</p>")
        else:
            send(handler, 200, PAGE.format(title="Jembatan baru"))

    routes: dict[str, Any] = {
        "/ok.html": lambda h: send(h, 200, PAGE.format(title="Berita pertama")),
        "/flaky.html": flaky,
        "/page.html": flaky,
        "/gone.html": lambda h: send(h, 404, "<p>gone</p>"),
    }
    with Server(routes) as site:
        items = "".join(
            f"<item><title>{title}</title><link>{site.url(path)}</link><guid>{guid}</guid></item>"
            for guid, title, path in (
                ("g-ok", "Berita pertama", "/ok.html"),
                ("g-flaky", "Jembatan baru", "/flaky.html"),
                ("g-gone", "Berita hilang", "/gone.html"),
            )
        )
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Warta</title>{items}</channel></rss>"
        )
        routes["/rss"] = lambda h: send(h, 200, feed, ctype="application/rss+xml")
        out = tmp_path / "out.jsonl"
        args = [
            "run",
            site.url("/page.html"),
            "--feed",
            site.url("/rss"),
            "-o",
            str(out),
            "--allow-private-addresses",
            *extract(tiny_models),
        ]
        r = CliRunner().invoke(main, args)
        assert r.exit_code == EXIT_FAILED_RECORDS, r.output
        first = {row["id"]: row for row in read_jsonl(out)}
        assert (
            first["g-flaky"]["error_kind"] == "transient"
            and "HTTP 503" in first["g-flaky"]["error"]
        )
        assert first["g-flaky"]["title"] == "Jembatan baru"  # a failed feed item keeps its title
        assert first[site.url("/page.html")]["error_kind"] == "transient"
        assert first["g-gone"]["error_kind"] == "permanent"
        assert first["g-ok"]["error"] is None and first["g-ok"]["error_kind"] is None

        outage["on"] = False
        hits = dict(site.hits)
        r = CliRunner().invoke(main, [*args, "--resume"])
        assert r.exit_code == 0, r.output
        assert site.hits["/flaky.html"] == hits["/flaky.html"] + 1  # tried again
        assert site.hits["/page.html"] == hits["/page.html"] + 1
        assert site.hits["/gone.html"] == hits["/gone.html"]  # permanent: done
        assert site.hits["/ok.html"] == hits["/ok.html"]
    rows = read_jsonl(out)
    ids = [row["id"] for row in rows]
    assert ids == list(first)  # same records, same order, no duplicate id
    again = {row["id"]: row for row in rows}
    assert again["g-flaky"]["error"] is None and again["g-flaky"]["translation"]
    assert again[site.url("/page.html")]["error"] is None
    assert again["g-gone"] == first["g-gone"] and again["g-ok"] == first["g-ok"]
    assert "2 ok" in r.stderr and "2 skipped" in r.stderr


def test_a_retried_line_counts_before_it_is_folded_in(tmp_path: Path) -> None:
    """A job killed after appending a retried record, before folding it in, loses
    nothing: the last line of an id counts, and the next run folds it in place."""
    out = tmp_path / "out.jsonl"
    with JsonlWriter(out) as writer:
        writer.write({"id": "a", "error": None})
        writer.write({"id": "b", "error": "HTTP 503", "error_kind": "transient"})
        writer.write({"id": "c", "error": "HTTP 404", "error_kind": "permanent"})
    assert completed_ids(out) == {"a", "b", "c"}  # plain --resume semantics of old files
    assert completed_ids(out, retry_transient=True) == {"a", "c"}
    assert replace_superseded(out) == 0
    with JsonlWriter(out, append=True) as writer:
        writer.write({"id": "b", "error": None, "summary": "ok now"})
    assert completed_ids(out, retry_transient=True) == {"a", "b", "c"}
    with out.open("ab") as fh:
        fh.write(b'{"id": "b", "err')  # killed mid-line: cut off, the good line stays
    assert completed_ids(out, retry_transient=True) == {"a", "b", "c"}
    assert replace_superseded(out) == 1
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[1]["summary"] == "ok now"
    assert not list(tmp_path.glob(".*.tmp"))
