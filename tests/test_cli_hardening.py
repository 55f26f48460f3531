"""The CLI under faults: two writers, same-named files, SIGTERM, a full disk, --resume with
colliding ids. Real subprocesses and signals, tiny models."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import main
from summarize.cli_errors import EXIT_INTERRUPTED, EXIT_OUTPUT, EXIT_USAGE

FAST = ["--max-length", "8", "--max-translation-length", "8", "--no-progress"]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def command(tiny: dict[str, str], src: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "summarize", "run", str(src), "-o", str(out), "-b", "1",
        "--strategy", "extract-translate", "--mt-model", tiny["marian"], *FAST,
    ]  # fmt: skip


def wait_for_lines(proc: subprocess.Popen[bytes], out: Path, lines: int) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if out.exists() and len(out.read_bytes().splitlines()) >= lines:
            return
        if proc.poll() is not None:
            assert proc.stderr is not None
            pytest.fail(f"job ended before it could be stopped: {proc.stderr.read().decode()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"no {lines} output lines within 240 s")


def make_tree(root: Path, texts: list[str], n: int) -> set[str]:
    """``n`` articles, among them same-named files in different folders."""
    names = ["a/x.txt", "b/x.txt", "b/x.html", "c/d/x.md"] + [
        f"e/f{i:02d}.txt" for i in range(n - 4)
    ]
    for i, name in enumerate(names):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = f"Artikel nomor {i}. " + texts[i % len(texts)]
        path.write_text(f"<p>{text}</p>" if name.endswith(".html") else text, encoding="utf-8")
    return {"a/x", "b/x.txt", "b/x.html", "c/d/x"} | {f"f{i:02d}" for i in range(n - 4)}


def test_second_writer_is_refused_sigterm_keeps_output_and_resume_completes(
    tiny_models, tmp_path, seed_texts
):
    src = tmp_path / "in"
    expected = make_tree(src, list(seed_texts.values()), 24)
    out = tmp_path / "out.jsonl"
    cmd = command(tiny_models, src, out)
    first = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_lines(first, out, 2)
        second = subprocess.run(
            [*cmd, "--resume"], env=ENV, capture_output=True, text=True, timeout=300
        )
        assert second.returncode == EXIT_USAGE, second.stderr
        assert second.stderr.strip().splitlines() == [
            f"Error: {out} is being written by another process (pid {first.pid}); wait for it "
            "to finish or choose another output file"
        ]
        first.send_signal(signal.SIGTERM)
        _, stderr = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    message = stderr.decode()
    assert first.returncode == EXIT_INTERRUPTED, message
    assert "Interrupted:" in message and "--resume" in message and "Traceback" not in message
    written = read_jsonl(out)  # every line is whole
    assert 2 <= len(written) < 24
    assert not Path(f"{out}.lock").exists()
    done = subprocess.run([*cmd, "--resume"], env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    ids = [r["id"] for r in read_jsonl(out)]
    assert len(ids) == len(set(ids)) == 24 and set(ids) == expected


def test_resume_refuses_colliding_ids(tmp_path, tiny_models):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Satu."}\n{"id": "a", "text": "Dua."}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["run", str(src), "-o", str(out), "--resume", *FAST])
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.output.strip().splitlines() == [
        "Error: --resume needs unique ids, but the input repeats 'a'. Give the records distinct "
        "'id' values (or run without --resume into a new output file)."
    ]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_is_one_line_and_exit_4(tiny_models, seed_paths):
    result = CliRunner().invoke(
        main,
        ["run", str(seed_paths[0]), "-o", "/dev/full", "--strategy", "extract-translate",
         "--mt-model", tiny_models["marian"], *FAST],
    )  # fmt: skip
    assert result.exit_code == EXIT_OUTPUT, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Error: cannot write /dev/full: No space left on device (errno 28)")
    assert "Traceback" not in result.output


def _limit_file_size() -> None:  # runs in the child before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000))


def test_output_that_cannot_grow_stays_valid_and_resume_continues(tiny_models, tmp_path):
    src = tmp_path / "in"
    expected = make_tree(src, ["Presiden meresmikan jalan tol baru di Jawa Tengah."], 8)
    out = tmp_path / "out.jsonl"
    cmd = command(tiny_models, src, out)
    failed = subprocess.run(
        cmd, env=ENV, capture_output=True, text=True, timeout=600, preexec_fn=_limit_file_size
    )
    assert failed.returncode == EXIT_OUTPUT, failed.stderr
    assert (
        failed.stderr.strip()
        .splitlines()[-1]
        .startswith(f"Error: cannot write {out}: File too large")
    )
    assert "Traceback" not in failed.stderr
    kept = read_jsonl(out)  # valid JSONL: the partial line was cut off
    assert 0 < len(kept) < 8 and out.stat().st_size <= 6000
    done = subprocess.run([*cmd, "--resume"], env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    ids = [r["id"] for r in read_jsonl(out)]
    assert len(ids) == len(set(ids)) == 8 and set(ids) == expected


def test_unwritable_output_location_is_one_line_and_exit_4(tiny_models, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Presiden meresmikan jalan tol."}\n', encoding="utf-8")
    cases = {
        blocker / "out.jsonl": f"{blocker} is a file, not a folder",
        blocker / "sub" / "out.jsonl": f"{blocker} is a file, not a folder",
    }
    try:  # /sys refuses new files even to root (where it does not, skip that case)
        os.close(os.open("/sys/summarize-probe", os.O_RDWR | os.O_CREAT, 0o644))
    except OSError:
        cases[Path("/sys/summarize-out.jsonl")] = ""
    else:  # pragma: no cover
        os.unlink("/sys/summarize-probe")
    for out, reason in cases.items():
        result = CliRunner().invoke(
            main,
            ["run", str(src), "-o", str(out), "--strategy", "extract-translate",
             "--mt-model", tiny_models["marian"], *FAST],
        )  # fmt: skip
        assert result.exit_code == EXIT_OUTPUT, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: cannot write {out}: {reason}")
        assert "Traceback" not in result.output
