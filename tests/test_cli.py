"""The command line, through click's runner and (for SIGKILL/resume) a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import EXIT_FAILED_RECORDS, EXIT_FATAL, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parent.parent
# --no-repair: the tiny models' gibberish is flagged everywhere, and retrying every
# sentence would only slow these I/O tests down (repair is tested in test_pipeline_quality)
FAST = ["--max-length", "8", "--max-translation-length", "8", "--no-progress", "--no-repair"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def tiny_args(strategy: str, tiny: dict[str, str]) -> list[str]:
    sum_model = {
        "translate-summarize": tiny["bart"],
        "summarize-translate": tiny["mt5"],
        "direct": tiny["mt5_crosssum"],
    }.get(strategy)
    args = ["--strategy", strategy, "--mt-model", tiny["marian"]]
    return args + (["--sum-model", sum_model] if sum_model else [])


@pytest.mark.parametrize(
    "strategy", ["translate-summarize", "summarize-translate", "direct", "extract-translate"]
)
def test_run_seeds_every_strategy(strategy, tiny_models, tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main, ["run", str(ROOT / "seeds"), "-o", str(out), *tiny_args(strategy, tiny_models), *FAST]
    )
    assert result.exit_code == 0, result.output
    records = read_jsonl(out)
    assert len(records) == 5
    assert sorted(r["id"] for r in records) == sorted(
        p.stem for p in (ROOT / "seeds").glob("*.txt")
    )
    for r in records:
        assert r["error"] is None
        assert r["translation"].strip() and r["summary"].strip()
        assert r["strategy"] == strategy
        assert {"source", "alignment", "models", "settings", "timings", "warnings"} <= set(r)
    assert "5 ok" in result.stderr


def test_run_to_stdout_streams_jsonl(tiny_models):
    seed = next((ROOT / "seeds").glob("*.txt"))
    result = CliRunner().invoke(
        main, ["run", str(seed), *tiny_args("extract-translate", tiny_models), *FAST]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in lines] == [seed.stem]


def test_bad_corpus_completes_and_reports_each_record(tiny_models, tmp_path, seed_texts):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = list(seed_texts.values())
    (corpus / "empty.txt").write_text("  \n\n  ", encoding="utf-8")
    (corpus / "binary.bin").write_bytes(bytes(range(256)) * 20)
    (corpus / "page.html").write_text(
        "<html><head><title>NATO</title><style>p{}</style></head><body><h1>NATO dan Ukraina</h1>"
        + "".join(f"<p>{p}</p>" for p in seeds[0].splitlines() if p.strip())
        + "</body></html>",
        encoding="utf-8",
    )
    (corpus / "english.txt").write_text(
        "NATO Secretary General Jens Stoltenberg accused Russia of trying to use winter as a "
        "weapon of war. The ministers met in Bucharest and said the door remains open to Kyiv.",
        encoding="utf-8",
    )
    big = "\n".join(seeds)
    (corpus / "big.txt").write_text((big + "\n") * (1_000_000 // len(big) + 1), encoding="utf-8")
    assert (corpus / "big.txt").stat().st_size >= 1_000_000
    with (corpus / "batch.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "j-good", "text": seeds[1]}) + "\n")
        fh.write('{"id": "j-broken", "text": "no closing quote}\n')
        fh.write(json.dumps({"id": "j-good2", "text": seeds[2]}) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(corpus),
            "-o",
            str(out),
            "--batch-size",
            "4",
            *tiny_args("translate-summarize", tiny_models),
            *FAST,
        ],
    )
    assert result.exit_code == EXIT_FAILED_RECORDS, result.output
    by_id = {r["id"]: r for r in read_jsonl(out)}
    assert set(by_id) == {
        "empty",
        "binary",
        "page",
        "english",
        "big",
        "j-good",
        "batch:2",
        "j-good2",
    }
    for good in ("page", "english", "big", "j-good", "j-good2"):
        assert by_id[good]["error"] is None and by_id[good]["summary"], good
    assert "empty" in by_id["empty"]["error"]
    assert "binary" in by_id["binary"]["error"]
    assert "malformed JSON on line 2" in by_id["batch:2"]["error"]
    assert any("English" in w for w in by_id["english"]["warnings"])
    assert any("chunks" in w for w in by_id["big"]["warnings"])
    assert by_id["page"]["metadata"]["html"] is True
    assert "3 failed" in result.stderr


def test_default_models_offline_give_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = CliRunner().invoke(main, ["run", str(ROOT / "seeds"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == EXIT_FATAL
    assert "Helsinki-NLP/opus-mt-id-en" in result.stderr
    assert "summarize models pull" in result.stderr
    assert "Traceback" not in result.output


def test_usage_errors(tmp_path, tiny_models):
    runner = CliRunner()
    r = runner.invoke(main, ["run", str(ROOT / "seeds"), "--resume"])
    assert r.exit_code == EXIT_USAGE and "--resume needs an output file" in r.stderr
    r = runner.invoke(main, ["run", str(tmp_path / "missing.txt")])
    assert r.exit_code == EXIT_USAGE
    r = runner.invoke(main, ["run", str(ROOT / "seeds"), "--mt-model", tiny_models["bart"], *FAST])
    assert r.exit_code == EXIT_USAGE and "not a translation model" in r.stderr
    r = runner.invoke(main, ["run", str(ROOT / "seeds"), "--min-length", "9", "--max-length", "3"])
    assert r.exit_code == EXIT_USAGE


def test_help_has_examples():
    r = CliRunner().invoke(main, ["run", "--help"])
    assert r.exit_code == 0
    assert "Examples:" in r.output and "--resume" in r.output and "--strategy" in r.output


def test_resume_repairs_a_partial_line_and_skips_done_ids(tiny_models, tmp_path, seed_texts):
    src = tmp_path / "in.jsonl"
    texts = list(seed_texts.values())
    with src.open("w", encoding="utf-8") as fh:
        for i in range(12):
            fh.write(json.dumps({"id": f"a{i}", "text": texts[i % 5]}) + "\n")
    out = tmp_path / "out.jsonl"
    args = ["run", str(src), "-o", str(out), *tiny_args("extract-translate", tiny_models), *FAST]
    assert CliRunner().invoke(main, args).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:5]) + lines[5][:40], encoding="utf-8")  # killed mid-line
    r = CliRunner().invoke(main, [*args, "--resume"])
    assert r.exit_code == 0, r.output
    ids = [rec["id"] for rec in read_jsonl(out)]
    assert sorted(ids) == sorted(f"a{i}" for i in range(12)) and len(ids) == 12
    assert "5 skipped" in r.stderr


def test_sigkill_then_resume_loses_and_duplicates_nothing(tiny_models, tmp_path, seed_texts):
    src = tmp_path / "jobs.jsonl"
    texts = list(seed_texts.values())
    with src.open("w", encoding="utf-8") as fh:
        for i in range(200):  # unique text per record so nothing is served from a cache
            fh.write(
                json.dumps({"id": f"n{i:03d}", "text": f"Artikel {i}. " + texts[i % 5]}) + "\n"
            )
    out = tmp_path / "out.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "summarize",
        "run",
        str(src),
        "-o",
        str(out),
        "--batch-size",
        "2",
        *tiny_args("extract-translate", tiny_models),
        *FAST,
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = start_and_wait_for_lines(cmd, env, out, 20)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    written = len(read_jsonl_lenient(out))
    assert 20 <= written < 200
    done = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ids = [r["id"] for r in read_jsonl(out)]
    assert len(ids) == 200 and len(set(ids)) == 200


def test_ctrl_c_stops_cleanly_and_resume_continues(tiny_models, tmp_path, seed_texts):
    src = tmp_path / "jobs.jsonl"
    texts = list(seed_texts.values())
    with src.open("w", encoding="utf-8") as fh:
        for i in range(60):
            fh.write(json.dumps({"id": f"c{i:02d}", "text": f"Berita {i}. " + texts[i % 5]}) + "\n")
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "summarize", "run", str(src), "-o", str(out), "-b", "2"]
    cmd += [*tiny_args("extract-translate", tiny_models), *FAST]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = start_and_wait_for_lines(cmd, env, out, 4)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    message = stderr.decode()
    assert proc.returncode == 130, message
    assert "Interrupted:" in message and "--resume" in message
    assert "Traceback" not in message
    written = len(read_jsonl(out))
    assert 4 <= written < 60
    done = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ids = [r["id"] for r in read_jsonl(out)]
    assert ids == [f"c{i:02d}" for i in range(60)]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_and_wait_for_lines(
    cmd: list[str], env: dict[str, str], out: Path, lines: int
) -> subprocess.Popen[bytes]:
    """Start ``cmd`` and return once ``out`` has ``lines`` lines (the job still running).

    The child starts with SIGINT at its default, as in a terminal: a suite started in the
    background by a shell without job control inherits SIGINT ignored, and Python then
    never turns Ctrl-C into KeyboardInterrupt."""
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.exists() and len(out.read_bytes().splitlines()) >= lines:
            return proc
        if proc.poll() is not None:
            assert proc.stderr is not None
            pytest.fail(f"job ended before it could be stopped: {proc.stderr.read().decode()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"no {lines} output lines within 120 s")


def read_jsonl_lenient(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.endswith("}")]


def test_run_writes_the_final_story_ids_when_a_later_article_merges_two_stories(
    tiny_models, tmp_path
):
    from test_stories import A, C

    bridge = " ".join(A.split(". ")[:3]) + ". " + " ".join(C.split(". ")[:3]) + "."
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in [("a", A), ("c", C)]),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    args = ["run", str(src), "-o", str(out), *tiny_args("translate-summarize", tiny_models), *FAST]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert not (tmp_path / "out.jsonl.stories.json").exists()  # nothing merged yet
    with src.open("a", encoding="utf-8") as fh:  # the bridge arrives later: --resume
        fh.write(json.dumps({"id": "bridge", "text": bridge}) + "\n")
    second = CliRunner().invoke(main, [*args, "--resume"])
    assert second.exit_code == 0, second.output
    lines = {r["id"]: r["story"] for r in read_jsonl(out)}
    assert lines == {"a": "a", "c": "c", "bridge": "a"}  # "c" was written before the merge
    final = json.loads((tmp_path / "out.jsonl.stories.json").read_text(encoding="utf-8"))
    assert final == {"a": "a", "c": "a", "bridge": "a"}
    assert "1 article(s) written before their story merged" in second.output
    assert "out.jsonl.stories.json" in second.output
