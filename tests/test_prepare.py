"""The driver prepares models through a function call in a spawned child process: the
configuration goes in as a ``PipelineConfig`` and domain errors come back with their own
types (no JSON protocol, no error class names)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from summarize.config import PipelineConfig
from summarize.distributed.prepare import needs_preparation, prepare_models
from summarize.errors import ModelLoadError, ModelNotAvailableError


def test_model_not_available_pickles_whole() -> None:
    exc = pickle.loads(pickle.dumps(ModelNotAvailableError("org/model", "offline")))
    assert type(exc) is ModelNotAvailableError
    assert (exc.model_id, exc.reason) == ("org/model", "offline")
    assert str(exc) == str(ModelNotAvailableError("org/model", "offline"))


def test_a_missing_model_is_raised_in_the_driver_with_its_type(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-model")
    config = PipelineConfig(mt_model=missing, strategy="extract-translate")
    with pytest.raises(ModelNotAvailableError) as info:
        prepare_models(config)
    assert info.value.model_id == missing
    assert "does not exist" in str(info.value)


def test_ctranslate2_models_are_converted_in_the_child(
    tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ctranslate2")
    monkeypatch.setenv("SUMMARIZE_CACHE", str(tmp_path / "cache"))
    config = PipelineConfig(
        mt_model=tiny_models["marian"], strategy="extract-translate", backend="ctranslate2"
    )
    assert needs_preparation(config)
    # local models have no hub commit to pin: the configuration comes back as it went
    assert prepare_models(config) == config
    converted = list((tmp_path / "cache" / "ct2").glob("*/model.bin"))
    assert len(converted) == 1, converted


def test_another_error_in_the_child_is_one_model_load_error(
    tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ctranslate2")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SUMMARIZE_CACHE", str(blocker / "cache"))  # the cache cannot be made
    config = PipelineConfig(
        mt_model=tiny_models["marian"], strategy="extract-translate", backend="ctranslate2"
    )
    with pytest.raises(ModelLoadError, match="preparing the models failed: NotADirectoryError"):
        prepare_models(config)
