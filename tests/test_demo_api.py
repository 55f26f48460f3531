"""The web demo through its API: launch on 127.0.0.1 with the tiny models, call every
``api_name`` with ``gradio_client``, feed it bad input, and check it keeps serving.

Outputs of the tiny models are random text: only structure and behaviour are checked.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from demo_helpers import free_port, running_demo, unmarked

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SHORT_ID = (
    "Presiden Joko Widodo meresmikan jembatan baru di Jakarta pada Senin (10/7). "
    "Jembatan sepanjang 1.200 meter itu menelan biaya Rp 2,5 triliun dan dibangun selama "
    "dua tahun oleh PT Waskita Karya.\n\n"
    "Menurut Menteri Pekerjaan Umum, jembatan tersebut akan mengurangi kemacetan di pusat "
    "kota dan mempercepat distribusi barang ke pelabuhan."
)
ENGLISH = (
    "The government said on Monday that the new bridge in Jakarta would be opened next "
    "week. It is expected to reduce traffic in the centre of the city, and the minister "
    "said that it was built in two years."
)


@pytest.fixture(scope="module")
def app(tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    from summarize.config import PipelineConfig
    from summarize.demo import DemoConfig
    from summarize.types import GenerationSettings

    config = DemoConfig(
        port=free_port(),
        pipeline=PipelineConfig(
            mt_model=tiny_models["marian"],
            sum_model=tiny_models["bart"],
            max_chars=20_000,
            translation=GenerationSettings(num_beams=1, max_new_tokens=16),
            summary=GenerationSettings(num_beams=1, min_new_tokens=1, max_new_tokens=16),
        ),
        workdir=tmp_path_factory.mktemp("demo-work"),
        preload=False,
    )
    with running_demo(config) as demo:
        yield demo, config


@pytest.fixture(scope="module")
def client(app: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from gradio_client import Client

    _, config = app
    return Client(
        f"http://127.0.0.1:{config.port}/",
        verbose=False,
        download_files=str(tmp_path_factory.mktemp("downloads")),
        analytics_enabled=False,
    )


def article(client: Any, config: Any, text: str | None = None, file: Any = None, **kw: Any) -> Any:
    args = {
        "strategy": "translate-summarize",
        "mt_model": config.mt_model,
        "sum_model": config.sum_model,
        "length": "medium",
        **kw,
    }
    return client.predict(
        text,
        file,
        args["strategy"],
        args["mt_model"],
        args["sum_model"],
        args["length"],
        api_name="/summarize_article",
    )


def batch(client: Any, config: Any, files: list[Any], **kw: Any) -> Any:
    return client.predict(
        files,
        kw.get("strategy", "translate-summarize"),
        config.mt_model,
        config.sum_model,
        "medium",
        api_name="/process_batch",
    )


def app_error() -> type[Exception]:
    from gradio_client.exceptions import AppError

    return AppError


# ------------------------------------------------------------------------- launching


def test_import_has_no_side_effects() -> None:
    code = (
        "import sys, app, summarize.demo, summarize.cli;"
        "assert 'gradio' not in sys.modules, 'gradio imported';"
        "assert 'torch' not in sys.modules, 'torch imported';"
        "assert 'demo' in summarize.cli.main.commands"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_app_py_help_lists_env_vars() -> None:
    out = subprocess.run(
        [sys.executable, "app.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    for var in (
        "SUMMARIZE_HOST",
        "SUMMARIZE_PORT",
        "SUMMARIZE_MT_MODEL",
        "SUMMARIZE_SUM_MODEL",
        "SUMMARIZE_MAX_CHARS",
        "SUMMARIZE_CONCURRENCY",
    ):
        assert var in out
    assert "127.0.0.1" in out


def test_cli_options_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import summarize.demo.ui as ui
    from summarize.cli import main

    seen: dict[str, Any] = {}
    monkeypatch.setattr(ui, "launch_demo", lambda config: seen.setdefault("config", config))
    env = {
        "SUMMARIZE_PORT": "8123",
        "SUMMARIZE_MT_MODEL": "/models/mt",
        "SUMMARIZE_CONCURRENCY": "3",
        "SUMMARIZE_ARTICLE_BATCH_WAIT": "0.25",
    }
    args = ["--sum-model", "/models/sum", "--max-chars", "5000", "--max-length", "20"]
    result = CliRunner().invoke(main, ["demo", *args, "--article-batch-size", "4"], env=env)
    assert result.exit_code == 0, result.output
    config = seen["config"]
    assert (config.host, config.port) == ("127.0.0.1", 8123)
    assert (config.mt_model, config.sum_model) == ("/models/mt", "/models/sum")
    assert (config.concurrency, config.max_chars) == (3, 5000)
    assert config.summary.max_new_tokens == 20
    assert (config.article_batch_size, config.article_batch_wait_s) == (4, 0.25)
    assert config.summary_batch_tokens == 8192  # the demo's default, not the library's


def test_api_names(client: Any) -> None:
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/summarize_article", "/process_batch", "/evaluate"} <= set(endpoints)


# --------------------------------------------------------------------------- article


def test_summarize_article(client: Any, app: Any) -> None:
    _, config = app
    text = SEEDS[0].read_text(encoding="utf-8")
    summary, title, alignment, info, details = article(client, config, text)
    assert isinstance(summary, str) and summary.strip()
    assert isinstance(title, str)
    assert alignment["headers"][1].startswith("Indonesian")
    rows = alignment["data"]
    assert rows and all(len(r) == 4 for r in rows)
    assert len(rows) == len(details["alignment"])
    for row, sentence in zip(rows, details["alignment"], strict=True):  # flags: issue 13
        codes = [f["code"] for f in sentence["flags"]]
        assert ("⚠" in row[0]) == bool(codes)
        assert all(f"{code}:" in row[3] for code in codes)
    assert unmarked(rows[0][1]) in details["source"]
    assert all(r[2] for r in rows), "every sentence has a translation"
    for row, sentence in zip(rows, details["alignment"], strict=True):  # spans: issue 19
        assert unmarked(row[2]) == sentence["translation"]
        sides = {s["side"] for f in sentence["flags"] for s in f["spans"]}
        assert ("<mark" in row[1]) == ("source" in sides)
        assert ("<mark" in row[2]) == ("translation" in sides)
        assert isinstance(sentence["confidence"], float) and sentence["confidence"] < 0
        assert "confidence" in row[3]
    for word in ("Compression", "Numbers", "Time", "translation"):
        assert word in info
    assert details["summary"] == summary
    assert details["error"] is None
    assert details["metrics"]["compression"]["ratio"] > 1
    assert {"prepare", "translate", "summarize", "total"} <= set(details["timings"])


def test_article_upload_txt_and_html(client: Any, app: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    _, config = app
    txt = tmp_path / "berita.txt"
    txt.write_text(SHORT_ID, encoding="utf-8")
    summary, _, alignment, _, details = article(client, config, "ignored", handle_file(str(txt)))
    assert summary.strip() and details["id"] == "berita"
    assert unmarked(alignment["data"][0][1]).startswith("Presiden Joko Widodo")

    html = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in SHORT_ID.split("\n\n"))
    html.write_text(
        f"<html><head><title>Jembatan baru</title><script>var x = 1;</script></head>"
        f"<body><h1>Jembatan baru diresmikan</h1>{paragraphs}</body></html>",
        encoding="utf-8",
    )
    summary, _, alignment, _, details = article(client, config, None, handle_file(str(html)))
    assert summary.strip()
    assert "var x" not in details["source"] and "<p>" not in details["source"]


def test_english_input_skips_translation(client: Any, app: Any) -> None:
    _, config = app
    summary, _, alignment, info, details = article(client, config, ENGLISH)
    assert summary.strip()
    assert "translation skipped" in info
    assert any("English" in w for w in details["warnings"])
    assert all(r[1] == r[2] for r in alignment["data"]), "English input is passed through"


def test_extract_translate_strategy(client: Any, app: Any) -> None:
    _, config = app
    summary, _, alignment, info, details = article(
        client, config, SHORT_ID, strategy="extract-translate", sum_model="", length="short"
    )
    assert details["strategy"] == "extract-translate"
    assert "summarization" not in details["models"]
    assert summary.strip()


# ----------------------------------------------------------------------------- batch


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def test_process_batch_jsonl_with_bad_lines(client: Any, app: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    _, config = app
    path = tmp_path / "artikel.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a1", "title": "Jembatan", "text": SHORT_ID}) + "\n")
        fh.write('{"id": "broken", "text": \n')  # malformed JSON
        fh.write(json.dumps({"id": "a2", "text": SEEDS[1].read_text(encoding="utf-8")}) + "\n")
        fh.write(json.dumps({"id": "no-text", "body": "x"}) + "\n")
        fh.write(json.dumps({"id": "empty", "text": "   "}) + "\n")
        fh.write(json.dumps({"id": "en", "text": ENGLISH}) + "\n")
    table, jsonl_file, csv_file, status = batch(client, config, [handle_file(str(path))])
    rows = {r[0]: r for r in table["data"]}
    assert table["headers"] == ["id", "status", "summary", "errors / warnings"]
    assert list(rows) == ["a1", "artikel:2", "a2", "no-text", "empty", "en"]
    assert rows["a1"][1] == rows["a2"][1] == "ok" and rows["a1"][2].strip()
    for bad in ("artikel:2", "no-text", "empty"):
        assert rows[bad][1] == "error" and rows[bad][3]
    assert "malformed JSON" in rows["artikel:2"][3]
    assert "translation skipped" in rows["en"][3]
    assert "6 articles" in status and "3 failed" in status

    results = _read_jsonl(jsonl_file)
    assert [r["id"] for r in results] == list(rows)
    assert results[0]["title"] == "Jembatan" and results[0]["alignment"]
    with open(csv_file, encoding="utf-8", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert [r["id"] for r in csv_rows] == list(rows)
    assert csv_rows[1]["error"]


def test_process_batch_txt_and_csv(client: Any, app: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    _, config = app
    one = tmp_path / "satu.txt"
    one.write_text(SHORT_ID, encoding="utf-8")
    two = tmp_path / "dua.txt"
    two.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")  # binary
    table_csv = tmp_path / "tabel.csv"
    with table_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "text"])
        writer.writerow(["c1", "", SHORT_ID])
    table, jsonl_file, _, status = batch(
        client, config, [handle_file(str(p)) for p in (one, two, table_csv)]
    )
    rows = {r[0]: r for r in table["data"]}
    assert set(rows) == {"satu", "dua", "c1"}
    assert rows["satu"][1] == rows["c1"][1] == "ok"
    assert rows["dua"][1] == "error"
    results = {r["id"]: r for r in _read_jsonl(jsonl_file)}
    assert results["satu"]["metadata"].get("file") == "satu.txt"
    assert "/" not in str(results["satu"]["metadata"].get("file")), "no server paths leak"


# -------------------------------------------------------------------------- evaluate


def test_evaluate_uploaded_outputs(client: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    path = tmp_path / "outputs.jsonl"
    rows = [
        (
            "Harga beras naik 10 persen.",
            "Rice prices rose 10 percent.",
            "Rice price up 10 percent.",
        ),
        (
            "Presiden tiba di Bali.",
            "The president arrived in Bali.",
            "The president arrives in Bali.",
        ),
        ("Hujan deras melanda Jakarta.", "Heavy rain hit Jakarta.", "Heavy rain hits Jakarta."),
        (
            "Pasar saham ditutup menguat.",
            "The stock market closed higher.",
            "Stocks closed higher.",
        ),
        ("Banjir merendam 200 rumah.", "Floods submerged 200 houses.", "Flood hits 200 homes."),
        ("Menteri membuka pameran.", "The minister opened the exhibition.", "Minister opens fair."),
    ]
    with path.open("w", encoding="utf-8") as fh:
        for src, ref, pred in rows:
            fh.write(json.dumps({"source": src, "reference": ref, "prediction": pred}) + "\n")
    table, plot, files = client.predict(
        None, handle_file(str(path)), "translation", 5, 50, api_name="/evaluate"
    )
    assert "prediction" in table and "BLEU" in table.upper()
    assert "[" in table and "95%" in table, "scores come with confidence intervals"
    assert "5 items" in table, "the limit applies"
    assert plot and Path(plot).read_bytes()[:4] == b"\x89PNG"
    names = {Path(f).name for f in files}
    assert {"results.json", "report.md"} <= names
    results = json.loads(next(Path(f) for f in files if f.endswith("results.json")).read_text())
    assert results["items"] == 5 and "prediction" in results["systems"]


def test_evaluate_suite(client: Any) -> None:
    """A suite from eval/: scored when its data is present, a clear message otherwise."""
    from summarize.evaluation.suite import load_suite

    suite = load_suite("indosum-baselines")
    if all(Path(f).is_file() for f in suite.dataset.files()):
        table, plot, files = client.predict(
            "indosum-baselines", None, "auto", 8, 50, api_name="/evaluate"
        )
        assert "lead-3" in table and "ROUGE" in table and "8 items" in table
        assert plot and files
    else:
        with pytest.raises(app_error(), match=r"(?i)not found|no such|missing"):
            client.predict("indosum-baselines", None, "auto", 8, 50, api_name="/evaluate")


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"article is empty"),
        ("   \n\t ", r"article is empty"),
        ("kata " * 5_000, r"25,000 characters; this demo accepts up to 20,000"),
    ],
    ids=["empty", "whitespace", "too-large"],
)
def test_bad_article_text(client: Any, app: Any, text: str, message: str) -> None:
    _, config = app
    with pytest.raises(app_error(), match=message):
        article(client, config, text)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "gambar.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00",
            r"not look like a text",
        ),
        ("latin1.txt", "Berita tentang café dan résumé di Jakarta.".encode("latin-1"), r"UTF-8"),
        ("utf16.txt", SHORT_ID.encode("utf-16"), r"UTF-8"),
        ("laporan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", r"Invalid file type|not a text or HTML"),
        ("kosong.txt", b"", r"(?i)empty"),
    ],
    ids=["binary", "latin-1", "utf-16", "pdf", "empty-file"],
)
def test_bad_article_upload(
    client: Any, app: Any, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    from gradio_client import handle_file

    _, config = app
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(app_error(), match=message):
        article(client, config, None, handle_file(str(path)))


def test_unavailable_model_shows_domain_error(client: Any, app: Any, tmp_path: Path) -> None:
    _, config = app
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(app_error()) as info:
        article(client, config, SHORT_ID, mt_model=missing)
    message = str(info.value)
    assert f"model directory '{missing}' does not exist" in message
    assert "Traceback" not in message


def test_wrong_model_kind_is_explained(client: Any, app: Any) -> None:
    _, config = app
    with pytest.raises(app_error(), match=r"needs a summarization model"):
        article(client, config, SHORT_ID, sum_model=config.mt_model)


def test_bad_batch_and_eval_requests(client: Any, app: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    _, config = app
    with pytest.raises(app_error(), match=r"Upload a JSONL or CSV"):
        batch(client, config, [])
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(app_error(), match=r"Invalid file type|not a supported file"):
        batch(client, config, [handle_file(str(pdf))])
    with pytest.raises(app_error(), match=r"Pick a suite"):
        client.predict(None, None, "auto", None, None, api_name="/evaluate")
    bad = tmp_path / "pairs.jsonl"
    bad.write_text(json.dumps({"source": "a", "prediction": "b"}) + "\n", encoding="utf-8")
    with pytest.raises(app_error(), match=r"reference"):
        client.predict(None, handle_file(str(bad)), "auto", None, 20, api_name="/evaluate")


def test_still_serving_after_errors(client: Any, app: Any) -> None:
    _, config = app
    with pytest.raises(app_error()):
        article(client, config, "")
    with pytest.raises(app_error()):
        article(client, config, SHORT_ID, mt_model="/definitely/not/here")
    summary, *_ = article(client, config, SHORT_ID)
    assert summary.strip()


def test_models_are_shared_between_requests(app: Any) -> None:
    demo, config = app
    service = demo.summarize_service
    a = service.pipeline("translate-summarize", config.mt_model, config.sum_model, "medium")
    b = service.pipeline("translate-summarize", "", "", "medium")
    assert a is b
    assert (
        a.translator.engine
        is service.pipeline(
            "translate-summarize", config.mt_model, config.sum_model, "short"
        ).translator.engine
    )


def test_binds_localhost_by_default() -> None:
    from summarize.demo import DemoConfig

    assert DemoConfig().host == "127.0.0.1"


def test_old_request_outputs_are_pruned(tmp_path: Path) -> None:
    import os
    import time

    from summarize.demo import DemoConfig
    from summarize.demo.service import DemoService

    service = DemoService(DemoConfig(workdir=tmp_path, keep_outputs_s=3600, preload=False))
    old = tmp_path / "batch-20200101-000000-deadbeef"
    recent = tmp_path / "eval-20200101-000000-cafef00d"
    unrelated = tmp_path / "keep-me-1-2"
    for d in (old, recent, unrelated):
        d.mkdir()
        (d / "results.jsonl").write_text("{}\n")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(unrelated, (two_hours_ago, two_hours_ago))
    fresh = service._request_dir("batch")
    assert fresh.is_dir() and recent.is_dir() and unrelated.is_dir()
    assert not old.exists()
    forever = DemoService(DemoConfig(workdir=tmp_path, keep_outputs_s=None, preload=False))
    os.utime(recent, (two_hours_ago, two_hours_ago))
    forever._request_dir("eval")
    assert recent.is_dir()


def test_concurrent_article_requests_that_arrive_apart_share_one_batch(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    """Requests let in together reach the batcher milliseconds apart: the free worker
    waits for them (article_batch_wait_s) instead of running the first one alone."""
    import threading
    import time

    from summarize.config import PipelineConfig
    from summarize.demo import DemoConfig
    from summarize.demo.service import DemoService
    from summarize.types import GenerationSettings

    gen = GenerationSettings(num_beams=1, min_new_tokens=1, max_new_tokens=8)
    config = DemoConfig(
        pipeline=PipelineConfig(
            mt_model=tiny_models["marian"],
            sum_model=tiny_models["bart"],
            translation=gen,
            summary=gen,
        ),
        workdir=tmp_path,
        preload=False,
        article_batch_size=4,
        article_batch_wait_s=2.0,
    )
    service = DemoService(config)
    pipe = service.pipeline("translate-summarize", "", "", "medium")
    sizes: list[int] = []
    real = pipe.process_batch

    def recording(records: Any, **kw: Any) -> Any:
        sizes.append(len(records))
        return real(records, **kw)

    pipe.process_batch = recording  # the real pipeline, its calls counted
    outputs: list[Any] = []

    def ask(i: int) -> None:
        text = f"Presiden Joko Widodo meresmikan jalan tol nomor {i} di Jawa Barat."
        outputs.append(service.summarize_article(text, None, "translate-summarize", "", ""))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # apart, as the queue lets them in
    for t in threads:
        t.join(120)
    assert sizes == [4] and len(outputs) == 4
    assert all(o.summary for o in outputs)
