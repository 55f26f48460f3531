"""The Ray engine on a 2-node cluster (``ray.cluster_utils.Cluster``: two raylets on this
machine, one CPU each) with input and OUTDIR on a local S3-compatible server, and the
driver's reconciliation: nothing counted that is not at OUTDIR."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("moto.server")

from ray.cluster_utils import Cluster  # noqa: E402
from s3_server import S3, running_s3  # noqa: E402

from summarize import storage  # noqa: E402
from summarize.config import PipelineConfig  # noqa: E402
from summarize.distributed import RayOptions, read_results  # noqa: E402
from summarize.distributed import output as parts  # noqa: E402
from summarize.distributed.engine import check_paths_reachable, reconcile  # noqa: E402
from summarize.errors import ConfigError, OutputError  # noqa: E402
from summarize.jobs import run_on_ray as ray_run  # noqa: E402
from summarize.types import GenerationSettings  # noqa: E402

N = 8


def _articles() -> bytes:
    base = "Pemerintah kota mengumumkan rencana baru untuk transportasi umum pada hari Senin."
    rows = [{"id": f"a{i}", "text": f"{base} Berita nomor {i} dari Jakarta."} for i in range(N)]
    rows[3]["text"] = ""  # a failed record among them
    rows[5]["text"] = rows[4]["text"]  # a near-copy: a story of two
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def _config(tiny: dict[str, str]) -> PipelineConfig:
    return PipelineConfig(
        strategy="extract-translate",
        mt_model=tiny["marian"],
        translation=GenerationSettings(num_beams=1, max_new_tokens=8),
    )


def _local(uri: str, config: PipelineConfig, batch_size: int) -> dict[str, dict[str, Any]]:
    """The local engine's records for the same S3 input (its reader, its story rule)."""
    from summarize.io import iter_records
    from summarize.jobs.stories import with_story as _with_story
    from summarize.pipeline import Pipeline
    from summarize.stories import StoryIndex

    stories = StoryIndex()
    out = {}
    for result in Pipeline(config).run(iter_records([uri]), batch_size=batch_size):
        result = _with_story(stories, result)
        out[result.id] = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    return out


def _without_timings(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "timings"}


@pytest.fixture(scope="module")
def s3() -> Iterator[S3]:
    with running_s3() as server:  # before the cluster: its raylets inherit AWS_*
        yield server


@pytest.fixture(scope="module")
def two_nodes(s3: S3) -> Iterator[Any]:
    cluster = Cluster(
        initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False}
    )
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    try:
        yield cluster
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()


def test_two_nodes_on_s3_write_the_local_engines_records(
    s3: S3, two_nodes: Any, tiny_models: dict[str, str]
) -> None:
    bucket = s3.bucket("cluster")
    s3.put(bucket, "in/news.jsonl", _articles())
    config = _config(tiny_models)
    options = RayOptions(
        address=two_nodes.address, actors=2, batch_size=4, rows_per_file=2, output_format="jsonl"
    )
    out = f"s3://{bucket}/out"
    summary = ray_run([f"s3://{bucket}/in"], out, config, options)
    expected = _local(f"s3://{bucket}/in", config, batch_size=4)
    got = list(read_results(out))
    assert Counter(r["id"] for r in got) == Counter({f"a{i}": 1 for i in range(N)})
    for record in got:
        assert _without_timings(record) == _without_timings(expected[record["id"]])
    assert any(r["duplicate_of"] for r in got) and any(r["error"] for r in got)
    assert (summary.ok, summary.failed, summary.skipped, summary.total) == (N - 1, 1, 0, N)
    assert summary.target == out
    keys = s3.keys(bucket, "out/")
    assert keys and all(k.startswith("out/part-") and k.endswith(".jsonl") for k in keys)

    # resume lists the part files through the same filesystem: lose one, redo only it
    lost = keys[0]
    lost_ids = {r["id"] for r in parts.read_part(f"s3://{bucket}/{lost}")}
    s3.delete(bucket, lost)
    again = ray_run([f"s3://{bucket}/in"], out, config, options, resume=True)
    assert again.skipped == N - len(lost_ids)
    assert again.ok + again.failed == len(lost_ids)
    final = list(read_results(out))
    assert Counter(r["id"] for r in final) == Counter({f"a{i}": 1 for i in range(N)})
    for record in final:
        assert _without_timings(record) == _without_timings(expected[record["id"]])


def test_two_nodes_refuse_local_paths_before_any_model_work(
    two_nodes: Any, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "in.jsonl").write_bytes(_articles())
    config = _config(tiny_models).replace(backend="ctranslate2")  # would convert first
    options = RayOptions(address=two_nodes.address, actors=1)
    started = time.monotonic()
    with pytest.raises(ConfigError) as err:
        ray_run([str(tmp_path / "in.jsonl")], tmp_path / "out", config, options)
    message = str(err.value)
    assert "2 nodes" in message and "--shared-path" in message and "s3://" in message
    assert "\n" not in message
    assert not (tmp_path / "out").exists()  # refused before the output was touched
    assert time.monotonic() - started < 60
    # --shared-path says every node sees the path: then it is accepted
    ray.init(address=two_nodes.address, include_dashboard=False, log_to_driver=False)
    try:
        check_paths_reachable(ray, [str(tmp_path / "in.jsonl")], tmp_path / "out", True)
        check_paths_reachable(ray, ["s3://b/in"], "s3://b/out", False)
        with pytest.raises(ConfigError):
            check_paths_reachable(ray, ["s3://b/in"], tmp_path / "out", False)
    finally:
        ray.shutdown()


# --------------------------------------------------------------------------- no silent loss


def test_reconcile_names_missing_part_files_and_records(tmp_path: Path) -> None:
    out = storage.resolve(tmp_path / "out")
    part = parts.write_part(out, ['{"id": "a0"}', '{"id": "a1"}'], "jsonl")
    assert part is not None
    (tmp_path / "in.jsonl").write_text('{"id": "a0"}\n{"id": "a1"}\n{"id": "a2"}\n')
    inputs = [str(tmp_path / "in.jsonl")]
    ok = {"ok": 2, "failed": 0, "skipped": 0}
    reconcile(out, inputs, 2, ok, {part.name: 2}, {"a0", "a1"})  # adds up: no error
    with pytest.raises(OutputError, match=r"not in .*'part-elsewhere\.jsonl'"):
        reconcile(out, inputs, 2, ok, {part.name: 2, "part-elsewhere.jsonl": 1}, {"a0", "a1"})
    with pytest.raises(OutputError, match=r"3 records read but 2 accounted for.*'a2'"):
        reconcile(out, inputs, 3, ok, {part.name: 2}, {"a0", "a1"})
    with pytest.raises(OutputError, match="without all their records"):
        reconcile(out, inputs, 2, ok, {part.name: 3}, {"a0", "a1"})


def test_an_unreadable_input_file_is_one_error_record_and_said_so(tmp_path: Path) -> None:
    from summarize.distributed.sources import RecordsDatasource, _Unreadable
    from summarize.types import RunSummary

    path = tmp_path / "gone.jsonl"
    path.write_text('{"id": "x"}\n{"id": "y"}\n')
    denied = _Unreadable(PermissionError(13, "Permission denied"))
    key = str(path.resolve())
    counted = list(RecordsDatasource([str(path)], count_only=True)._read_stream(denied, key))
    assert counted[0].to_pylist() == [{"n": 1, "unreadable": 1}]
    rows = list(RecordsDatasource([str(path)])._read_stream(denied, key))
    records = [r for table in rows for r in table.to_pylist()]
    assert len(records) == 1 and records[0]["id"] == "gone:?"
    line = RunSummary(0, 1, 0, 0, 1.0, 0.0, "out", total=1, unreadable=1).line()
    assert "1 failed (1 of them unreadable input files, one record each)" in line
