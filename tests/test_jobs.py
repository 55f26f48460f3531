"""One job, three paths: each job semantic (resume, skipped ids, failed records, story ids,
closing counts) runs once through :func:`summarize.jobs.run_job` and is checked on the
local engine, the Ray engine (a real local Ray, ``ray.init(num_cpus=2)``, one session for
the module) and the demo's Batch tab (its records, its shared pipeline, its job).

Tiny random-weight models, ``extract-translate`` with a few tokens: quick, and enough to
tell records apart."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from summarize.config import PipelineConfig
from summarize.jobs import Done, Finished, Job, JobEvent, run_job
from summarize.types import GenerationSettings, RunSummary

PATHS = ("local", "ray", "demo")

BRIDGE = (
    "Presiden Joko Widodo meresmikan jembatan baru di Jakarta pada Senin. Jembatan "
    "sepanjang 1.200 meter itu dibangun selama dua tahun oleh PT Waskita Karya."
)
RICE = (
    "Harga beras di pasar tradisional Surabaya naik 10 persen pekan ini. Pedagang "
    "mengatakan pasokan dari petani berkurang karena musim hujan."
)
RAIN = (
    "Hujan deras melanda Bandung sejak Selasa pagi. Banjir setinggi satu meter merendam "
    "ratusan rumah warga di tiga kecamatan."
)
MARKET = (
    "Pasar saham Indonesia ditutup menguat pada perdagangan Rabu. Indeks harga saham "
    "gabungan naik 1,2 persen didorong saham perbankan."
)
ENGLISH = (
    "The government said on Monday that the new bridge in Jakarta would be opened next "
    "week. It is expected to reduce traffic in the centre of the city, and the minister "
    "said that it was built in two years."
)


def _config(tiny_models: dict[str, str]) -> PipelineConfig:
    return PipelineConfig(
        strategy="extract-translate",
        mt_model=tiny_models["marian"],
        translation=GenerationSettings(num_beams=1, max_new_tokens=8),
        batch_size=2,
    )


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """One real local Ray for the module's Ray runs (started on first use)."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("pyarrow")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@dataclass
class Run:
    summary: RunSummary
    records: list[dict[str, Any]]
    events: list[JobEvent]


class JobPath:
    """Runs a job over one JSONL input the way one of :data:`PATHS` does."""

    def __init__(self, kind: str, config: PipelineConfig, folder: Path, request: Any) -> None:
        self.kind = kind
        self.config = config
        self.folder = folder
        self.request = request
        self.pool: Any = None

    def output(self) -> Path:
        return self.folder / ("out" if self.kind == "ray" else "out.jsonl")

    def run(self, source: Path, *, resume: bool = False) -> Run:
        events: list[JobEvent] = []
        summary = getattr(self, f"_{self.kind}")(source, resume, events.append)
        return Run(summary, self.records(), events)

    def records(self) -> list[dict[str, Any]]:
        if self.kind == "ray":
            from summarize.distributed import read_results

            return list(read_results(self.output()))
        text = self.output().read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def _local(self, source: Path, resume: bool, on_event: Any) -> RunSummary:
        job = Job((str(source),), str(self.output()), self.config, resume=resume)
        return run_job(job, on_event=on_event)

    def _ray(self, source: Path, resume: bool, on_event: Any) -> RunSummary:
        from summarize.distributed import RayOptions

        address = self.request.getfixturevalue("ray_address")
        options = RayOptions(address=address, actors=1, rows_per_file=2, output_format="jsonl")
        job = Job((str(source),), str(self.output()), self.config, resume=resume, engine="ray")
        return run_job(replace(job, ray=options), on_event=on_event)

    def _demo(self, source: Path, resume: bool, on_event: Any) -> RunSummary:
        """The Batch tab's job: the upload's records, the pool's pipeline, its writer."""
        from summarize.demo.batch import batch_job
        from summarize.demo.config import DemoConfig
        from summarize.demo.pool import PipelinePool
        from summarize.demo.uploads import batch_records

        if self.pool is None:
            self.pool = PipelinePool(DemoConfig(pipeline=self.config, preload=False))
        pipe = self.pool.pipeline(self.config.strategy, "", "", "medium")
        records, _ = batch_records([str(source)], 100)
        job = replace(batch_job(records, pipe.config, self.output()), resume=resume)
        with self.pool.using(pipe):
            return run_job(job, pipeline=pipe, on_event=on_event)


@pytest.fixture(params=PATHS)
def path(request: Any, tiny_models: dict[str, str], tmp_path: Path) -> JobPath:
    return JobPath(request.param, _config(tiny_models), tmp_path, request)


def _by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ids = Counter(r["id"] for r in records)
    assert set(ids.values()) == {1}, f"ids written more than once: {ids}"
    return {r["id"]: r for r in records}


def test_resume_writes_every_id_exactly_once(path: JobPath, tmp_path: Path) -> None:
    rows = [{"id": "a", "text": BRIDGE}, {"id": "b", "text": RICE}, {"id": "c", "text": RAIN}]
    source = _write(tmp_path / "in.jsonl", rows[:2])
    first = path.run(source)
    assert (first.summary.ok, first.summary.skipped) == (2, 0)

    _write(source, rows)  # the input grew: one new article
    again = path.run(source, resume=True)
    assert (again.summary.ok, again.summary.failed, again.summary.skipped) == (1, 0, 2)
    assert set(_by_id(again.records)) == {"a", "b", "c"}
    # what the first run wrote stays as it was
    before = _by_id(first.records)
    after = _by_id(again.records)
    assert all(after[k]["translation"] == before[k]["translation"] for k in before)


def test_ids_already_done_are_skipped_not_processed_again(path: JobPath, tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", [{"id": "a", "text": BRIDGE}])
    first = path.run(source)
    old = _by_id(first.records)["a"]
    # same id, another article: a skipped id is not read into the pipeline again
    _write(source, [{"id": "a", "text": MARKET}, {"id": "d", "text": RICE}])
    again = path.run(source, resume=True)
    assert again.summary.skipped == 1 and again.summary.ok == 1
    records = _by_id(again.records)
    assert records["a"]["source"] == old["source"] and "Pasar saham" not in records["a"]["source"]
    assert "Harga beras" in records["d"]["source"]
    done = [e for e in again.events if isinstance(e, Done)]
    assert done[-1].counts.skipped == 1 and sum(e.n for e in done) == 2


def test_a_failed_record_gets_an_error_record_and_the_batch_goes_on(
    path: JobPath, tmp_path: Path
) -> None:
    rows = [
        {"id": "a", "text": BRIDGE},
        {"id": "empty", "text": "   "},  # in the same batch of 2 as "a"
        {"id": "c", "text": RAIN},
    ]
    run = path.run(_write(tmp_path / "in.jsonl", rows))
    records = _by_id(run.records)
    assert set(records) == {"a", "empty", "c"}
    assert records["empty"]["error"] and records["empty"]["error_kind"] == "permanent"
    assert not records["a"]["error"] and records["a"]["translation"]
    assert not records["c"]["error"] and records["c"]["translation"]
    assert (run.summary.ok, run.summary.failed) == (2, 1)


def test_story_ids_group_near_copies_in_input_order(path: JobPath, tmp_path: Path) -> None:
    rows = [
        {"id": "first", "text": BRIDGE},
        {"id": "other", "text": RICE},
        {"id": "copy", "text": BRIDGE},
        {"id": "broken", "text": ""},
    ]
    records = _by_id(path.run(_write(tmp_path / "in.jsonl", rows)).records)
    assert records["first"]["story"] == "first" and records["first"]["duplicate_of"] is None
    assert records["other"]["story"] == "other" and records["other"]["duplicate_of"] is None
    assert records["copy"]["story"] == "first" and records["copy"]["duplicate_of"] == "first"
    assert records["broken"]["story"] is None and records["broken"]["error"]


def test_closing_counts(path: JobPath, tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": BRIDGE},
        {"id": "en", "text": ENGLISH},  # ok, with a warning (no translation needed)
        {"id": "bad", "text": 42},
        {"id": "d", "text": MARKET},
    ]
    source = _write(tmp_path / "in.jsonl", rows[:1])
    path.run(source)
    _write(source, rows)
    run = path.run(source, resume=True)
    summary = run.summary
    assert (summary.ok, summary.failed, summary.skipped, summary.warned) == (2, 1, 1, 1)
    assert summary.total == 4
    records = _by_id(run.records)
    assert records["en"]["warnings"] and not records["en"]["error"]
    finished = [e for e in run.events if isinstance(e, Finished)]
    assert len(finished) == 1 and finished[0].summary == summary and run.events[-1] is finished[0]
    assert summary.line().startswith("2 ok (1 with warnings), 1 failed, 1 skipped as already done")
    last = [e for e in run.events if isinstance(e, Done)][-1].counts
    assert (last.ok, last.failed, last.skipped, last.warned) == (2, 1, 1, 1)


def test_the_demo_batch_tab_runs_the_job(tiny_models: dict[str, str], tmp_path: Path) -> None:
    """The tab's own action: its JSONL is the job's (story ids come from the job), its
    table and CSV are read from that file, its status from the job's summary."""
    import csv

    from summarize.demo import DemoConfig, DemoService

    config = DemoConfig(pipeline=_config(tiny_models), workdir=tmp_path / "work", preload=False)
    source = _write(
        tmp_path / "upload.jsonl",
        [{"id": "a", "text": BRIDGE}, {"id": "bad", "text": ""}, {"id": "copy", "text": BRIDGE}],
    )
    seen: list[tuple[float | None, str]] = []
    out = DemoService(config).process_batch(
        [str(source)], "extract-translate", "", "", progress=lambda f, d: seen.append((f, d))
    )
    assert [r[:2] for r in out.rows] == [["a", "ok"], ["bad", "error"], ["copy", "ok"]]
    assert out.jsonl_path is not None and out.csv_path is not None
    lines = [json.loads(x) for x in Path(out.jsonl_path).read_text(encoding="utf-8").splitlines()]
    assert [r["story"] for r in lines] == ["a", None, "a"]
    with open(out.csv_path, encoding="utf-8", newline="") as fh:
        assert [r["id"] for r in csv.DictReader(fh)] == ["a", "bad", "copy"]
    assert "3 articles" in out.status and "2 ok" in out.status and "1 failed" in out.status
    assert seen[-1][0] == 1.0 and "3 of 3 articles done" in seen[-1][1]
    assert not os.path.exists(out.jsonl_path + ".lock")
