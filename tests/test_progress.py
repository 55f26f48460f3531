"""Progress that moves: the pipeline reports every model call (not only whole batches),
`summarize run` shows the stage in its bar's postfix, repeated inputs are counted and
said once, and per-article timings say which figures are a batch's shares."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarize import GenerationSettings, Pipeline
from summarize.cli import main
from summarize.progress import ProgressEvent

SHORT = GenerationSettings(max_new_tokens=6)


def _pipeline(tiny_models: dict[str, str], **settings: Any) -> Pipeline:
    return Pipeline(
        mt_model=tiny_models["marian"],
        sum_model=tiny_models["bart"],
        translation=SHORT,
        summary=SHORT,
        max_batch_tokens=256,  # several translation batches per article batch
        summary_batch_tokens=256,
        **settings,
    )


def _model_events(events: list[ProgressEvent], stage: str) -> list[ProgressEvent]:
    """The events of ``stage`` sent after work was done (not the stage's start)."""
    return [e for e in events if e.stage == stage and e.done > 0]


def test_an_event_per_model_call(tiny_models: dict[str, str], seed_texts: dict[str, str]) -> None:
    pipe = _pipeline(tiny_models, repair=False).load()
    # one article batch of three articles; distinct texts, so no sentence is cached
    texts = [seed_texts[k] for k in sorted(seed_texts)[:3]]
    translations = pipe.translator.stats.batches
    summaries = pipe.summarizer.stats.calls
    events: list[ProgressEvent] = []
    results = pipe.process_batch(texts, on_event=events.append)
    assert all(r.ok for r in results)
    model_batches = pipe.translator.stats.batches - translations
    summariser_calls = pipe.summarizer.stats.calls - summaries
    assert model_batches > 1 and summariser_calls > 1  # else the test proves nothing
    translating = _model_events(events, "translating")
    # one event per translation model call, plus at most one for repeated/blank sentences
    assert model_batches <= len(translating) <= model_batches + 1
    assert len(_model_events(events, "summarising")) == summariser_calls
    # the stages in order, each starting at 0 and counting up to its total
    order = list(dict.fromkeys(e.stage for e in events))
    assert order == ["preparing", "translating", "checking", "summarising"]
    for stage in order:
        done = [e.done for e in events if e.stage == stage]
        assert done[0] == 0 and done == sorted(done)
        last = [e for e in events if e.stage == stage][-1]
        assert last.done >= last.total > 0
    assert events[-1].text() == f"summarising {events[-1].total}/{events[-1].total} passages"


def test_repair_reports_each_model_call(tiny_models: dict[str, str]) -> None:
    pipe = Pipeline(
        strategy="extract-translate",
        mt_model=tiny_models["marian"],
        translation=GenerationSettings(max_new_tokens=4),  # truncated: every sentence is retried
        repair_translation=GenerationSettings(num_beams=2, max_new_tokens=4),
        max_batch_tokens=64,
    )
    events: list[ProgressEvent] = []
    text = " ".join(f"Kalimat nomor {i} tentang Jakarta dan Rusia." for i in range(12))
    result = pipe.process_batch([text], on_event=events.append)[0]
    tried = sum(1 for a in result.alignment if a.repairs)
    assert tried > 0
    repairing = [e for e in events if e.stage.startswith("repairing")]
    assert repairing[0].done == 0 and repairing[0].total == tried
    assert len(_model_events(events, repairing[0].stage)) > 1  # per model call, not once
    assert repairing[-1].done == tried


def test_timings_say_what_is_a_batch_share(
    tiny_models: dict[str, str], seed_texts: dict[str, str]
) -> None:
    pipe = _pipeline(tiny_models)
    texts = [seed_texts[k] for k in sorted(seed_texts)[:3]] + [""]  # one failing record
    results = pipe.process_batch(texts)
    ok = [r for r in results if r.ok]
    assert len(ok) == 3 and results[3].timings == {}
    for r in ok:
        t = r.timings
        # measured for the article itself: cleaning and checks
        assert t["prepare"] > 0 and t["check"] > 0
        batch = t["batch"]
        assert batch["size"] == 3
        assert {"translate", "summarize"} <= set(batch["shared"])
        assert "prepare" not in batch["shared"] and "check" not in batch["shared"]
        assert set(batch["seconds"]) == set(batch["shared"])
        own = sum(v for k, v in t.items() if k not in ("total", "batch"))
        assert t["total"] == pytest.approx(own, abs=1e-3)
        assert json.loads(json.dumps(r.to_dict()))["timings"] == t
    # the shares of one batch add up to the batch's time
    for stage in ("translate", "summarize"):
        shares = [r.timings[stage] for r in ok]
        assert sum(shares) == pytest.approx(ok[0].timings["batch"]["seconds"][stage], rel=1e-2)
    # translation time is split by the sentences (and title) each article sent
    weights = [len(r.alignment) + (r.title is not None) for r in ok]
    seconds = ok[0].timings["batch"]["seconds"]["translate"]
    for r, w in zip(ok, weights, strict=True):
        assert r.timings["translate"] == pytest.approx(seconds * w / sum(weights), abs=1e-3)
    # an article on its own: a batch of one, whose shares are its own time
    alone = pipe.process_batch(texts[:1])[0]
    assert alone.timings["batch"]["size"] == 1
    assert alone.timings["translate"] == pytest.approx(
        alone.timings["batch"]["seconds"]["translate"], abs=1e-3
    )


def _run_args(tiny_models: dict[str, str], *more: str) -> list[str]:
    args = [
        "--strategy",
        "extract-translate",
        "--mt-model",
        tiny_models["marian"],
        "--max-translation-length",
        "6",
        *more,
    ]
    run_flags = {o for p in main.commands["run"].params for o in p.opts}
    if "--allow-private-addresses" in run_flags:  # the local news site is on 127.0.0.1
        args.append("--allow-private-addresses")
    return args


def _bar_totals(stderr: str) -> set[str]:
    return set(re.findall(r"\| (\d+/\d+) \[", stderr))


def test_run_shows_stages_and_counts_repeated_ids(
    tiny_models: dict[str, str], seed_texts: dict[str, str], tmp_path: Path
) -> None:
    rows = [{"id": "a", "text": seed_texts[k]} for k in sorted(seed_texts)[:2]]
    rows.append({"id": "b", "text": seed_texts[sorted(seed_texts)[2]]})
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["run", str(src), "-o", str(out), *_run_args(tiny_models)])
    assert res.exit_code == 0, res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["a", "a", "b"]  # all processed
    err = res.stderr
    for stage in ("loading models", "preparing", "translating", "checking", "repairing"):
        assert stage in err
    assert re.search(r"translating \d+/\d+ sentences", err)
    assert _bar_totals(err) >= {"3/3"}  # the bar counts what is processed
    warnings = [ln for ln in err.splitlines() if "repeat an id" in ln]
    assert len(warnings) == 1 and "1 record(s)" in warnings[0] and "'a'" in warnings[0]


def test_a_url_given_twice_is_said_once_and_counted_once(
    news_site: Any, tiny_models: dict[str, str], tmp_path: Path
) -> None:
    url = news_site.url("/detik/004.html")
    listed = tmp_path / "urls.txt"
    listed.write_text(f"{url}\n{url}\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["run", url, str(listed), "-o", str(out), *_run_args(tiny_models)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    warnings = [ln for ln in res.stderr.splitlines() if "more than once" in ln]
    assert len(warnings) == 1 and warnings[0].startswith("Warning: 2 URL(s)")
    assert "1/1" in _bar_totals(res.stderr) and not {"1/3", "0/3", "1/2"} & _bar_totals(res.stderr)


def test_eval_shows_each_system_and_each_model_call(
    evaldata: Path, tiny_models: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from summarize.evaluation import load_suite, run_suite

    suite = load_suite("nusax-mt")
    run_suite(
        suite,
        limit=12,
        resamples=20,
        output_dir=tmp_path,
        progress=True,
        overrides={"mt_model": tiny_models["marian"], "device": "cpu", "batch_size": 6},
    )
    err = capsys.readouterr().err
    pipelines = [s for s in suite.systems if s.type == "pipeline"]
    number = [s.name for s in suite.systems].index(pipelines[0].name) + 1
    assert f"system {number}/{len(suite.systems)} {pipelines[0].name}" in err
    assert "loading models" in err
    # per model call within each batch of 6 items, not only per batch
    assert re.search(r"translating [1-9]\d*/\d+ sentences", err)
    assert re.search(r"\| 6/12 \[", err) and re.search(r"\| 12/12 \[", err)


def test_digest_shows_grouping_then_stories(tiny_models: dict[str, str], tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    out = tmp_path / "digest.md"
    args = [
        "digest",
        str(seeds),
        "-o",
        str(out),
        "--strategy",
        "extract-translate",
        "--mt-model",
        tiny_models["marian"],
        "--max-translation-length",
        "6",
    ]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    err = res.stderr
    assert "loading models" in err and "grouping 5/5 articles" in err
    stories = re.findall(r"\| (\d+)/(\d+) \[", err)
    assert stories and stories[-1][0] == stories[-1][1]  # every story counted
    assert err.index("grouping") < err.index("translating")
