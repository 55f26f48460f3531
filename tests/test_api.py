"""The front door: explicit exports, frozen results, nothing heavy at import."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

import summarize


def test_all_names_resolve():
    for name in summarize.__all__:
        assert getattr(summarize, name) is not None, name


def test_import_is_light():
    code = (
        "import sys, summarize, summarize.cli, summarize.text, summarize.testing;"
        "heavy = [m for m in ('torch', 'transformers', 'gradio', 'ctranslate2', 'matplotlib') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_runs_the_cli():
    out = subprocess.run(
        [sys.executable, "-m", "summarize", "--version"], capture_output=True, text=True, check=True
    )
    assert summarize.__version__ in out.stdout


def test_results_are_frozen():
    r = summarize.Result(id="x", summary="s")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.summary = "t"  # type: ignore[misc]
    assert r.ok and r.to_dict()["id"] == "x"
    assert summarize.Result(id="y", error="bad").ok is False


def test_generation_settings_merge():
    defaults = summarize.GenerationSettings(num_beams=4, min_new_tokens=30, max_new_tokens=142)
    merged = summarize.GenerationSettings(max_new_tokens=8).merged_over(defaults)
    assert merged.num_beams == 4 and merged.max_new_tokens == 8
    assert merged.min_new_tokens == 8  # an explicit max below the default min wins
