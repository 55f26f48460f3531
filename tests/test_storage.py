"""Inputs and outputs on object storage (``s3://`` on a local S3-compatible server,
tests/s3_server.py), through the real S3 client code; URIs refused or reported in one
line; the Ray engine's bookkeeping that nothing is lost without a word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow.fs")
pytest.importorskip("moto.server")

from demo_helpers import free_port  # noqa: E402
from s3_server import S3, running_s3  # noqa: E402

from summarize import storage  # noqa: E402
from summarize.errors import BackendNotInstalledError, ConfigError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
#: Short outputs keep the tiny random models quick.
SHORT = ["-s", "extract-translate", "--num-beams", "1", "--max-translation-length", "8"]


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with running_s3() as server:
        yield server


def _articles(n: int = 6) -> bytes:
    base = "Pemerintah kota mengumumkan rencana baru untuk transportasi umum pada hari Senin."
    rows = [{"id": f"a{i}", "text": f"{base} Berita nomor {i} dari Jakarta."} for i in range(n)]
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def _cli(
    tiny: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "summarize", "run", *args, "--mt-model", tiny["marian"]]
    cmd += [*SHORT, "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)


def _records(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines() if line.strip()]


def _without_timings(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "timings"}


# --------------------------------------------------------------------------- URIs


def test_schemes_and_local_paths() -> None:
    assert storage.is_remote("s3://b/k") and storage.is_remote("GS://b/k")
    assert storage.is_uri("file:///tmp/x") and not storage.is_remote("file:///tmp/x")
    assert storage.local_path("file:///tmp/a%20b") == Path("/tmp/a b")
    assert storage.local_path("rel/x.jsonl") == Path("rel/x.jsonl")
    assert storage.local_path("s3://b/k") is None
    with pytest.raises(ConfigError, match="unsupported URI scheme 'ftp://'"):
        storage.resolve("ftp://host/x")
    with pytest.raises(ConfigError, match="file:///"):
        storage.local_path("file://otherhost/x")


def test_missing_filesystem_layer_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow.fs", None)  # import pyarrow.fs -> ImportError
    with pytest.raises(BackendNotInstalledError, match=r"summarize\[cloud\]"):
        storage.resolve("s3://bucket/key")


def test_hdfs_without_libhdfs_is_one_line() -> None:
    if os.environ.get("HADOOP_HOME") or os.environ.get("JAVA_HOME"):
        pytest.skip("a Hadoop or Java installation is present")
    with pytest.raises(BackendNotInstalledError) as err:
        storage.resolve("hdfs://namenode:8020/data")
    assert "\n" not in str(err.value) and "libhdfs" in str(err.value)


def test_atomic_write_and_listing_on_s3(s3: S3) -> None:
    bucket = s3.bucket("atomic")
    where = storage.resolve(f"s3://{bucket}/out")
    where.child("part-1.jsonl").write_atomic(b'{"id": "x"}\n')
    assert s3.keys(bucket) == ["out/part-1.jsonl"]  # no temporary key left
    assert [(loc.name, f) for loc, f in where.children()] == [("part-1.jsonl", True)]
    assert where.is_dir() and where.child("part-1.jsonl").read_bytes() == b'{"id": "x"}\n'


# --------------------------------------------------------------------------- local engine


def test_local_engine_reads_and_writes_s3(
    s3: S3, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    bucket = s3.bucket("local-engine")
    s3.put(bucket, "in/news.jsonl", _articles())
    s3.put(bucket, "in/more/one.txt", (SEEDS / sorted(os.listdir(SEEDS))[0]).read_bytes())
    s3.put(bucket, "in/.hidden.jsonl", b"not read\n")
    (tmp_path / "in" / "more").mkdir(parents=True)
    (tmp_path / "in" / "news.jsonl").write_bytes(_articles())
    (tmp_path / "in" / "more" / "one.txt").write_bytes(s3.get(bucket, "in/more/one.txt"))

    remote = _cli(
        tiny_models, f"s3://{bucket}/in", "-o", f"s3://{bucket}/out/run.jsonl", cwd=tmp_path
    )
    assert remote.returncode == 0, remote.stderr
    assert f"-> s3://{bucket}/out/run.jsonl" in remote.stderr
    assert s3.keys(bucket, "out/") == ["out/run.jsonl"]  # committed, no spool or temp key
    assert not (tmp_path / "s3:").exists()  # never a local folder named after the scheme

    local = _cli(tiny_models, "in", "-o", "local.jsonl", cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    got = _records(s3.get(bucket, "out/run.jsonl"))
    expected = _records((tmp_path / "local.jsonl").read_bytes())
    # the same files in the same order (hidden ones skipped), the same records
    assert (
        [r["id"] for r in got]
        == [r["id"] for r in expected]
        == [
            "one",
            *(f"a{i}" for i in range(6)),
        ]
    )
    # an article file's metadata names where it was read; the rest is the same
    assert got[0]["metadata"]["path"] == f"s3://{bucket}/in/more/one.txt"
    assert expected[0]["metadata"]["path"] == "in/more/one.txt"
    got[0]["metadata"]["path"] = expected[0]["metadata"]["path"]
    for g, e in zip(got, expected, strict=True):
        differ = sorted(k for k in {*g, *e} if k != "timings" and g.get(k) != e.get(k))
        assert not differ, (g["id"], {k: (g.get(k), e.get(k)) for k in differ})


def test_local_engine_resumes_on_s3(s3: S3, tiny_models: dict[str, str], tmp_path: Path) -> None:
    bucket = s3.bucket("resume")
    s3.put(bucket, "in.jsonl", _articles(6))
    out = f"s3://{bucket}/out.jsonl"
    first = _cli(tiny_models, f"s3://{bucket}/in.jsonl", "-o", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    full = _records(s3.get(bucket, "out.jsonl"))
    # as a run killed after its third record leaves the object (plus half a line)
    kept = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in full[:3])
    s3.put(bucket, "out.jsonl", kept + b'{"id": "a3", "transl')
    resumed = _cli(tiny_models, f"s3://{bucket}/in.jsonl", "-o", out, "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "3 skipped as already done" in resumed.stderr
    final = _records(s3.get(bucket, "out.jsonl"))
    assert [r["id"] for r in final] == [f"a{i}" for i in range(6)]
    assert [_without_timings(r) for r in final] == [_without_timings(r) for r in full]


def test_unwritable_bucket_is_one_line_before_models_load(
    s3: S3, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_bytes(_articles(1))
    result = _cli(tiny_models, "in.jsonl", "-o", "s3://no-such-bucket/out.jsonl", cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: cannot write s3://no-such-bucket/out.jsonl"), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no 's3:' folder


def test_missing_s3_input_is_a_usage_error(
    s3: S3, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    bucket = s3.bucket("empty")
    result = _cli(tiny_models, f"s3://{bucket}/nothing.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "does not exist" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("engine", ["local", "ray"])
def test_gs_output_never_becomes_a_local_folder(
    engine: str, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    if engine == "ray":
        pytest.importorskip("ray")
    (tmp_path / "in.jsonl").write_bytes(_articles(1))
    closed = free_port()  # a GCS endpoint where nothing answers: fails fast, in one line
    out = f"gs://bucket/out?scheme=http&endpoint_override=127.0.0.1:{closed}&retry_limit_seconds=1"
    result = _cli(tiny_models, "in.jsonl", "-o", out, "--engine", engine, cwd=tmp_path)
    assert result.returncode in (2, 4), result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ") and "gs://bucket/out" in lines[-1], lines
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no 'gs:' folder


def test_a_file_that_cannot_be_opened_is_one_error_record_and_reported(tmp_path: Path) -> None:
    from summarize.io import iter_records

    (tmp_path / "a.jsonl").write_text('{"id": "a1", "text": "x"}\n')
    (tmp_path / "b.jsonl").write_text('{"id": "b1", "text": "x"}\n{"id": "b2", "text": "y"}\n')
    unreadable: list[str] = []
    records = iter_records([tmp_path], on_unreadable=unreadable.append)
    first = next(records)  # the files are listed; a.jsonl is open
    (tmp_path / "b.jsonl").unlink()  # gone before it is read (as on a worker that lacks it)
    rest = list(records)
    assert first["id"] == "a1"
    assert [r["id"] for r in rest] == ["b:?"] and "cannot read" in rest[0]["_error"]
    assert unreadable == [str(tmp_path / "b.jsonl")]


def test_spooled_output_commits_on_checkpoint_and_at_the_end(s3: S3) -> None:
    bucket = s3.bucket("spool")
    with storage.SpooledOutput(f"s3://{bucket}/run.jsonl", resume=False, every=0.0) as spool:
        assert s3.keys(bucket) == []  # the write probe leaves nothing behind
        spool.path.write_bytes(b'{"id": "a"}\n')
        spool.checkpoint()
        assert s3.get(bucket, "run.jsonl") == b'{"id": "a"}\n'
        with spool.path.open("ab") as fh:
            fh.write(b'{"id": "b"}\n')
        (spool.path.parent / f"{spool.path.name}.stories.json").write_text('{"a": "a"}\n')
    assert s3.get(bucket, "run.jsonl") == b'{"id": "a"}\n{"id": "b"}\n'
    assert s3.get(bucket, "run.jsonl.stories.json") == b'{"a": "a"}\n'
    assert not spool.path.exists()  # the spool is gone
    with storage.SpooledOutput(f"s3://{bucket}/run.jsonl", resume=True) as again:
        assert again.path.read_bytes() == b'{"id": "a"}\n{"id": "b"}\n'  # resume starts here
