"""Broken models fail loudly: missing tokenizer files, truncated or empty weights and bad
configs are a one-line ModelLoadError (exit 3 in every CLI); a damaged CTranslate2 cache
entry is repaired; an unreachable hub fails after one attempt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import main
from summarize.cli_errors import EXIT_FATAL
from summarize.engines.factory import clear_cache, load_engine
from summarize.types import GenerationSettings

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--max-length", "8", "--max-translation-length", "8", "--no-progress"]


def break_model(src: str, dest: Path, how: str) -> Path:
    shutil.copytree(src, dest)
    if how == "no-tokenizer":
        for name in ("tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json"):
            (dest / name).unlink(missing_ok=True)
        for spm in (*dest.glob("*.spm"), *dest.glob("*.model")):
            spm.unlink()
    elif how == "truncated":
        weights = dest / "model.safetensors"
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 3])
    elif how == "empty":
        (dest / "model.safetensors").write_bytes(b"")
    elif how == "bad-config":
        (dest / "config.json").write_text("{not json", encoding="utf-8")
    return dest


CASES = [
    ("bart", "no-tokenizer", "no tokenizer files"),
    ("marian", "no-tokenizer", "no tokenizer files"),
    ("bart", "truncated", "model.safetensors has"),
    ("bart", "empty", "model.safetensors is empty"),
    ("marian", "truncated", "model.safetensors has"),
    ("bart", "bad-config", "config.json"),
]


@pytest.mark.parametrize(("family", "how", "said"), CASES)
@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_broken_model_is_one_line_and_exit_3(
    tiny_models, tmp_path, seed_paths, monkeypatch, family, how, said, backend
):
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
        monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path / "cache"))
    broken = break_model(tiny_models[family], tmp_path / f"{family}-{how}", how)
    if family == "marian":
        models = ["--mt-model", str(broken)]
    else:
        models = ["--mt-model", tiny_models["marian"], "--sum-model", str(broken)]
    result = CliRunner().invoke(
        main, ["run", str(seed_paths[0]), *models, "--backend", backend, *FAST]
    )
    assert result.exit_code == EXIT_FATAL, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert said in lines[0] and str(broken) in lines[0]


def test_broken_model_in_eval_and_demo_clis(tiny_models, tmp_path, tiny_data):
    broken = break_model(tiny_models["marian"], tmp_path / "marian", "truncated")
    tiny_data.pull("nusax-mt")  # the data set `eval nusax-mt` reads before the model
    for command in (
        ["eval", "nusax-mt", "--limit", "2", "--mt-model", str(broken)],
        ["demo", "--mt-model", str(broken)],
    ):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == EXIT_FATAL, result.output
        assert result.output.strip().splitlines()[-1].startswith("Error: ")
        assert "Traceback" not in result.output


def test_demo_says_the_model_cannot_be_loaded(tiny_models, tmp_path):
    from summarize.demo.config import DemoConfig
    from summarize.demo.service import DemoError, DemoService

    broken = break_model(tiny_models["bart"], tmp_path / "bart", "no-tokenizer")
    service = DemoService(DemoConfig(workdir=tmp_path / "demo", preload=False))
    with pytest.raises(DemoError, match="tokenizer files") as info:
        service.pipeline("translate-summarize", tiny_models["marian"], str(broken))
    assert info.value.title == "Model cannot be loaded"


# --------------------------------------------------------------------------- CTranslate2 cache


def ct2_engine(model: str, cache: Path):
    clear_cache()
    return load_engine(model, backend="ctranslate2", device="cpu", cache_dir=str(cache))


def damage(entry: Path, how: str) -> None:
    model_bin = entry / "model.bin"
    if how == "truncate":
        model_bin.write_bytes(model_bin.read_bytes()[:1000])
    elif how == "flip":
        data = bytearray(model_bin.read_bytes())
        for i in range(len(data) // 2, len(data) // 2 + 64):
            data[i] ^= 0xFF
        model_bin.write_bytes(bytes(data))
    elif how == "no-vocabulary":
        for vocab in entry.glob("*vocabulary*"):
            vocab.unlink()
    elif how == "no-marker":
        (entry / "summarize_ct2.json").unlink()


@pytest.mark.parametrize("how", ["truncate", "flip", "no-vocabulary", "no-marker"])
def test_damaged_ct2_cache_entry_is_converted_again(tiny_models, tmp_path, how):
    pytest.importorskip("ctranslate2")
    from summarize.engines.ct2 import entry_problem

    cache = tmp_path / "ct2"
    first = ct2_engine(tiny_models["marian"], cache)
    entry = first.model_dir
    assert first.converted and entry_problem(entry) is None
    marker = json.loads((entry / "summarize_ct2.json").read_text(encoding="utf-8"))
    assert marker["files"]["model.bin"]["size"] == (entry / "model.bin").stat().st_size
    good = first.generate(["Halo dunia."], GenerationSettings(max_new_tokens=4)).texts
    damage(entry, how)
    if how != "no-marker":
        assert entry_problem(entry) is not None
    again = ct2_engine(tiny_models["marian"], cache)
    assert again.converted and again.model_dir == entry and entry_problem(entry) is None
    assert again.generate(["Halo dunia."], GenerationSettings(max_new_tokens=4)).texts == good
    third = ct2_engine(tiny_models["marian"], cache)
    assert not third.converted  # sound now: no third conversion


def test_hub_unreachable_fails_after_one_attempt(tmp_path, seed_paths):
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "0",
        "TRANSFORMERS_OFFLINE": "0",
        "HF_ENDPOINT": "http://127.0.0.1:9",  # nothing listens: connection refused
        "HF_HOME": str(tmp_path / "hf"),
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "summarize", "run", str(seed_paths[0]), "--mt-model", "someone/no-such-model", "--no-progress"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == EXIT_FATAL, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # no "Retrying in 1s [Retry 1/5]" lines
    assert lines[0].startswith("Error: model 'someone/no-such-model' is not available")
    assert "Connection refused" in lines[0]
