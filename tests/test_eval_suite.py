"""Suites, baselines and the runner (pipeline systems are faked here)."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from summarize.errors import ConfigError
from summarize.evaluation.baselines import baseline_predictions, is_baseline
from summarize.evaluation.data import data_dir
from summarize.evaluation.datasets import EvalItem, load_indosum
from summarize.evaluation.runner import pipeline_kwargs, run_suite
from summarize.evaluation.suite import (
    evaldata_dir,
    find_suite,
    list_suites,
    load_suite,
    parse_suite,
    repo_root,
    resolve_path,
    suite_for_file,
)
from summarize.types import GenerationSettings, Result

# The session's data cache (tests/conftest.py); the `evaldata` fixture fills it or skips.
EVALDATA = data_dir()
INDOSUM = EVALDATA / "indosum" / "dev.01.first150.jsonl"
needs_data = pytest.mark.usefixtures("evaldata")


# ------------------------------------------------------------------ suite files


@pytest.mark.parametrize("name", ["indosum-baselines", "nusax-mt", "tatoeba", "talpco"])
def test_shipped_suites_parse_and_name_their_data_sets(name: str) -> None:
    suite = load_suite(name)  # parsing needs no data: the data set is checked on use
    assert suite.name == name
    assert suite.path == (repo_root() / "eval" / f"{name}.toml").resolve()
    assert suite.dataset.data == name.removesuffix("-baselines")
    assert all(p.parent == data_dir() / p.parent.name for p in suite.dataset.paths.values())
    assert suite.resamples == 1000 and suite.seed == 12345


@needs_data
@pytest.mark.parametrize("name", ["indosum-baselines", "nusax-mt", "tatoeba", "talpco"])
def test_shipped_suites_read_their_cached_files(name: str) -> None:
    suite = load_suite(name)
    assert all(p.is_file() for p in suite.dataset.files())
    assert suite.dataset.load(limit=3)[0]


def test_suite_contents() -> None:
    indosum = load_suite("indosum-baselines")
    assert indosum.task == "summarization"
    assert indosum.system_names() == ["lead-3", "textrank-3"]
    assert indosum.metrics == ("rouge1", "rouge2", "rougeL", "rougeLsum")
    assert indosum.reference_language == "id"
    nusax = load_suite("nusax-mt")
    assert nusax.task == "translation"
    assert nusax.metrics == ("bleu", "chrf", "chrf++")
    pipe = [s for s in nusax.systems if s.type == "pipeline"][0]
    assert pipe.params["mt_model"] == "Helsinki-NLP/opus-mt-id-en"
    assert "copy-source" in nusax.system_names()
    assert set(list_suites()) >= {"indosum-baselines", "nusax-mt", "tatoeba", "talpco"}


def test_evaldata_placeholder_and_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZE_DATA", str(tmp_path / "data"))
    assert resolve_path("{evaldata}/x.csv", Path("/elsewhere")) == tmp_path / "data" / "x.csv"
    assert resolve_path("sub/x.csv", tmp_path) == tmp_path / "sub" / "x.csv"
    assert resolve_path("/abs/x.csv", tmp_path) == Path("/abs/x.csv")
    monkeypatch.delenv("SUMMARIZE_DATA")
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path / "cache"))
    # nothing beside the checkout: {evaldata} is the user's data cache
    assert evaldata_dir() == data_dir() == tmp_path / "cache" / "data"
    suite_file = tmp_path / "s.toml"
    suite_file.write_text(
        'task = "translation"\n[dataset]\nloader = "pairs"\npath = "pairs.jsonl"\n'
        '[[systems]]\ntype = "outputs"\nname = "mine"\npath = "out/mine.txt"\n',
        encoding="utf-8",
    )
    suite = load_suite(suite_file)
    assert suite.name == "s"
    assert suite.dataset.paths["path"] == tmp_path / "pairs.jsonl"
    assert suite.systems[0].params["path"] == str(tmp_path / "out" / "mine.txt")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"task": "poetry"}, "task must be"),
        ({"task": "translation"}, "missing 'dataset'"),
        (
            {"task": "translation", "dataset": {"loader": "nope", "path": "x"}},
            "unknown dataset loader",
        ),
        ({"task": "translation", "dataset": {"loader": "tatoeba"}}, "missing 'path'"),
        ({"task": "translation", "dataset": {"loader": "tatoeba", "path": "x"}}, "at least one"),
        (
            {
                "task": "translation",
                "dataset": {"loader": "tatoeba", "path": "x"},
                "systems": [{"type": "baseline", "name": "lead-three"}],
            },
            "unknown baseline",
        ),
        (
            {
                "task": "translation",
                "dataset": {"loader": "tatoeba", "path": "x"},
                "systems": [{"type": "magic"}],
            },
            "unknown type",
        ),
        (
            {
                "task": "translation",
                "dataset": {"loader": "tatoeba", "path": "x"},
                "systems": [{"name": "copy-source"}, {"name": "copy-source"}],
            },
            "duplicate",
        ),
        (
            {
                "task": "translation",
                "dataset": {"loader": "tatoeba", "path": "x"},
                "systems": [{"name": "copy-source"}],
                "metrics": ["meteor"],
            },
            "unknown metric",
        ),
    ],
)
def test_invalid_suites(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_suite(data)


def test_find_suite_errors() -> None:
    with pytest.raises(ConfigError, match="available"):
        find_suite("no-such-suite")
    with pytest.raises(ConfigError, match="not found"):
        find_suite("missing/file.toml")


# -------------------------------------------------------------------- baselines


def test_baselines_on_items() -> None:
    item = EvalItem(
        "1",
        "A b. C d. E f. G h.",
        "ref",
        ("A b.", "C d.", "E f.", "G h."),
        {"gold_labels": [False, True, False, True]},
    )
    assert baseline_predictions("lead-3", [item]) == ["A b.\nC d.\nE f."]
    assert baseline_predictions("lead-1", [item]) == ["A b."]
    assert baseline_predictions("copy-source", [item]) == ["A b. C d. E f. G h."]
    assert baseline_predictions("gold-extractive", [item]) == ["C d.\nG h."]
    tr = baseline_predictions("textrank-2", [item])[0].split("\n")
    assert len(tr) == 2 and all(s in item.source_sentences for s in tr)
    # without a sentence split, summarize.text.split_sentences is used
    plain = EvalItem("2", "Satu dua tiga. Empat lima enam. Tujuh delapan.", "ref")
    assert baseline_predictions("lead-2", [plain]) == ["Satu dua tiga.\nEmpat lima enam."]
    assert is_baseline("textrank-10") and not is_baseline("lead")
    with pytest.raises(ConfigError):
        baseline_predictions("lead-0", [item])
    with pytest.raises(ConfigError):
        baseline_predictions("gold-extractive", [plain])


# ----------------------------------------------------------------------- runner


@needs_data
def test_run_indosum_suite_small(tmp_path: Path) -> None:
    suite = load_suite("indosum-baselines")
    report = run_suite(suite, limit=20, resamples=200, output_dir=tmp_path, progress=False)
    assert len(report.items) == 20
    assert report.system_names() == ["lead-3", "textrank-3"]
    for s in report.scores:
        assert s.score is not None and 0 < s.score <= 100
        assert s.low is not None and s.high is not None
        assert s.low <= s.score <= s.high
    again = run_suite(suite, limit=20, resamples=200, progress=False)
    assert [(s.score, s.low, s.high) for s in again.scores] == [
        (s.score, s.low, s.high) for s in report.scores
    ]
    other_seed = run_suite(suite, limit=20, resamples=200, seed=1, progress=False)
    assert other_seed.score("lead-3", "rouge1").low != report.score("lead-3", "rouge1").low
    assert [c.system for c in report.comparisons] == ["textrank-3"] * 4
    assert set(report.files) == {"results", "report", "predictions", "plot"}
    only = run_suite(suite, systems=["textrank-3"], limit=5, resamples=50, progress=False)
    assert only.system_names() == ["textrank-3"] and only.comparisons == ()
    with pytest.raises(ConfigError, match="no system named"):
        run_suite(suite, systems=["bart"], limit=5, progress=False)
    with pytest.raises(ConfigError, match="no pipeline system"):
        run_suite(suite, limit=5, overrides={"mt_model": "/tmp/x"}, progress=False)


@needs_data
def test_indosum_lead3_equals_direct_rouge_score() -> None:
    """lead-3 ROUGE from the runner equals rouge-score run directly on the same
    detokenised text with the same tokenizer."""
    from rouge_score import rouge_scorer

    from summarize.evaluation.metrics.rouge import UnicodeTokenizer

    report = run_suite(suite_for_file(INDOSUM), systems=["lead-3"], resamples=10, progress=False)
    items = load_indosum(INDOSUM)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=UnicodeTokenizer())
    for t in ("rouge1", "rouge2", "rougeL"):
        direct = [
            scorer.score(it.reference, "\n".join(it.source_sentences[:3]))[t].fmeasure  # type: ignore[index]
            for it in items
        ]
        assert report.score("lead-3", t).score == pytest.approx(
            100 * sum(direct) / len(direct), abs=1e-9
        )


@needs_data
def test_copy_source_translation_and_extra_metrics(tmp_path: Path) -> None:
    suite = load_suite("nusax-mt")
    report = run_suite(
        suite,
        systems=["copy-source"],
        limit=30,
        resamples=100,
        metrics=["bleu", "chrf", "chrf++", "length", "number-preservation", "bertscore"],
        progress=False,
        output_dir=tmp_path,
    )
    bleu = report.score("copy-source", "bleu")
    assert 0 <= bleu.score < 15  # untranslated Indonesian shares little with English
    assert report.score("copy-source", "chrf").score > bleu.score
    bert = report.score("copy-source", "bertscore")
    assert bert.skipped and bert.skipped.startswith("skipped:")
    assert any("bertscore" in n for n in report.notes)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "skipped" in md and "BLEU|nrefs:1" in md


def test_outputs_systems_and_pairs_file(tmp_path: Path) -> None:
    rows = [
        {
            "id": str(i),
            "source": f"Kucing itu duduk {i}.",
            "reference": f"The cat sat {i}.",
            "good": f"The cat sat {i}.",
            "bad": "Dog.",
        }
        for i in range(12)
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    suite = suite_for_file(path)
    assert suite.task == "translation" and suite.system_names() == ["good", "bad"]
    report = run_suite(suite, resamples=100, progress=False)
    assert report.score("good", "bleu").score == pytest.approx(100.0)
    assert report.score("bad", "bleu").score < 5
    (cmp,) = [c for c in report.comparisons if c.metric == "chrf"]
    assert cmp.baseline == "good" and cmp.delta < 0 and cmp.p_value < 0.05


class FakePipeline:
    """Stands in for summarize.pipeline.Pipeline (records its arguments)."""

    instances: list[FakePipeline] = []

    def __init__(self, strategy: str = "translate-summarize", **kwargs: Any) -> None:
        self.strategy = strategy
        self.kwargs = kwargs
        FakePipeline.instances.append(self)

    def load(self) -> FakePipeline:
        return self

    def translate_texts(self, texts: Sequence[str], *, on_event: Any = None) -> list[str]:
        return [f"EN: {t}" for t in texts]

    def run(
        self, records: Iterable[dict[str, Any]], *, batch_size: int = 8, on_event: Any = None
    ) -> Iterator[Result]:
        for rec in records:
            if rec["id"] == "bad":
                yield Result(id=rec["id"], error="article is empty")
            else:
                first = rec["text"].split(".")[0]
                yield Result(
                    id=rec["id"],
                    source=rec["text"],
                    translation=f"EN {rec['text']}",
                    summary=f"{first}.",
                )

    def describe(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "models": {
                "translation": {
                    "model_id": self.kwargs.get("mt_model"),
                    "revision": "abc123",
                    "backend": self.kwargs.get("backend"),
                }
            },
            "settings": {"translation": {"num_beams": 4}},
        }


@pytest.fixture()
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> type[FakePipeline]:
    module = types.ModuleType("summarize.pipeline")
    module.Pipeline = FakePipeline  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "summarize.pipeline", module)
    FakePipeline.instances = []
    return FakePipeline


@needs_data
def test_pipeline_translation_system(fake_pipeline: type[FakePipeline], tmp_path: Path) -> None:
    suite = load_suite("nusax-mt")
    report = run_suite(
        suite,
        limit=6,
        resamples=50,
        output_dir=tmp_path,
        progress=False,
        overrides={"mt_model": "/tmp/tiny/marian", "device": "cpu"},
    )
    (pipe,) = fake_pipeline.instances
    assert pipe.strategy == "extract-translate"  # no summariser for sentence-level MT
    assert pipe.kwargs["mt_model"] == "/tmp/tiny/marian"  # CLI override beats the suite
    assert pipe.kwargs["device"] == "cpu"
    assert pipe.kwargs["translation"] == GenerationSettings(num_beams=4)
    run = report.systems[1]
    # the override is in the name: the suite's name alone would claim opus-mt-id-en ran
    assert run.name == "opus-mt-id-en@marian" and run.predictions[0].startswith("EN: ")
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    sig = results["signature"]["systems"]["opus-mt-id-en@marian"]
    assert sig["models"]["translation"]["revision"] == "abc123"
    assert sig["requested"]["mt_model"] == "/tmp/tiny/marian"


def test_pipeline_summarization_system(fake_pipeline: type[FakePipeline], tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    rows = [
        {
            "id": "a",
            "source": "Satu dua tiga. Empat lima enam. Tujuh.",
            "reference": "Satu dua tiga.",
        },
        {"id": "bad", "source": "", "reference": "x"},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    suite = parse_suite(
        {
            "task": "summarization",
            "dataset": {"loader": "pairs", "path": str(data)},
            "metrics": ["rouge1", "novel-1"],
            "systems": [
                {
                    "type": "pipeline",
                    "name": "p",
                    "sum_model": "/m",
                    "summary": {"num_beams": 2, "max_new_tokens": 20},
                }
            ],
        }
    )
    report = run_suite(suite, resamples=20, progress=False)
    run = report.systems[0]
    assert run.predictions == ("Satu dua tiga.", "")
    assert run.error_count == 1
    assert any("failed" in n for n in report.notes)
    assert report.score("p", "rouge1").score == pytest.approx(50.0)
    assert report.score("p", "novel-1").details.get("source") == "translation"
    assert fake_pipeline.instances[0].kwargs["summary"] == GenerationSettings(
        num_beams=2, max_new_tokens=20
    )


def test_pipeline_kwargs_errors() -> None:
    from summarize.evaluation.suite import SystemSpec

    spec = SystemSpec("x", "pipeline", {"translation": {"beams": 3}})
    with pytest.raises(ConfigError, match="bad \\[translation\\]"):
        pipeline_kwargs(spec, "translation", {})


@pytest.mark.slow
@needs_data
def test_real_pipeline_with_tiny_marian(tmp_path: Path) -> None:
    testing = pytest.importorskip("summarize.testing")
    paths = testing.build_tiny_models(tmp_path / "tiny", names=["marian"])
    marian = Path(paths["marian"])
    if not any((marian / f).exists() for f in ("source.spm", "tokenizer.json", "vocab.json")):
        pytest.skip(f"tiny marian model in {marian} has no tokenizer files")
    report = run_suite(
        load_suite("nusax-mt"),
        limit=3,
        resamples=20,
        progress=False,
        overrides={"mt_model": str(marian), "device": "cpu"},
        output_dir=tmp_path / "out",
    )
    assert len(report.systems[1].predictions) == 3
    assert report.score("opus-mt-id-en@marian", "bleu").score is not None
