"""Readers and writer under hostile input: every bad line is an error record, reading goes
on, ids are unique, output is strict UTF-8 JSON, one writer per output file."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from summarize.errors import ConfigError
from summarize.io import (
    CSV_FIELD_LIMIT,
    DuplicateIdsError,
    JsonlWriter,
    OutputLock,
    OutputLockedError,
    check_unique_ids,
    completed_ids,
    count_records,
    duplicate_ids,
    iter_records,
    text_file_ids,
)

ROOT = Path(__file__).resolve().parent.parent


def records(*paths: Path) -> list[dict]:
    out = list(iter_records(paths))
    assert count_records(paths) == len(out)
    return out


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


# --------------------------------------------------------------------------- JSONL


def test_jsonl_hostile_lines_are_error_records_and_reading_goes_on(tmp_path):
    good = [json.dumps({"id": f"g{i}", "text": "Halo dunia."}).encode() for i in range(3)]
    path = write_lines(
        tmp_path / "in.jsonl",
        [
            good[0] + b"\n",
            b'{"id": "big", "n": ' + b"9" * 5000 + b', "text": "x"}\n',  # > 4,300 digits
            b"[" * 100_000 + b"\n",  # RecursionError in the decoder
            b'{"id": "esc", "text": "bad \\q escape"}\n',
            b'{"id": "deep", "text": "x", "m": ' + b"[" * 200 + b"]" * 200 + b"}\n",
            good[1] + b"\r\n",  # CRLF
            b"\xff\xfe not utf-8\n",
            b"NaN\n",
            good[2] + b"\n",
        ],
    )
    out = records(path)
    assert [r["id"] for r in out] == [
        "g0",
        "in:2",
        "in:3",
        "in:4",
        "in:5",
        "g1",
        "in:7",
        "in:8",
        "g2",
    ]
    assert "_error" not in out[0] and out[5]["text"] == "Halo dunia." and "_error" not in out[8]
    assert "4300" in out[1]["_error"] or "digits" in out[1]["_error"]
    assert "nested too deeply" in out[2]["_error"]
    assert "malformed JSON on line 4" in out[3]["_error"]
    assert "nested more than" in out[4]["_error"]
    assert "not valid UTF-8" in out[6]["_error"]
    assert "not a JSON object" in out[7]["_error"]


def test_jsonl_bom_on_first_line_and_blank_lines(tmp_path):
    path = write_lines(
        tmp_path / "bom.jsonl",
        [b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "t"}).encode() + b"\n", b"  \r\n", b"\n"],
    )
    assert records(path) == [{"id": "a", "text": "t"}]


def test_jsonl_lone_surrogates_are_replaced_with_a_warning(tmp_path):
    path = write_lines(
        tmp_path / "s.jsonl",
        [b'{"id": "a\\udc80", "text": "x\\ud800y", "extra": {"k\\udfff": "v"}}\n'],
    )
    (rec,) = records(path)
    assert rec["id"] == "a\ufffd" and rec["text"] == "x\ufffdy"
    assert rec["extra"] == {"k\ufffd": "v"}
    assert any("surrogate" in w for w in rec["_warnings"])
    json.dumps(rec, ensure_ascii=False).encode("utf-8")  # strict UTF-8 now


def test_jsonl_ids_are_strings_and_unusable_ids_fall_back(tmp_path):
    path = write_lines(
        tmp_path / "ids.jsonl",
        [
            b'{"id": 7, "text": "a"}\n',
            b'{"id": ["x"], "text": "b"}\n',
            b'{"id": "", "text": "c"}\n',
        ],
    )
    assert [r["id"] for r in records(path)] == ["7", "ids:2", "ids:3"]


# --------------------------------------------------------------------------- CSV


def test_csv_huge_field_bom_and_ragged_rows(tmp_path):
    path = tmp_path / "t.csv"
    huge = "a" * 200_000  # over the csv module's default limit of 131,072
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text"])
        w.writerow(["r1", "T", "Halo."])
        w.writerow(["r2", "T", huge])
        w.writerow(["r3", "T", "x", "surplus"])
        w.writerow(["r4", "T"])
        w.writerow(["r5", "T", "Akhir."])
    out = records(path)
    assert [r["id"] for r in out] == ["r1", "r2", "t:4", "r4", "r5"]
    assert out[0]["text"] == "Halo." and "_error" not in out[0]  # BOM not in "id"
    assert out[1]["text"] == huge and "_error" not in out[1]
    assert "4 fields but the header has 3" in out[2]["_error"]
    assert "no 'text' field" in out[3]["_error"]
    assert out[4]["text"] == "Akhir."


def test_csv_field_over_the_raised_limit_is_one_error_and_reading_goes_on(tmp_path):
    path = tmp_path / "over.csv"
    path.write_text(
        "id,text\nr1,Halo.\nr2," + "b" * (CSV_FIELD_LIMIT + 10) + "\nr3,Akhir.\n",
        encoding="utf-8",
    )
    out = records(path)
    assert [r.get("text") for r in out] == ["Halo.", None, "Akhir."]
    assert "field larger than field limit" in out[1]["_error"]


def test_csv_invalid_utf8_row_is_one_error(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(b"id,text\nr1,ok\nr2,bad \xff byte\nr3,fine\n")
    out = records(path)
    assert [r["id"] for r in out] == ["r1", "r2", "r3"]
    assert "not valid UTF-8" in out[1]["_error"] and "_error" not in out[2]


def test_csv_with_an_unreadable_header_is_one_error(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b"\x80")  # found by the property test
    (rec,) = records(path)
    assert "cannot read the header" in rec["_error"]


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    (rec,) = records(path)
    assert "no 'text' column" in rec["_error"]


# --------------------------------------------------------------------------- directories


def make_tree(root: Path, names: list[str]) -> None:
    for name in names:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Artikel {name}.", encoding="utf-8")


def test_directory_ids_are_unique_and_derived_from_the_path_on_collision(tmp_path):
    make_tree(tmp_path, ["a/x.txt", "b/x.txt", "b/x.html", "c/only.txt", "c/deep/y.md"])
    out = records(tmp_path)
    assert sorted(r["id"] for r in out) == ["a/x", "b/x.html", "b/x.txt", "only", "y"]


def test_text_file_ids_rule_is_order_independent():
    files = [
        (Path("/r/a/x.txt"), Path("/r")),
        (Path("/r/b/x.txt"), Path("/r")),
        (Path("z/x.txt"), None),
    ]
    ids = text_file_ids(files)
    assert ids == ["a/x", "b/x", "z/x"]
    assert text_file_ids(files[::-1]) == ids[::-1]


def test_duplicate_ids_are_found_across_files(tmp_path):
    (tmp_path / "x.txt").write_text("Satu.", encoding="utf-8")
    (tmp_path / "t.jsonl").write_text(
        '{"id": "x", "text": "a"}\n{"id": "k", "text": "b"}\n{"id": "k", "text": "c"}\n',
        encoding="utf-8",
    )
    assert duplicate_ids([tmp_path]) == ["k", "x"]  # t.jsonl is read first
    with pytest.raises(DuplicateIdsError, match="'k', 'x'"):
        check_unique_ids([tmp_path])
    (tmp_path / "t.jsonl").unlink()
    check_unique_ids([tmp_path])


def test_missing_path_raises_and_count_is_none(tmp_path):
    with pytest.raises(ConfigError):
        list(iter_records([tmp_path / "nope"]))
    assert count_records([tmp_path / "nope"]) is None


# --------------------------------------------------------------------------- writer


def test_writer_output_is_strict_utf8_json_with_a_warning(tmp_path):
    out = tmp_path / "o.jsonl"
    with JsonlWriter(out) as w:
        w.write({"id": "a\udc80", "summary": "s\ud800", "warnings": [], "m": {"x": math.nan}})
        w.write({"id": "b", "summary": "fine", "warnings": []})
    raw = out.read_bytes()
    raw.decode("utf-8")  # strict
    first, second = (json.loads(line) for line in raw.splitlines())
    assert first["id"] == "a\ufffd" and first["summary"] == "s\ufffd" and first["m"]["x"] is None
    assert any("surrogate" in w for w in first["warnings"])
    assert any("NaN" in w for w in first["warnings"])
    assert second == {"id": "b", "summary": "fine", "warnings": []}
    assert completed_ids(out) == {"a\ufffd", "b"}


def test_lock_second_writer_gets_an_error_naming_the_pid(tmp_path):
    out = tmp_path / "o.jsonl"
    with OutputLock(out):
        assert (tmp_path / "o.jsonl.lock").read_text().strip() == str(os.getpid())
        with pytest.raises(OutputLockedError, match=f"pid {os.getpid()}"):
            OutputLock(out).acquire()
    assert not (tmp_path / "o.jsonl.lock").exists()
    with OutputLock(out):  # free again
        pass
    with OutputLock("-"), OutputLock(None):  # stdout: nothing to lock
        pass


def test_lock_held_by_another_process(tmp_path):
    out = tmp_path / "o.jsonl"
    code = textwrap.dedent(
        f"""
        import sys, time
        from summarize.io import OutputLock
        with OutputLock({str(out)!r}):
            print("locked", flush=True)
            sys.stdin.readline()
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(OutputLockedError, match=f"pid {proc.pid}"):
            OutputLock(out).acquire()
    finally:
        proc.communicate("\n", timeout=30)
    with OutputLock(out):
        pass
