"""Settings are validated at the boundary: every numeric setting has a range, NaN and
infinity are refused, and a bad value is one ``Error:`` line naming it with exit 2 (not
a failure of every record later). ``--threads`` is capped by the CPU count with a
warning; token limits are capped by the model's own limit when it loads."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize.cli import main
from summarize.cli_common import available_cpus
from summarize.cli_errors import EXIT_USAGE
from summarize.config import GENERATION_RANGES, MAX_NEW_TOKENS, PipelineConfig
from summarize.demo.cli import demo_command
from summarize.demo.config import DemoConfig
from summarize.errors import ConfigError
from summarize.types import GenerationSettings

#: (--set assignment, the setting its message must name)
BAD_SETTINGS = [
    ("summary.num_beams=0", "summary.num_beams"),
    ("translation.num_beams=-1", "translation.num_beams"),
    ("translation.repetition_penalty=-5", "translation.repetition_penalty"),
    ("summary.repetition_penalty=0", "summary.repetition_penalty"),
    ("summary.max_new_tokens=1000000000000", "summary.max_new_tokens"),
    ("translation.max_new_tokens=0", "translation.max_new_tokens"),
    ("summary.min_new_tokens=99999", "summary.min_new_tokens"),
    ("summary.length_penalty=NaN", "summary.length_penalty"),
    ("summary.length_penalty=Infinity", "summary.length_penalty"),
    ("summary.length_penalty=-Infinity", "summary.length_penalty"),
    ("repair_translation.repetition_penalty=NaN", "repair_translation.repetition_penalty"),
    ("summary.no_repeat_ngram_size=100000", "summary.no_repeat_ngram_size"),
    ("summary.seed=-1", "summary.seed"),
    ("summary.length_penalty=1" + "0" * 400, "summary.length_penalty"),
    ("max_batch_tokens=1000000000000", "max_batch_tokens"),
    ("summary_batch_tokens=0", "summary_batch_tokens"),
    ("cache_size=" + "9" * 5000, "cache_size"),
    ("extract_k=1000000", "extract_k"),
    ("backend_options.threads=1000000000000", "backend_options.threads"),
    ("backend_options.threads=0", "backend_options.threads"),
]


@pytest.mark.parametrize(("assignment", "name"), BAD_SETTINGS)
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(
    assignment: str, name: str, tmp_path: Path
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Satu."}\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["run", str(src), "-o", str(tmp_path / "out.jsonl"), "--set", assignment]
    )
    assert result.exit_code == EXIT_USAGE, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: {name} must be "), lines
    assert not (tmp_path / "out.jsonl").exists()


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(ConfigError, match=r"^summary\.num_beams must be from 1 to 64, got 0$"):
        PipelineConfig(summary=GenerationSettings(num_beams=0))
    with pytest.raises(ConfigError, match="translation.length_penalty must be a finite number"):
        PipelineConfig(translation=GenerationSettings(length_penalty=math.nan))
    with pytest.raises(ConfigError, match="repetition_penalty must be greater than 0"):
        PipelineConfig(summary={"repetition_penalty": -5})
    # the edges of each range are accepted
    for key, limits in GENERATION_RANGES.items():
        for edge in (limits.high,) if limits.low_open else (limits.low, limits.high):
            value = int(edge) if key not in ("length_penalty", "repetition_penalty") else edge
            if key == "min_new_tokens":
                PipelineConfig(summary={key: value, "max_new_tokens": MAX_NEW_TOKENS})
            else:
                PipelineConfig(summary={key: value})


def test_generation_flags_carry_the_same_ranges(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Satu."}\n', encoding="utf-8")
    for flag, value in [("--max-length", "1000000000000"), ("--num-beams", "0")]:
        result = CliRunner().invoke(main, ["run", str(src), flag, value])
        assert result.exit_code == EXIT_USAGE
        assert f"Invalid value for '{flag}'" in result.output


def test_threads_beyond_the_cpu_count_are_capped_with_a_warning(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", "--threads", str(10**12), "--show-config"])
    assert result.exit_code == 0, result.output
    cores = available_cpus()
    assert (
        f"Warning: --threads 1,000,000,000,000 is more than the {cores} CPU core(s) this "
        f"process may use; using {cores}." in result.output
    )
    shown = json.loads(result.output[result.output.index("{") :])
    assert shown["backend_options"] == {"threads": cores}
    within = CliRunner().invoke(main, ["run", "--threads", "1", "--show-config"])
    assert "Warning" not in within.output


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SUMMARIZE_ARTICLE_BATCH_WAIT": "inf"},
            "Error: --article-batch-wait (SUMMARIZE_ARTICLE_BATCH_WAIT) must be a finite "
            "number, got inf",
        ),
        (
            {"SUMMARIZE_ARTICLE_BATCH_WAIT": "nan"},
            "Error: --article-batch-wait (SUMMARIZE_ARTICLE_BATCH_WAIT) must be a finite "
            "number, got nan",
        ),
        (
            {"SUMMARIZE_ARTICLE_BATCH_WAIT": "3600"},
            "Error: --article-batch-wait (SUMMARIZE_ARTICLE_BATCH_WAIT) must be from 0 to 60, "
            "got 3600.0",
        ),
        (
            {"SUMMARIZE_HOST": "999.1.1.1"},
            "Error: --host (SUMMARIZE_HOST) must be an IP address or a host name, got "
            "'999.1.1.1' (not a valid IPv4 address)",
        ),
        (
            {"SUMMARIZE_HOST": "http://0.0.0.0"},
            "Error: --host (SUMMARIZE_HOST) must be an IP address or a host name, got "
            "'http://0.0.0.0'",
        ),
        ({"SUMMARIZE_ARTICLE_BATCH_WAIT": "0.5", "SUMMARIZE_HOST": "127.0.0.1"}, None),
    ],
)
def test_bad_demo_environment_stops_the_demo_at_start(
    env: dict[str, str], message: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarize.demo.ui as ui

    launched: list[DemoConfig] = []
    monkeypatch.setattr(ui, "launch_demo", launched.append)  # never serve in this test
    result = CliRunner().invoke(demo_command, ["--no-preload"], env=env)
    if message is None:
        assert result.exit_code == 0, result.output
        assert len(launched) == 1
        return
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.output.strip().splitlines() == [message]
    assert not launched


def test_demo_pipeline_environment_goes_through_the_same_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import summarize.demo.ui as ui

    monkeypatch.setattr(ui, "launch_demo", lambda config: None)
    result = CliRunner().invoke(
        demo_command, ["--no-preload"], env={"SUMMARIZE_MAX_LENGTH": "1000000000000"}
    )
    assert result.exit_code == EXIT_USAGE
    assert "SUMMARIZE_MAX_LENGTH" in result.output and "1<=x<=4096" in result.output


def test_demo_config_refuses_bad_values_in_code() -> None:
    assert DemoConfig(host="::1").host == "::1"
    assert DemoConfig(host="news-demo.example").host == "news-demo.example"
    for bad in [
        {"host": "256.0.0.1"},
        {"host": "a..b"},
        {"port": 70000},
        {"concurrency": 0},
        {"article_batch_wait_s": math.inf},
        {"queue_size": 0},
        {"keep_outputs_s": -1},
        {"article_batch_size": 1.5},
    ]:
        with pytest.raises(ConfigError):
            DemoConfig(**bad)


def test_token_limits_are_capped_by_the_model(tiny_models: dict[str, str]) -> None:
    """Marian's decoder has 512 positions: asking for more tokens than that generates 511,
    where it used to fail in the model."""
    from summarize.engines.factory import load_engine

    engine = load_engine(tiny_models["marian"], device="cpu")
    assert engine.profile.max_output_tokens == 511
    settings = GenerationSettings(num_beams=1, min_new_tokens=600, max_new_tokens=700)
    assert engine.profile.capped(settings) == GenerationSettings(
        num_beams=1, min_new_tokens=511, max_new_tokens=511
    )
    batch = engine.generate(["Presiden meresmikan jalan tol."], settings)
    assert batch.tokens == [511] and batch.truncated == [True]
    t5 = load_engine(tiny_models["t5"], device="cpu")
    assert t5.profile.max_output_tokens is None  # relative positions: no limit known
    assert t5.profile.capped(settings) is settings
