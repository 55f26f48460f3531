"""``summarize eval`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarize.evaluation.cli import eval_command
from summarize.evaluation.data import data_dir

# The session's data cache (tests/conftest.py); the `evaldata` fixture fills it or skips.
EVALDATA = data_dir()
INDOSUM = EVALDATA / "indosum" / "dev.01.first150.jsonl"
needs_data = pytest.mark.usefixtures("evaldata")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _invoke(*args: str):
    return CliRunner().invoke(eval_command, list(args), catch_exceptions=False)


def test_help_has_examples() -> None:
    result = _invoke("--help")
    assert result.exit_code == 0
    assert "summarize eval indosum-baselines" in result.output
    assert "--mt-model" in result.output and "--resamples" in result.output


def test_list() -> None:
    result = _invoke("--list")
    assert result.exit_code == 0
    assert "indosum-baselines" in result.output and "nusax-mt" in result.output


def test_missing_target_is_usage_error() -> None:
    result = _invoke()
    assert result.exit_code == 2
    assert "SUITE" in result.output


def test_unknown_suite_is_clean_error(tmp_path: Path) -> None:
    result = _invoke("no-such-suite", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert result.output.startswith("Error: no suite named 'no-such-suite'")
    assert "Traceback" not in result.output


def test_a_model_that_is_not_available_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_data: Any
) -> None:
    tiny_data.pull("nusax-mt")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    args = ["nusax-mt", "--limit", "2", "--mt-model", "summarize-test/not-cached"]
    result = _invoke(*args, "-o", str(tmp_path))
    assert result.exit_code == 3
    assert "Error: model 'summarize-test/not-cached' is not available" in result.output
    assert "summarize models pull" in result.output and "Traceback" not in result.output


@needs_data
def test_domain_errors_become_messages(tmp_path: Path) -> None:
    result = _invoke("indosum-baselines", "--system", "bart", "-o", str(tmp_path))
    assert result.exit_code == 2 and "Error: no system named 'bart'" in result.output
    result = _invoke("indosum-baselines", "--metric", "meteor", "-o", str(tmp_path))
    assert result.exit_code == 2 and "Error: unknown metric 'meteor'" in result.output
    result = _invoke("indosum-baselines", "--mt-model", "/tmp/x", "-o", str(tmp_path))
    assert result.exit_code == 2 and "no pipeline system" in result.output
    result = _invoke("indosum-baselines", "--limit", "-1")
    assert result.exit_code == 2


@needs_data
def test_indosum_suite_writes_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _invoke(
        "indosum-baselines", "--limit", "15", "--resamples", "200", "--seed", "7", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert (
        "lead-3" in result.output and "textrank-3" in result.output and "ROUGE-1" in result.output
    )
    assert "[" in result.output  # score [lo, hi]
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(data) >= {
        "suite",
        "task",
        "items",
        "metrics",
        "systems",
        "comparisons",
        "signature",
        "notes",
    }
    assert data["items"] == 15
    cell = data["systems"]["lead-3"]["scores"]["rouge1"]
    assert cell["ci95"][0] <= cell["score"] <= cell["ci95"][1]
    assert cell["signature"].startswith("rouge|tok:unicode|stem:no|")
    sig = data["signature"]
    assert sig["bootstrap"]["seed"] == 7 and sig["bootstrap"]["resamples"] == 200
    assert len(sig["dataset"]["sha256"]) == 64 and sig["dataset"]["items"] == 15
    assert sig["suite"]["name"] == "indosum-baselines" and sig["suite"]["sha256"]
    for pkg in ("summarize", "python", "torch", "transformers", "rouge-score", "sacrebleu"):
        assert pkg in sig["versions"]
    assert sig["rouge"]["tokenizer"] == "unicode" and sig["rouge"]["stemmer"] == "none"
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| lead-3 |" in md and "Paired bootstrap vs `lead-3`" in md
    assert "rouge|tok:unicode|stem:no|lsum:newline-or-split" in md
    png = (out / "scores.png").read_bytes()
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    lines = (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 15 and "lead-3" in json.loads(lines[0])["systems"]


@needs_data
def test_indosum_file_defaults_to_baselines_and_matches_rouge_score(tmp_path: Path) -> None:
    from rouge_score import rouge_scorer

    from summarize.evaluation.datasets import load_indosum
    from summarize.evaluation.metrics.rouge import UnicodeTokenizer

    result = _invoke(str(INDOSUM), "--resamples", "100", "-o", str(tmp_path), "--no-plot")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert list(data["systems"]) == ["lead-3", "textrank-3"]
    assert data["items"] == 150
    assert not (tmp_path / "scores.png").exists()
    items = load_indosum(INDOSUM)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=UnicodeTokenizer())
    preds = ["\n".join(it.source_sentences[:3]) for it in items]  # type: ignore[index]
    for t in ("rouge1", "rouge2", "rougeL"):
        direct = (
            100
            * sum(
                scorer.score(it.reference, p)[t].fmeasure
                for it, p in zip(items, preds, strict=True)
            )
            / 150
        )
        assert data["systems"]["lead-3"]["scores"][t]["score"] == pytest.approx(direct, abs=1e-5)


def test_pairs_file(tmp_path: Path) -> None:
    path = tmp_path / "outputs.csv"
    path.write_text(
        "source,reference,mine\n"
        "Kucing itu duduk.,The cat sat.,The cat sat.\n"
        "Anjing itu lari.,The dog ran.,A dog runs.\n",
        encoding="utf-8",
    )
    result = _invoke(str(path), "--resamples", "50", "-o", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert "BLEU" in result.output and "mine" in result.output
    data = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert data["task"] == "translation" and list(data["systems"]) == ["mine"]
    bad = tmp_path / "bad.txt"
    bad.write_text("hello", encoding="utf-8")
    result = _invoke(str(bad))
    assert result.exit_code == 2 and result.output.startswith("Error:")


@needs_data
def test_empty_selection_is_defined(tmp_path: Path) -> None:
    result = _invoke("indosum-baselines", "--limit", "0", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "n/a" in result.output and "no items" in result.output
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["items"] == 0
    assert data["systems"]["lead-3"]["scores"]["rouge1"]["score"] is None
    assert not (tmp_path / "scores.png").exists()


@needs_data
def test_other_indosum_file_with_default_tokenizer_equals_plain_rouge_score(tmp_path: Path) -> None:
    from rouge_score import rouge_scorer

    from summarize.evaluation.datasets import load_indosum

    other = tmp_path / "other.jsonl"
    lines = INDOSUM.read_text(encoding="utf-8").splitlines()[40:70]
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        eval_command,
        [
            str(other),
            "--system",
            "lead-3",
            "--rouge-tokenizer",
            "default",
            "-o",
            str(out),
            "-q",
            "--no-plot",
        ],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads((out / "results.json").read_text())["systems"]["lead-3"]["scores"]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    items = load_indosum(other)
    for key in ("rouge1", "rouge2", "rougeL"):
        direct = [
            scorer.score(it.reference, " ".join(it.source_sentences[:3]))[key].fmeasure
            for it in items
        ]
        assert scores[key]["score"] == pytest.approx(100 * sum(direct) / len(direct), abs=1e-4)
    assert "tok:default" in (out / "report.md").read_text()
