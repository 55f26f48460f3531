"""End to end in a real headless Chromium: paste a seed article and read the result,
then process a JSONL batch and download the results.

Screenshots go to ``artifacts/screenshots/`` (or ``$SUMMARIZE_ARTIFACTS``). When the
browser cannot start this test fails: it is never skipped.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_helpers import free_port, running_demo

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SUMMARIZE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 90_000
BATCH_TIMEOUT_MS = 300_000  # 20 articles take about 20 s on an idle 2-core machine; CI may be busy

pytestmark = pytest.mark.browser


def artifacts_dir() -> Path:
    base = os.environ.get("SUMMARIZE_ARTIFACTS")
    path = Path(base) if base else ROOT / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def app_url(tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from summarize.demo import DemoConfig
    from summarize.demo.config import DEFAULT_PIPELINE
    from summarize.types import GenerationSettings

    config = DemoConfig(
        port=free_port(),
        pipeline=DEFAULT_PIPELINE.replace(
            mt_model=tiny_models["marian"],
            sum_model=tiny_models["bart"],
            translation=GenerationSettings(num_beams=1, max_new_tokens=16),
            summary=GenerationSettings(num_beams=1, min_new_tokens=1, max_new_tokens=16),
            repair=False,  # the batch of 20 is about throughput; test_flags_are_shown repairs
        ),
        workdir=tmp_path_factory.mktemp("demo-browser"),
        preload=False,
        fetch_allow_private=True,  # the Digest tab test reads the news site on 127.0.0.1
    )
    with running_demo(config):
        yield f"http://127.0.0.1:{config.port}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright is not installed ({exc}); pip install playwright", pytrace=False)
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM} (install the Debian 'chromium' package or set "
            "SUMMARIZE_CHROMIUM)",
            pytrace=False,
        )
    with sync_playwright() as pw:
        try:
            instance = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000
            )
        except Exception as exc:
            pytest.fail(f"headless Chromium ({CHROMIUM}) could not start: {exc}", pytrace=False)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any, app_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url)
    page.wait_for_selector("#article-input textarea")
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            # keep what the browser showed, for a failure that does not reproduce
            shots = artifacts_dir()
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            (shots / "failure.html").write_text(page.content(), encoding="utf-8")
            (shots / "failure-console.txt").write_text("\n".join(console), encoding="utf-8")
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_article_then_batch(page: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    shots = artifacts_dir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    text = seeds[1].read_text(encoding="utf-8")
    # words from the middle of the first sentence (cleaning drops the site prefix)
    first_sentence = " ".join(text.split()[3:8])

    # ------------------------------------------------------------------ Article tab
    page.locator("#article-input textarea").fill(text)
    expect(page.locator("#article-input textarea")).to_have_value(text)
    started = time.perf_counter()
    page.locator("#summarize-btn").click()
    expect(page.locator("#summary-output textarea")).not_to_have_value("", timeout=TIMEOUT_MS)
    expect(page.locator("#info-panel")).to_contain_text("Compression")
    expect(page.locator("#info-panel")).to_contain_text("translation")
    table = page.locator("#alignment-table")
    expect(table).to_contain_text(first_sentence)
    grid = table.get_by_role("grid")
    assert int(grid.get_attribute("aria-rowcount") or 0) - 1 >= 5, "one row per sentence"
    cells = grid.get_by_role("gridcell")
    assert first_sentence in cells.nth(1).inner_text()
    assert cells.nth(2).inner_text().strip(), "the first sentence has an English translation"
    elapsed = time.perf_counter() - started
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    print(f"article round trip in the browser: {elapsed:.2f}s")

    # -------------------------------------------------------------------- Batch tab
    ids = [f"seed-{i}" for i in range(20)]
    jsonl = tmp_path / "articles.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for i, rid in enumerate(ids):  # distinct texts, so no article is served from the cache
            text = f"Artikel nomor {i}. " + seeds[i % len(seeds)].read_text(encoding="utf-8")
            fh.write(json.dumps({"id": rid, "text": text}) + "\n")
    page.get_by_role("tab", name="Batch").click()
    page.locator("#batch-files input[type=file]").set_input_files(str(jsonl))
    expect(page.locator("#batch-files")).to_contain_text("articles")  # shown as "articles .jsonl"
    page.locator("#batch-btn").click()
    progress = page.locator(".progress-text, .progress-level, .eta-bar").first
    progress.wait_for(state="attached", timeout=TIMEOUT_MS)  # Gradio's progress bar shows
    page.screenshot(path=str(shots / "batch-progress.png"), full_page=True)
    expect(page.locator("#batch-status")).to_contain_text("Done", timeout=BATCH_TIMEOUT_MS)
    expect(page.locator("#batch-status")).to_contain_text(f"{len(ids)} ok")
    # Gradio's table scrolls (about 14 rows fit) and may render rows lazily: check the row
    # count and the first rows, scroll, check the last row; the download checks every id.
    batch_table = page.locator("#batch-table")
    expect(batch_table.get_by_role("grid")).to_have_attribute("aria-rowcount", str(len(ids) + 1))
    for rid in ids[:5]:
        expect(batch_table).to_contain_text(rid)
    batch_table.get_by_role("grid").hover()
    page.mouse.wheel(0, 5000)
    expect(batch_table).to_contain_text(ids[-1])
    page.screenshot(path=str(shots / "batch.png"), full_page=True)

    link = page.locator("#batch-jsonl a[download], #batch-jsonl a").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = tmp_path / "downloaded.jsonl"
    download.save_as(str(target))
    results = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ids
    assert all(r["error"] is None and r["summary"] for r in results)

    # ------------------------------------------------------- an example fills the box
    page.get_by_role("tab", name="Article").click()
    page.get_by_role("button", name=seeds[2].read_text(encoding="utf-8").split()[0]).first.click()
    expect(page.locator("#article-input textarea")).to_have_value(
        seeds[2].read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def direct_app_url(
    tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo with the tiny cross-lingual summariser: its gibberish summary of seed 000
    names "Putin", who is not in the article (an unsupported name to mark)."""
    from summarize.demo import DemoConfig
    from summarize.demo.config import DEFAULT_PIPELINE
    from summarize.types import GenerationSettings

    config = DemoConfig(
        port=free_port(),
        pipeline=DEFAULT_PIPELINE.replace(
            strategy="direct",
            mt_model=tiny_models["marian"],
            sum_model=tiny_models["mt5_crosssum"],
            translation=GenerationSettings(num_beams=1, max_new_tokens=16),
            summary=GenerationSettings(num_beams=1, min_new_tokens=1, max_new_tokens=16),
            repair_translation=GenerationSettings(num_beams=1),
        ),
        workdir=tmp_path_factory.mktemp("demo-browser-flags"),
        preload=False,
    )
    with running_demo(config):
        yield f"http://127.0.0.1:{config.port}/"


def test_flags_are_shown(browser: Any, direct_app_url: str) -> None:
    """Flagged sentences are marked in the table with the reason; unsupported names of
    the summary are marked in the info panel (issue 13)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1366, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(direct_app_url)
        text = sorted((ROOT / "seeds").glob("*.txt"))[0].read_text(encoding="utf-8")
        page.locator("#article-input textarea").fill(text)
        page.locator("#summarize-btn").click()
        expect(page.locator("#summary-output textarea")).not_to_have_value("", timeout=TIMEOUT_MS)
        info = page.locator("#info-panel")
        expect(info).to_contain_text("Check these")
        # the tiny models' gibberish: every sentence is flagged, and retried
        table = page.locator("#alignment-table")
        expect(table).to_contain_text("Check")
        cells = table.get_by_role("grid").get_by_role("gridcell")
        assert "⚠" in cells.nth(0).inner_text(), "a flagged row is marked"
        reason = cells.nth(3).inner_text()
        assert "⚠" in reason and "truncated" in reason and "retried: stricter decoding" in reason
        # the spans the flags are about, highlighted in the sentence table (issue 19)
        marked_cells = table.locator("mark:visible")
        expect(marked_cells.first).to_be_visible()
        assert all(m.get_attribute("title") for m in marked_cells.all()[:5])
        expect(page.locator("#flags-note")).to_contain_text("cannot see meaning")
        # the summary's unsupported name, marked
        mark = info.locator("mark")
        expect(mark.first).to_be_visible()
        assert "Putin" in [m.inner_text() for m in mark.all()]
        expect(info).to_contain_text("Summary unsupported-name")
        page.screenshot(path=str(artifacts_dir() / "flags.png"), full_page=True)
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_digest_tab(page: Any, news_site: Any, tmp_path: Path) -> None:
    """Upload three seed articles and paste a link: 002 and 004 are one story."""
    from playwright.sync_api import expect

    shots = artifacts_dir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    uploads = [str(seeds[i]) for i in (0, 2, 4)]
    page.get_by_role("tab", name="Digest").click()
    page.locator("#digest-files input[type=file]").set_input_files(uploads)
    expect(page.locator("#digest-files")).to_contain_text(seeds[4].stem)
    page.locator("#digest-urls textarea").fill(
        news_site.url("/detik/001.html") + "\n" + news_site.url("/404")
    )
    page.locator("#digest-btn").click()
    status = page.locator("#digest-status")
    expect(status).to_contain_text("3 stories", timeout=BATCH_TIMEOUT_MS)
    expect(status).to_contain_text("from 4 articles")
    expect(status).to_contain_text("1 failed")
    output = page.locator("#digest-output")
    expect(output).to_contain_text("2 articles")
    expect(output).to_contain_text("Sources:")
    expect(output).to_contain_text(news_site.page("001", "detik").title)
    expect(output).to_contain_text("HTTP 404")
    page.screenshot(path=str(shots / "digest.png"), full_page=True)

    link = page.locator("#digest-file a[download], #digest-file a").first
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "digest.md"
    info.value.save_as(str(target))
    markdown = target.read_text(encoding="utf-8")
    assert markdown.startswith("# News digest")
    assert markdown.count("\n## ") == 4  # 3 stories + the unreadable inputs
    assert "`002_ab6709e7d6f059ae`" in markdown and "`004_657e0a5873e04fad`" in markdown
