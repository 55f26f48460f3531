"""Property tests for the readers: any bytes in a JSONL/CSV file, any file tree, give one
record per line/row (or file), never an exception, a count that agrees, unique ids for
text files and records that encode as strict UTF-8 JSON.

Short in CI; ``HYPOTHESIS_PROFILE=fuzz`` runs 10,000 inputs per test (docs/hardening.md).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import fuzz_settings  # noqa: F401  (registers and loads the profile)
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarize.io import JsonlWriter, count_records, iter_records

pytestmark = pytest.mark.fuzz

# Pieces a hostile JSONL line is built from.
JSON_PIECES = [
    b'{"id": "a", "text": "Halo."}',
    b'{"text": "tanpa id"}',
    b'{"id": "\\udc80", "text": "\\ud800"}',
    b'{"id": 1e999, "text": NaN}',
    b"9" * 4400,
    b"[" * 3000,
    b"{" * 50,
    b'"\\q"',
    b"\xef\xbb\xbf",
    b"\r",
    b"\x00",
    b"\xff",
    b'{"id": "x", "text": ',
    b"]",
    b"}",
    b",",
    b'"',
    b"null",
    b"[]",
]


@st.composite
def jsonl_bytes(draw: st.DrawFn) -> bytes:
    lines = draw(
        st.lists(
            st.one_of(
                st.lists(st.sampled_from(JSON_PIECES), max_size=4).map(b"".join),
                st.binary(max_size=40),
                st.builds(
                    lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                    st.dictionaries(
                        st.sampled_from(["id", "text", "title", "x"]),
                        st.one_of(st.text(max_size=20), st.integers(), st.none()),
                        max_size=4,
                    ),
                ),
            ),
            max_size=8,
        )
    )
    ends = draw(
        st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=len(lines), max_size=len(lines))
    )
    return b"".join(line + end for line, end in zip(lines, ends, strict=True)) + draw(
        st.sampled_from([b"", b"{", b"\xef\xbb\xbf"])
    )


CSV_PIECES = ["id", "text", "title", ",", '"', '""', "\n", "\r\n", "\r", "\ufeff", "a", " ", "\x00"]


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    text = "".join(
        draw(st.lists(st.one_of(st.sampled_from(CSV_PIECES), st.text(max_size=5)), max_size=40))
    )
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"id,text\n" + data
    if draw(st.booleans()):
        data += draw(st.binary(max_size=10))
    return data


def check(paths: list[Path]) -> list[dict]:
    out = list(iter_records(paths))
    assert count_records(paths) == len(out)
    for rec in out:
        assert isinstance(rec["id"], str)
        line = JsonlWriter.encode(
            rec | {"text": None} if isinstance(rec.get("text"), bytes) else rec
        )
        line.encode("utf-8")  # strict UTF-8
        json.loads(line)
    return out


def in_tmp(name: str, data: bytes) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        path = tmp / name
        path.write_bytes(data)
        return check([path])
    finally:
        shutil.rmtree(tmp)


@given(jsonl_bytes())
def test_jsonl_any_bytes(data: bytes) -> None:
    out = in_tmp("in.jsonl", data)
    assert len(out) == sum(
        1 for line in data.split(b"\n") if line.removeprefix(b"\xef\xbb\xbf").strip()
    )


@given(csv_bytes())
def test_csv_any_bytes(data: bytes) -> None:
    in_tmp("in.csv", data)


NAMES = st.sampled_from(["x", "y", "x.y", "a b", "é"])
SUFFIXES = st.sampled_from([".txt", ".html", ".md", ".TXT"])


@given(st.lists(st.tuples(st.lists(NAMES, max_size=2), NAMES, SUFFIXES), max_size=8))
def test_directory_ids_are_unique(tree: list[tuple[list[str], str, str]]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        files = set()
        for folders, stem, suffix in tree:
            path = tmp.joinpath(*folders, stem + suffix)
            if any(p == path or path in p.parents or p in path.parents for p in files):
                continue  # a name cannot be both a file and a folder
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("Halo.", encoding="utf-8")
            files.add(path)
        out = check([tmp])
        ids = [r["id"] for r in out]
        assert len(ids) == len(set(ids)) == len(files)
    finally:
        shutil.rmtree(tmp)
