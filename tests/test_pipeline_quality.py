"""Flags and repair in the pipeline, on the tiny random models (whose output is gibberish:
the flags must fire, and the repair path must run end to end and say what it tried)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from summarize import GenerationSettings, Pipeline
from summarize.cli import main as cli_main
from summarize.quality import REPAIRABLE

TEXT = "Rusia menyerang Ukraina pada 24 Februari 2022. Sekretaris Jenderal NATO Jens Stoltenberg tiba di Kyiv."
STRICT = GenerationSettings(num_beams=2, no_repeat_ngram_size=2, repetition_penalty=1.5)


def pipeline(tiny_models: dict[str, str], **settings: object) -> Pipeline:
    return Pipeline(
        strategy="extract-translate",
        mt_model=tiny_models["marian"],
        translation=GenerationSettings(max_new_tokens=4),
        repair_translation=STRICT,
        **settings,
    )


def test_flags_fire_and_flagged_sentences_are_retried(tiny_models: dict[str, str]) -> None:
    result = pipeline(tiny_models).process_batch([TEXT])[0]
    assert result.ok and len(result.alignment) == 2
    for a in result.alignment:
        codes = [f.code for f in a.flags]
        # 4 new tokens of gibberish: the engine hit the limit, and the date/names are lost
        assert "truncated" in codes
        assert any(c in REPAIRABLE for c in codes)
        # one stricter-decoding retry, with the settings it used; it cleared nothing
        assert [r.tried for r in a.repairs] == ["stricter decoding"]
        attempt = a.repairs[0]
        assert attempt.settings["no_repeat_ngram_size"] == 2
        assert attempt.settings["repetition_penalty"] == 1.5
        assert attempt.settings["num_beams"] == 2
        assert attempt.settings["max_new_tokens"] == 4  # unset in repair: the translation's
        assert attempt.cleared is False
        assert attempt.model is None
        assert list(attempt.flags) == [f.code for f in a.flags]  # not cleared: the flags stay
    first = result.alignment[0]
    assert "number" in [f.code for f in first.flags]
    assert "name" in [f.code for f in result.alignment[1].flags]
    # counts per code over the sentences and the summary
    expected: dict[str, int] = {}
    for f in [f for a in result.alignment for f in a.flags] + list(result.flags):
        expected[f.code] = expected.get(f.code, 0) + 1
    assert result.flag_counts == expected
    assert result.timings["repair"] > 0
    assert result.settings["repair"]["on"] is True
    record = json.loads(json.dumps(result.to_dict()))
    assert record["alignment"][0]["repairs"][0]["tried"] == "stricter decoding"
    assert record["alignment"][0]["flags"][0]["code"] == first.flags[0].code
    assert record["flag_counts"] == expected


def test_fallback_model_is_tried_once_after_stricter_decoding(tiny_models: dict[str, str]) -> None:
    fallback = tiny_models["m2m100"]
    result = pipeline(tiny_models, fallback_mt_model=fallback).process_batch([TEXT])[0]
    for a in result.alignment:
        assert [r.tried for r in a.repairs] == ["stricter decoding", "fallback model"]
        assert a.repairs[1].model == fallback
        assert not any(r.cleared for r in a.repairs)
    assert result.settings["repair"]["fallback_mt_model"] == fallback


def test_no_repair_keeps_the_flags_and_tries_nothing(tiny_models: dict[str, str]) -> None:
    result = pipeline(tiny_models, repair=False).process_batch([TEXT])[0]
    assert all(a.flags and not a.repairs for a in result.alignment)
    assert "repair" not in result.timings


def test_english_input_gets_no_translation_flags(tiny_models: dict[str, str]) -> None:
    text = "Russia attacked Ukraine on February 24, 2022, and the war has gone on since then."
    result = pipeline(tiny_models).process_batch([text])[0]
    assert all(not a.flags and not a.repairs for a in result.alignment)


@pytest.mark.parametrize("repair", [True, False])
def test_run_prints_the_flag_counts(
    tiny_models: dict[str, str], tmp_path: object, repair: bool
) -> None:
    out = f"{tmp_path}/out.jsonl"
    src = f"{tmp_path}/in.txt"
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(TEXT + "\n")
    args = [
        "run",
        src,
        "-o",
        out,
        "-s",
        "extract-translate",
        "--mt-model",
        tiny_models["marian"],
        "--max-translation-length",
        "4",
        "--set",
        "repair_translation.num_beams=1",
        "--repair" if repair else "--no-repair",
    ]
    result = CliRunner().invoke(cli_main, args)
    assert result.exit_code == 0, result.output
    record = json.loads(open(out, encoding="utf-8").readline())
    counts = ", ".join(f"{k} {v}" for k, v in sorted(record["flag_counts"].items()))
    assert f"flags: {counts}" in result.output
    assert ("repair cleared 0 of 2 retranslated sentences" in result.output) is repair
