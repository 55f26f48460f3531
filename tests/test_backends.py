"""The backend table: typed options, thread settings decided in one place, and what each
backend takes (no engine is loaded here; test_ct2.py and test_config.py load real ones)."""

from __future__ import annotations

import pytest

from summarize.config import PipelineConfig
from summarize.distributed.stages import actor_config
from summarize.engines.backends import (
    BACKEND_TABLE,
    DEFAULT_BACKEND,
    BackendOptions,
    get_backend,
)
from summarize.errors import ConfigError

CT2 = get_backend("ctranslate2")
HF = get_backend("transformers")


def test_options_are_typed_and_take_ctranslate2s_own_name() -> None:
    cfg = PipelineConfig(backend="ctranslate2", backend_options={"intra_threads": 2})
    assert cfg.backend_options == BackendOptions(threads=2)
    assert cfg.to_dict()["backend_options"] == {"threads": 2}
    assert PipelineConfig.from_dict(cfg.to_dict()) == cfg
    assert BackendOptions.from_mapping({"intra_threads": 0}) == BackendOptions()  # library default
    with pytest.raises(ConfigError, match="unknown backend option.*compute_type"):
        PipelineConfig(backend_options={"compute_type": "int8"})
    with pytest.raises(ConfigError, match=r"backend_options\.threads must be from 1 to"):
        PipelineConfig(backend_options={"threads": 0})


def test_each_backend_says_which_options_it_takes() -> None:
    options = BackendOptions(threads=3, inter_threads=2, cache_dir="/tmp/c")
    assert CT2.engine_options(options) == {
        "intra_threads": 3,
        "inter_threads": 2,
        "cache_dir": "/tmp/c",
    }
    assert HF.engine_options(BackendOptions(threads=3)) == {"threads": 3}
    assert HF.unsupported(options) == ("inter_threads", "cache_dir")
    with pytest.raises(ConfigError, match="inter_threads is not an option of the transformers"):
        PipelineConfig(backend_options={"inter_threads": 2})
    assert CT2.converts and not HF.converts
    assert HF.cache_dir() is None
    assert str(CT2.cache_dir(BackendOptions(cache_dir="/tmp/c"))) == "/tmp/c"


def test_thread_settings_for_a_share_of_the_machine_are_decided_by_the_table() -> None:
    # one worker of the actor's threads, unless the configuration set its own
    assert CT2.for_cores(BackendOptions(), 4) == BackendOptions(threads=4, inter_threads=1)
    assert CT2.for_cores(BackendOptions(inter_threads=2), 4) == BackendOptions(4, 2)
    assert HF.for_cores(BackendOptions(), 4) == BackendOptions(threads=4)
    assert HF.for_cores(BackendOptions(threads=2), None) == BackendOptions(threads=2)
    # the Ray actors use it
    cfg = PipelineConfig(backend="ctranslate2")
    assert actor_config(cfg, 3).backend_options == BackendOptions(threads=3, inter_threads=1)
    assert actor_config(PipelineConfig(), 3).backend_options == BackendOptions(threads=3)
    assert actor_config(cfg, None) is cfg


def test_the_table_names_packages_and_install_hints() -> None:
    assert DEFAULT_BACKEND == PipelineConfig().backend
    for entry in BACKEND_TABLE.values():
        assert entry.installed()  # the dev extra installs both
        entry.require()
        assert entry.install_hint.startswith("pip install")
    with pytest.raises(ConfigError, match="unknown options for the transformers backend"):
        HF.load("/nowhere", device="cpu", dtype="auto", intra_threads=1)
