"""PipelineConfig: validation, round trips, and that every front end builds one.

The "every field" tests derive a non-default value for each field from its metadata, so
a new field is covered without editing this file; they fail if a field cannot be set
from the command line or from a suite file.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarize.cli import EXIT_FATAL, EXIT_USAGE, main
from summarize.cli_common import GENERATION_FLAGS
from summarize.config import (
    BOOL,
    CHOICE,
    GENERATION,
    INT,
    MAPPING,
    STR,
    PipelineConfig,
    config_fields,
    field_names,
)
from summarize.engines.backends import BackendOptions
from summarize.errors import ConfigError
from summarize.strategies import STRATEGIES, STRATEGY_TABLE, get_strategy
from summarize.types import GenerationSettings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def other_value(f: dataclasses.Field[Any]) -> Any:
    """A valid value of field ``f`` that differs from its default."""
    meta, default = f.metadata, PipelineConfig().__getattribute__(f.name)
    kind = meta["kind"]
    if kind == CHOICE:
        return next(c for c in reversed(meta["choices"]) if c != default)
    if kind == INT:
        return (default or 0) + 7
    if kind == BOOL:
        return not default if default is not None else True
    if kind == STR:
        return f"/models/{f.name}"
    if kind == GENERATION:
        return {"num_beams": 5, "no_repeat_ngram_size": 3}
    if kind == MAPPING:
        return {"intra_threads": 2}
    raise AssertionError(kind)


def cli_args(f: dataclasses.Field[Any], value: Any) -> list[str]:
    """How the command line sets ``f`` to ``value``: its own flag, else ``--set``."""
    flag = f.metadata.get("flag")
    if f.metadata["kind"] == BOOL and flag:
        return [flag if value else f"--no-{flag[2:]}"]
    if flag:
        return [flag, str(value)]
    if isinstance(value, dict):
        return [a for k, v in value.items() for a in ("--set", f"{f.name}.{k}={json.dumps(v)}")]
    return ["--set", f"{f.name}={json.dumps(value)}"]


def show_config(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["run", str(SEEDS), "--show-config", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# ------------------------------------------------------------------------ the dataclass


def test_defaults_and_resolution() -> None:
    cfg = PipelineConfig()
    assert cfg.strategy == STRATEGIES[0] == "translate-summarize"
    assert cfg.resolved_mt_model == "Helsinki-NLP/opus-mt-id-en"
    assert cfg.resolved_sum_model == "sshleifer/distilbart-cnn-12-6"
    assert cfg.resolved_full_translation is True
    extract = PipelineConfig(strategy="extract-translate", sum_model="/ignored")
    assert extract.resolved_sum_model is None and extract.resolved_full_translation is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"strategy": "abstract"}, "strategy"),
        ({"extract_k": 0}, "extract_k"),
        ({"extract_k": "3"}, "extract_k"),
        ({"backend": "onnx"}, "backend"),
        ({"device": "tpu"}, "device"),
        ({"full_translation": "yes"}, "full_translation"),
        ({"translation": {"beams": 4}}, "translation"),
        ({"summary": {"min_new_tokens": 50, "max_new_tokens": 10}}, "summary"),
        ({"summary": {"num_beams": "four"}}, "summary.num_beams"),
        ({"backend_options": [1]}, "backend_options"),
    ],
)
def test_bad_values_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError, match=rf"^{field.replace('.', '[.]')}\b"):
        PipelineConfig(**changes)


def test_unknown_keys_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown pipeline setting.*beams"):
        PipelineConfig.from_dict({"beams": 4})
    with pytest.raises(ConfigError, match="unknown pipeline setting.*colour"):
        PipelineConfig().replace(colour="red")


def every_field_changed() -> PipelineConfig:
    return PipelineConfig(**{f.name: other_value(f) for f in config_fields()})


def test_round_trips_json_toml_and_pickle(tmp_path: Path) -> None:
    cfg = every_field_changed()
    assert all(getattr(cfg, f.name) != getattr(PipelineConfig(), f.name) for f in config_fields())
    assert PipelineConfig.from_dict(json.loads(cfg.to_json())) == cfg
    toml_file = tmp_path / "pipeline.toml"
    toml_file.write_text(cfg.to_toml(), encoding="utf-8")
    assert PipelineConfig.load(toml_file) == cfg
    json_file = tmp_path / "pipeline.json"
    json_file.write_text(cfg.to_json(), encoding="utf-8")
    assert PipelineConfig.load(json_file) == cfg
    assert pickle.loads(pickle.dumps(cfg)) == cfg
    # no limit survives the round trip too (TOML has no null)
    unlimited = PipelineConfig(max_chars=None)
    assert unlimited.max_chars == 0
    assert PipelineConfig.from_dict(json.loads(unlimited.to_json())) == unlimited


def test_pipeline_takes_a_config_or_keywords() -> None:
    from summarize.pipeline import Pipeline

    cfg = PipelineConfig(strategy="extract-translate", mt_model="/m", extract_k=2)
    assert Pipeline(cfg).config == cfg
    assert Pipeline(strategy="extract-translate", mt_model="/m", extract_k=2).config == cfg
    assert Pipeline("extract-translate", mt_model="/m", extract_k=2).config == cfg
    assert Pipeline(cfg, extract_k=4).config == cfg.replace(extract_k=4)
    with pytest.raises(ConfigError, match="unknown pipeline setting"):
        Pipeline(beams=3)


def test_strategy_table_is_the_only_place_strategies_are_named() -> None:
    import re

    root = Path(__file__).resolve().parent.parent / "summarize"
    allowed = {"strategies.py"}
    offenders = []
    for path in root.rglob("*.py"):
        if path.name in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        for name in STRATEGIES:
            # a comparison with a strategy name (docs and help text may name them)
            if re.search(rf"(==|!=|\bin)\s*\(?\s*[\"']{re.escape(name)}[\"']", text):
                offenders.append(f"{path.relative_to(root)}: {name}")
    assert offenders == []
    assert get_strategy("direct").summarizer_task == "crosslingual-summarization"
    assert set(STRATEGY_TABLE) == set(STRATEGIES)


# --------------------------------------------------------------- every front end


@pytest.mark.parametrize("name", field_names())
def test_every_field_can_be_set_from_the_cli(name: str) -> None:
    f = next(f for f in config_fields() if f.name == name)
    value = other_value(f)
    shown = show_config(*cli_args(f, value))
    assert PipelineConfig.from_dict(shown) == PipelineConfig(**{name: value})


def test_generation_flags_and_threads_reach_the_config() -> None:
    args: list[str] = []
    for g in GENERATION_FLAGS:
        args += [g.flag, str(g.minimum + 11)]
    from summarize.cli_common import available_cpus

    cores = available_cpus()  # more would be capped, with a warning
    shown = show_config(*args, "--backend", "ctranslate2", "--threads", str(cores))
    cfg = PipelineConfig.from_dict(shown)
    for g in GENERATION_FLAGS:
        for section, key in g.targets:
            assert getattr(getattr(cfg, section), key) == g.minimum + 11, g.flag
    assert cfg.backend_options == BackendOptions(threads=cores)


def test_threads_for_transformers_are_an_engine_option_not_a_parse_time_import() -> None:
    assert show_config("--threads", "2")["backend_options"] == {"threads": 2}
    code = (
        "import sys; from click.testing import CliRunner; from summarize.cli import main;"
        f"r = CliRunner().invoke(main, ['run', {str(SEEDS)!r}, '--show-config', '--threads', '2']);"
        "assert r.exit_code == 0, r.output; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_transformers_threads_option_sets_torch_threads(tiny_models: dict[str, str]) -> None:
    import torch

    from summarize.engines import load_engine

    before = torch.get_num_threads()
    try:
        load_engine(tiny_models["marian"], device="cpu", threads=1)
        assert torch.get_num_threads() == 1
        with pytest.raises(ConfigError, match="unknown options for the transformers backend"):
            load_engine(tiny_models["marian"], device="cpu", intra_threads=1)
    finally:
        torch.set_num_threads(before)


def test_config_file_then_flags_then_set(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(PipelineConfig(extract_k=5, mt_model="/from-file").to_toml(), encoding="utf-8")
    shown = show_config("--config", str(path), "--mt-model", "/flag", "--set", "extract_k=6")
    assert shown["mt_model"] == "/flag" and shown["extract_k"] == 6


@pytest.mark.parametrize("name", field_names())
def test_every_field_can_be_set_from_a_suite_file(name: str) -> None:
    from summarize.evaluation.runner import pipeline_config
    from summarize.evaluation.suite import SystemSpec

    f = next(f for f in config_fields() if f.name == name)
    value = other_value(f)
    spec = SystemSpec("p", "pipeline", {name: value})
    assert pipeline_config(spec, "summarization", {}) == PipelineConfig(**{name: value})


def test_suite_overrides_merge_generation_tables() -> None:
    from summarize.evaluation.runner import pipeline_config
    from summarize.evaluation.suite import SystemSpec

    spec = SystemSpec("p", "pipeline", {"translation": {"num_beams": 4, "max_new_tokens": 9}})
    cfg = pipeline_config(spec, "translation", {"translation": {"num_beams": 1}})
    assert cfg.translation == GenerationSettings(num_beams=1, max_new_tokens=9)
    assert cfg.strategy == "extract-translate"  # sentence-level MT loads no summariser


def test_demo_builds_its_pipelines_from_a_pipeline_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarize.demo import DemoConfig
    from summarize.demo.config import DEFAULT_PIPELINE, LENGTH_PRESETS
    from summarize.demo.service import DemoService

    base = DEFAULT_PIPELINE.replace(
        mt_model="/no/such/mt", translation=GenerationSettings(num_beams=2), cache_size=11
    )
    service = DemoService(DemoConfig(pipeline=base, workdir=tmp_path, preload=False))
    built: list[PipelineConfig] = []
    import summarize.pipeline as pipeline_module

    class Recording(pipeline_module.Pipeline):
        def load(self) -> Recording:
            built.append(self.config)
            return self

    monkeypatch.setattr(pipeline_module, "Pipeline", Recording)
    service.pipeline("extract-translate", "", "", "short")
    (cfg,) = built
    assert cfg == base.replace(
        strategy="extract-translate",
        summary=LENGTH_PRESETS["short"].merged_over(base.summary),
        extract_k=2,
    )


def test_demo_command_reads_every_field_from_the_environment() -> None:
    from summarize.demo.cli import demo_command

    names = {p.name for p in demo_command.params}
    for f in config_fields():
        if f.metadata.get("flag"):
            assert f"cfg_{f.name}" in names, f.name
    assert {"assignments", "config_file"} <= names


# ------------------------------------------------------------------ exit codes


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["run", str(SEEDS), "--strategy", "abstract"], EXIT_USAGE),
        (["run", str(SEEDS), "--set", "colour=red"], EXIT_USAGE),
        (["eval", "nusax-mt", "--set", "colour=red"], EXIT_USAGE),
        (["demo", "--set", "colour=red"], EXIT_USAGE),
        (["run", str(SEEDS), "--mt-model", "/no/such/model"], EXIT_FATAL),
        (["eval", "nusax-mt", "--limit", "2", "--mt-model", "/no/such/model"], EXIT_FATAL),
        (["demo", "--mt-model", "/no/such/model"], EXIT_FATAL),
        (["run", str(SEEDS), "--num-beams", "0"], EXIT_USAGE),
        (["eval", "nusax-mt", "--num-beams", "0"], EXIT_USAGE),
        (["demo", "--num-beams", "0"], EXIT_USAGE),
    ],
)
def test_every_cli_uses_the_same_exit_codes(
    command: list[str], code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_data: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    tiny_data.pull("nusax-mt")  # `eval nusax-mt` must get past its data to reach the model
    result = CliRunner().invoke(main, command)
    assert result.exit_code == code, result.output
    # one line, whatever the kind of error (click's own usage errors included); a
    # progress bar may come before it
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("Error: ") and sum("Error" in line for line in lines) == 1
    assert "Usage:" not in result.output and "Traceback" not in result.output
    if "--num-beams" in command:
        assert "'--num-beams'" in lines[-1] and "--help" in lines[-1]
