"""Parquet input (read by row groups, ids like CSV rows) and the Ray engine's part files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from summarize.distributed import output  # noqa: E402
from summarize.io import count_records, iter_records  # noqa: E402


def test_parquet_rows_stream_by_row_group_with_ids(tmp_path: Path) -> None:
    path = tmp_path / "news.parquet"
    table = pa.table(
        {"id": ["a", None, "c"], "text": ["satu", "dua", None], "source": ["x", "y", "z"]}
    )
    pq.write_table(table, path, row_group_size=2)  # two row groups
    assert pq.ParquetFile(path).num_row_groups == 2
    records = list(iter_records([path]))
    assert [r["id"] for r in records] == ["a", "news:2", "c"]
    assert [r["text"] for r in records] == ["satu", "dua", None]
    assert records[1]["source"] == "y"
    assert count_records([path]) == 3


def test_parquet_without_text_column_and_broken_file(tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["a"], "body": ["x"]}), tmp_path / "a.parquet")
    (tmp_path / "b.parquet").write_bytes(b"not parquet at all")
    records = list(iter_records([tmp_path / "a.parquet", tmp_path / "b.parquet"]))
    assert records[0]["id"] == "a" and "no 'text' column" in records[0]["_error"]
    assert records[1]["id"] == "b:?" and "cannot read b.parquet as Parquet" in records[1]["_error"]


def test_part_files_round_trip_and_resume_ids(tmp_path: Path) -> None:
    record = {
        "id": "r1",
        "source": "Sumber.",
        "translation": "Source.",
        "summary": "Sum.",
        "title": None,
        "title_translation": None,
        "alignment": [{"paragraph": 0, "index": 0, "source": "Sumber.", "translation": "Source."}],
        "strategy": "translate-summarize",
        "models": {"translation": {"model": "m", "revision": "local"}},
        "settings": {"strategy": "translate-summarize"},
        "timings": {"total": 0.1},
        "warnings": ["w"],
        "metadata": {"path": "a.txt", "n": [1, 2]},
        "error": None,
        "story": None,
        "duplicate_of": None,
        "flags": [{"code": "repetition", "message": "loop", "spans": []}],
        "flag_counts": {"repetition": 1},
    }
    failed = {**record, "id": "r2", "error": "bad", "warnings": [], "alignment": []}
    lines = output.lines_of([record, failed])
    for fmt in output.FORMATS:
        out = tmp_path / fmt
        path = output.write_part(out, lines, fmt)
        assert path is not None and path.name.startswith("part-")
        assert [p.name for p in out.iterdir()] == [path.name]  # no temporary file left
        assert list(output.read_results(out)) == [record, failed]
        assert output.completed_ids(out) == {"r1", "r2"}
    assert (tmp_path / "jsonl").joinpath(output.part_files(tmp_path / "jsonl")[0].name).read_text(
        encoding="utf-8"
    ) == "".join(line + "\n" for line in lines)
    columns = pq.read_table(output.part_files(tmp_path / "parquet")[0]).column_names
    assert columns[:3] == ["id", "source", "translation"]
    assert (
        json.loads(pq.read_table(output.part_files(tmp_path / "parquet")[0])["metadata"][0].as_py())
        == record["metadata"]
    )


def test_unfinished_part_files_are_removed_and_a_fresh_run_refuses_old_results(
    tmp_path: Path,
) -> None:
    from summarize.errors import ConfigError

    (tmp_path / ".part-x.parquet.tmp").write_bytes(b"half")
    assert output.remove_unfinished(tmp_path) == 1
    output.write_part(tmp_path, output.lines_of([{"id": "a"}]), "jsonl")
    with pytest.raises(ConfigError, match="--resume"):
        output.check_outdir(tmp_path, resume=False)
    output.check_outdir(tmp_path, resume=True)
