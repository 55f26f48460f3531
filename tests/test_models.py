"""Model registry, family profiles (prompts/), licences and the `models` commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from summarize import GenerationSettings, Pipeline
from summarize.cli import EXIT_USAGE, main
from summarize.engines import load_engine
from summarize.errors import ConfigError
from summarize.models import FAMILIES, infer_family, load_profile, lookup
from summarize.models.profiles import builtin_prompts_dir, license_from_card


def test_every_family_has_a_prompt_file():
    for family in FAMILIES:
        profile = load_profile(family)
        assert profile.family == family
        assert profile.defaults.num_beams and profile.defaults.max_new_tokens


def test_family_conventions():
    assert load_profile("t5").prefix == "summarize: "
    assert "Summarize" in load_profile("flan-t5").prefix
    nllb = load_profile("nllb")
    assert (nllb.src_lang, nllb.tgt_lang) == ("ind_Latn", "eng_Latn")
    assert (load_profile("m2m100").src_lang, load_profile("m2m100").tgt_lang) == ("id", "en")
    assert load_profile("mbart50").tgt_lang == "en_XX"
    assert load_profile("mt5-crosssum").target_language_name == "english"


def test_prompt_files_can_be_overridden(tmp_path, monkeypatch):
    (tmp_path / "t5.toml").write_text(
        'family = "t5"\ntask = "summarization"\nprefix = "ringkas: "\n[generation]\nnum_beams = 1\n'
        "max_new_tokens = 5\n",
        encoding="utf-8",
    )
    assert load_profile("t5", prompts_dir=tmp_path).prefix == "ringkas: "
    monkeypatch.setenv("SUMMARIZE_PROMPTS_DIR", str(tmp_path))
    assert load_profile("t5").defaults.num_beams == 1
    (tmp_path / "bad.toml").write_text(
        'family = "bad"\n[generation]\nbeams = 3\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="unknown generation settings"):
        load_profile("bad", prompts_dir=tmp_path)
    with pytest.raises(ConfigError, match="no prompt file"):
        load_profile("gpt")


def test_prompts_dir_is_the_top_level_folder():
    assert (builtin_prompts_dir() / "marian.toml").is_file()


def test_registry_records_non_commercial_licences():
    for model_id in ("csebuetnlp/mT5_m2m_crossSum", "csebuetnlp/mT5_multilingual_XLSum"):
        info = lookup(model_id)
        assert info is not None and info.non_commercial and info.license == "CC-BY-NC-SA-4.0"
    assert lookup("Helsinki-NLP/opus-mt-id-en").family == "marian"
    assert infer_family("facebook/nllb-200-distilled-600M") == "nllb"


def test_local_models_are_classified_from_their_config(tiny_models):
    from pathlib import Path

    expected = {
        "marian": "marian",
        "bart": "bart",
        "t5": "t5",
        "mt5": "mt5-xlsum",
        "mt5_crosssum": "mt5-crosssum",
        "m2m100": "m2m100",
        "nllb": "nllb",
        "mbart50": "mbart50",
    }
    for name, family in expected.items():
        assert infer_family(tiny_models[name], Path(tiny_models[name])) == family


def test_licence_comes_from_the_model_card(tiny_models, tmp_path):
    from pathlib import Path

    assert license_from_card(Path(tiny_models["mt5_crosssum"])) == "cc-by-nc-sa-4.0"
    assert license_from_card(tmp_path) is None
    assert load_engine(tiny_models["mt5_crosssum"]).profile.non_commercial


def test_non_commercial_models_warn_in_every_result(tiny_models, seed_texts):
    pipe = Pipeline(
        "direct",
        mt_model=tiny_models["marian"],
        sum_model=tiny_models["mt5_crosssum"],
        translation=GenerationSettings(max_new_tokens=4),
        summary=GenerationSettings(max_new_tokens=4),
    )
    result = pipe.process_batch([next(iter(seed_texts.values()))])[0]
    assert any("non-commercial" in w for w in result.warnings)
    assert "<extra_id" not in result.summary  # the CrossSum language token is not output


def test_engines_load_once_per_process(tiny_models):
    assert load_engine(tiny_models["marian"]) is load_engine(tiny_models["marian"])


def test_models_list_and_pull_offline(tmp_path, monkeypatch):
    r = CliRunner().invoke(main, ["models", "list", "--cache-dir", str(tmp_path)])
    assert r.exit_code == 0 and "summarize models pull" in r.output
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    r = CliRunner().invoke(main, ["models", "pull", "Helsinki-NLP/opus-mt-id-en"])
    assert r.exit_code == EXIT_USAGE
    assert "Error: cannot download 'Helsinki-NLP/opus-mt-id-en' while HF_HUB_OFFLINE is set" in (
        r.stderr
    )
    assert "HF_HUB_OFFLINE=0 summarize models pull" in r.stderr and "Traceback" not in r.output
