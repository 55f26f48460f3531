"""`summarize run` on URLs and feeds and `summarize digest`, against the local news site."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from summarize.cli import EXIT_FAILED_RECORDS, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--max-length", "8", "--max-translation-length", "8"]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def extract_args(tiny: dict[str, str]) -> list[str]:
    # the local news site is on 127.0.0.1: the CLI fetches it only when allowed
    return [
        "--strategy",
        "extract-translate",
        "--mt-model",
        tiny["marian"],
        *FAST,
        "--allow-private-addresses",
        "--no-progress",
    ]


def test_run_urls_with_bad_links_and_stories(
    news_site: Any, tiny_models: Any, tmp_path: Path
) -> None:
    listing = tmp_path / "urls.txt"
    urls = [
        news_site.url("/portal/002.html"),
        news_site.url("/404"),
        news_site.url("/detik/004.html"),
        news_site.url("/file.pdf"),
        news_site.url("/empty.html"),
        news_site.url("/wordpress/003.html"),
    ]
    listing.write_text("\n".join(urls[1:]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(
        main, ["run", urls[0], str(listing), "-o", str(out), *extract_args(tiny_models)]
    )
    assert r.exit_code == EXIT_FAILED_RECORDS, r.output
    rows = {row["id"]: row for row in read_jsonl(out)}
    assert list(rows) == urls
    assert "HTTP 404" in rows[urls[1]]["error"]
    assert "application/pdf" in rows[urls[3]]["error"]
    assert "no article text" in rows[urls[4]]["error"]
    ok = [rows[u] for u in (urls[0], urls[2], urls[5])]
    assert all(row["error"] is None and row["translation"] for row in ok)
    page = news_site.page("002")
    assert ok[0]["title"] == page.title
    assert ok[0]["metadata"]["published"] == page.date
    assert ok[0]["metadata"]["author"] == page.author
    assert ok[0]["metadata"]["url"] == urls[0]
    # seeds 002 and 004 are one story; 003 is another
    assert ok[0]["story"] == ok[1]["story"] == urls[0]
    assert ok[2]["story"] == urls[5]
    assert ok[1]["duplicate_of"] is None
    assert "3 ok" in r.stderr and "3 failed" in r.stderr


def test_feed_resume_processes_only_new_items(
    news_site: Any, tiny_models: Any, tmp_path: Path
) -> None:
    out = tmp_path / "feed.jsonl"
    args = ["run", "--feed", news_site.url("/feed.xml"), "-o", str(out), *extract_args(tiny_models)]
    news_site.feed_items = 3
    try:
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, r.output
        assert [row["id"] for row in read_jsonl(out)] == [f"warta-00{n}-portal" for n in range(3)]
        before = dict(news_site.requests)
        news_site.feed_items = 5
        r = CliRunner().invoke(main, [*args, "--resume"])
        assert r.exit_code == 0, r.output
    finally:
        news_site.feed_items = None
    rows = read_jsonl(out)
    assert [row["id"] for row in rows] == [
        f"warta-00{n}-portal" for n in range(5)
    ]  # no loss, no dup
    for n in range(3):  # old items were not fetched again
        path = f"/portal/00{n}.html"
        assert news_site.requests.get(path, 0) == before.get(path, 0)
    assert "2 ok" in r.stderr and "3 skipped" in r.stderr
    # the new item 004 joins the story of the old item 002, indexed from the output file
    assert rows[4]["story"] == "warta-002-portal"


def test_run_usage_errors_for_web_inputs(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(main, ["run"])
    assert r.exit_code == EXIT_USAGE and "--feed" in r.stderr
    r = runner.invoke(main, ["run", "--feed", "not-a-url"])
    assert r.exit_code == EXIT_USAGE and "not an http(s) URL" in r.stderr
    r = runner.invoke(main, ["digest", str(tmp_path / "missing")])
    assert r.exit_code == EXIT_USAGE


def test_digest_of_the_seeds(tiny_models: Any, tmp_path: Path) -> None:
    out = tmp_path / "digest.md"
    args = ["--mt-model", tiny_models["marian"], "--sum-model", tiny_models["bart"], *FAST]
    r = CliRunner().invoke(main, ["digest", str(ROOT / "seeds"), "-o", str(out), *args])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    sections = text.split("\n## ")[1:]
    assert len(sections) == 4
    assert all("Sources:" in s and "\n1. " in s for s in sections)
    # the two-article story (seeds 002 and 004) comes first
    assert "2 articles" in sections[0]
    assert "`002_ab6709e7d6f059ae`" in sections[0] and "`004_657e0a5873e04fad`" in sections[0]
    assert "4 stories from 5 articles" in r.stderr

    jsonl = tmp_path / "digest.jsonl"
    r = CliRunner().invoke(main, ["digest", str(ROOT / "seeds"), "-o", str(jsonl), *args])
    assert r.exit_code == 0, r.output
    stories = read_jsonl(jsonl)
    assert [s["size"] for s in stories] == [2, 1, 1, 1]
    assert [a["id"][:3] for a in stories[0]["articles"]] == ["002", "004"]
    picked_from = {p["article"][:3] for p in stories[0]["picked"]}
    assert picked_from == {"002", "004"}  # sentences from both articles
    assert all(s["summary"] and s["error"] is None for s in stories)


def test_digest_of_pages_and_a_feed_has_links_and_dates(
    news_site: Any, tiny_models: Any, tmp_path: Path
) -> None:
    out = tmp_path / "digest.jsonl"
    r = CliRunner().invoke(
        main,
        [
            "digest",
            news_site.url("/detik/002.html"),
            news_site.url("/404"),
            "--feed",
            news_site.url("/atom.xml"),
            "-o",
            str(out),
            *extract_args(tiny_models)[:-1],  # digest has no progress bar
        ],
    )
    assert r.exit_code == EXIT_FAILED_RECORDS, r.output  # the 404
    lines = read_jsonl(out)
    stories = [x for x in lines if "story" not in x and "id" in x]
    failed = [x for x in lines if "failed" in x]
    assert [f["failed"] for f in failed] == [news_site.url("/404")]
    assert len(stories) == 4
    top = stories[0]
    assert top["size"] == 3  # wordpress 002 + 004 from the feed, detik 002
    assert top["date"] == "2024-07-10"
    assert all(a["url"] and a["published"] == "2024-07-10" for a in top["articles"])
    dup = [a for a in top["articles"] if a["duplicate_of"]]
    assert len(dup) == 1  # the same seed on two sites is a near-copy
    # extract-translate summaries are the picked sentences' translations: each is attributed
    assert top["sentences"] and all(s["article"] for s in top["sentences"])
