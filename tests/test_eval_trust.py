"""The detector benchmark (summarize eval trust): fault makers and the suite end to end."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.evaluation.cli import eval_command
from summarize.evaluation.trust import (
    MAKERS,
    find_trust_suite,
    load_trust_suite,
    make_cases,
    run_trust,
)

SRC = "Sekretaris Jenderal NATO Jens Stoltenberg tiba di Kyiv pada 24 Februari 2022 bersama 3 menteri."
EN = "NATO Secretary General Jens Stoltenberg arrived in Kyiv on 24 February 2022 with 3 ministers."


def make(fault: str, seed: int = 1) -> tuple[str, str]:
    made = MAKERS[fault](SRC, EN, random.Random(seed))
    assert made is not None
    return made


def test_fault_makers() -> None:
    for seed in range(5):
        out, detail = make("number", seed)
        assert out != EN and ("dropped" in detail or "->" in detail)
        out, detail = make("name", seed)
        name = detail.split("'")[1]
        assert name in EN and name not in out and len(out) < len(EN)
    out, detail = make("repetition")
    gram = detail.split("'")[1]
    assert out.count(gram) >= 4
    assert make("untranslated")[0] == SRC
    out, _ = make("truncation")
    assert out == " ".join(EN.split()[: len(EN.split()) // 2])
    # no number in the source, fewer than 8 words, or nothing to translate: no fault
    assert MAKERS["number"]("Halo semua.", "Hello everyone.", random.Random(0)) is None
    assert MAKERS["truncation"]("Halo semua.", "Hello everyone.", random.Random(0)) is None
    assert MAKERS["untranslated"]("Tom!", "Tom!", random.Random(0)) is None


def test_cases_are_seeded() -> None:
    pairs = [(SRC, EN), ("Tom tidur.", "Tom is sleeping.")]
    assert make_cases("x", pairs, 7) == make_cases("x", pairs, 7)
    kinds = [c.fault for c in make_cases("x", pairs, 7)]
    assert kinds.count("clean") == 2
    assert set(kinds) == {"clean", "number", "name", "repetition", "untranslated", "truncation"}


def _suite(tmp_path: Path) -> Path:
    pairs = tmp_path / "pairs.jsonl"
    rows = [
        {"source": SRC, "reference": EN},
        {"source": "Tom sedang tidur di rumah.", "reference": "Tom is sleeping at home."},
        {
            "source": "Harga beras naik 3,5 persen.",
            "reference": "The price of rice rose 3.5 percent.",
        },
    ]
    pairs.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    suite = tmp_path / "mytrust.toml"
    suite.write_text(
        'name = "mytrust"\ntask = "detector"\nresamples = 50\n\n'
        '[[datasets]]\nname = "tiny"\nloader = "pairs"\npath = "pairs.jsonl"\n',
        encoding="utf-8",
    )
    return suite


def test_run_trust_on_a_small_pairs_file(tmp_path: Path) -> None:
    suite = load_trust_suite(_suite(tmp_path))
    report = run_trust(suite, output_dir=tmp_path / "out")
    assert report.datasets == ("tiny",)
    # hand-checked: the three clean pairs raise no flag; every fault is caught
    assert report.fpr["any"]["all"].hits == 0 and report.fpr["any"]["all"].n == 3
    assert report.recall["untranslated"]["all"].value == 1.0
    assert report.recall["repetition"]["all"].value == 1.0
    assert report.recall["number"]["all"].n == 2
    assert report.signature["signature"].startswith("trust|rules:")
    assert report.signature["signature"].endswith("|bootstrap|percentile|ci:95|n:50|seed:12345")
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert results["false_positive_rate"]["any"]["tiny"]["n"] == 3
    lines = (tmp_path / "out" / "cases.jsonl").read_text().splitlines()
    assert len(lines) == 3 + sum(r.n for r in (v["all"] for v in report.recall.values()))


def test_cli_runs_a_detector_suite_file(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    result = CliRunner().invoke(eval_command, [str(suite), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "False-positive rate on clean reference pairs" in result.output
    assert "signature: trust|rules:" in result.output
    assert (tmp_path / "o" / "report.md").is_file()


@pytest.mark.usefixtures("evaldata")
def test_builtin_trust_suite_with_a_limit(tmp_path: Path) -> None:
    path = find_trust_suite("trust")
    assert path is not None and path.name == "trust.toml"
    result = CliRunner().invoke(
        eval_command, ["trust", "--limit", "40", "--resamples", "20", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    for name in ("nusax-mt", "tatoeba", "talpco", "all"):
        assert name in result.output
    assert "targets:" in result.output
