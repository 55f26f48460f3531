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
        "error_kind": None,
    }
    failed = {
        **record,
        "id": "r2",
        "error": "bad",
        "warnings": [],
        "alignment": [],
        "error_kind": "permanent",
    }
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


def _corrupt_row_group(path: Path, group: int) -> None:
    """Overwrite every byte of one row group's column chunks (the footer stays intact)."""
    meta = pq.ParquetFile(path).metadata.row_group(group)
    data = bytearray(path.read_bytes())
    for c in range(meta.num_columns):
        col = meta.column(c)
        start = col.dictionary_page_offset or col.data_page_offset
        data[start : start + col.total_compressed_size] = b"\xff" * col.total_compressed_size
    path.write_bytes(bytes(data))


def _forty_rows(path: Path, ids: list[str] | None = None) -> None:
    columns = {"text": [f"Berita nomor {i + 1} tentang banjir di Jakarta." for i in range(40)]}
    if ids is not None:
        columns = {"id": ids, **columns}
    pq.write_table(pa.table(columns), path, row_group_size=4)  # 10 row groups
    assert pq.ParquetFile(path).num_row_groups == 10
    _corrupt_row_group(path, 5)  # rows 21-24
    with pytest.raises(Exception, match="thrift|Invalid|Corrupt|deserial"):
        pq.ParquetFile(path).read_row_group(5)


def test_a_corrupted_row_group_becomes_error_records_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "news.parquet"
    _forty_rows(path)
    records = list(iter_records([path]))
    assert [r["id"] for r in records] == [f"news:{i}" for i in range(1, 41)]
    broken = [r for r in records if "_error" in r]
    assert [r["id"] for r in broken] == ["news:21", "news:22", "news:23", "news:24"]
    assert broken[0]["_error"].startswith(
        "cannot read row group 6 of 10 in news.parquet (rows 21-24): "
    )
    good = [r for r in records if "_error" not in r]
    assert [r["text"] for r in good] == [
        f"Berita nomor {i} tentang banjir di Jakarta." for i in range(1, 41) if not 21 <= i <= 24
    ]
    assert count_records([path]) == 40


def test_a_run_and_resume_read_past_a_corrupted_row_group(
    tmp_path: Path, tiny_models: dict[str, str]
) -> None:
    from click.testing import CliRunner

    from summarize.cli import main

    path = tmp_path / "news.parquet"
    _forty_rows(path, ids=[f"a{i}" for i in range(1, 41)])
    out = tmp_path / "out.jsonl"
    args = ["run", str(path), "-o", str(out), "-s", "extract-translate", "--mt-model",
            tiny_models["marian"], "--max-translation-length", "8", "--no-progress"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output  # some records failed
    assert "Traceback" not in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 40
    by_id = {r["id"]: r for r in lines}
    for i in range(1, 41):
        if 21 <= i <= 24:  # the id column of the group is unreadable too: row numbers
            assert f"news:{i}" in by_id and "row group 6" in by_id[f"news:{i}"]["error"]
        else:
            assert by_id[f"a{i}"]["error"] is None and by_id[f"a{i}"]["translation"]
    # keep half the output: --resume reads past the broken group again and completes
    out.write_text("".join(json.dumps(r) + "\n" for r in lines[:10]), encoding="utf-8")
    again = CliRunner().invoke(main, [*args, "--resume"])
    assert again.exit_code == 1, again.output
    resumed = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in resumed) == sorted(by_id)


def test_integral_float_ids_lose_their_fraction(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    ids = pa.array([2, 2.5, None, float("nan"), 1e16, -3], type=pa.float64())
    pq.write_table(pa.table({"id": ids, "text": ["t"] * 6}), path)
    assert [r["id"] for r in iter_records([path])] == [
        "2", "2.5", "f:3", "f:4", "10000000000000000", "-3"
    ]  # fmt: skip
