"""API edges with the tiny models: input errors in ``Pipeline.run`` keep what was read, a
bare string is not a batch, lone surrogates never reach the output, an empty summary is
an error."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from summarize.errors import ConfigError
from summarize.pipeline import Pipeline, process_batch
from summarize.types import GenerationSettings

ARTICLE = (
    "Presiden Joko Widodo meresmikan jalan tol baru di Jawa Tengah. "
    "Menurut dia, proyek itu selesai tahun depan."
)


@pytest.fixture(scope="module")
def pipe(tiny_models: dict[str, str]) -> Pipeline:
    return Pipeline(
        "extract-translate",
        mt_model=tiny_models["marian"],
        translation=GenerationSettings(max_new_tokens=4, num_beams=1),
    ).load()


def test_run_yields_every_record_read_before_the_input_raises(pipe):
    def source() -> Iterator[dict]:
        for i in range(1, 11):
            if i == 9:
                raise OSError("disk went away")
            yield {"id": f"r{i}", "text": ARTICLE}

    seen = []
    with pytest.raises(OSError, match="disk went away"):
        for result in pipe.run(source(), batch_size=3):
            seen.append(result.id)
    assert seen == [f"r{i}" for i in range(1, 9)]


@pytest.mark.parametrize("batch", ["Halo dunia", b"Halo dunia"])
def test_a_bare_string_is_not_a_batch(pipe, batch):
    with pytest.raises(ConfigError, match="list of records"):
        process_batch(batch, pipeline=pipe)
    with pytest.raises(ConfigError, match="list of records"):
        pipe.process_batch(batch)
    with pytest.raises(ConfigError, match="list of records"):
        list(pipe.run(batch))


def test_columns_of_different_lengths_are_a_config_error(pipe):
    with pytest.raises(ConfigError, match="same length"):
        process_batch({"id": ["a"], "text": [ARTICLE, ARTICLE]}, pipeline=pipe)


def test_lone_surrogates_are_replaced_with_a_warning(pipe):
    results = pipe.process_batch(
        [
            {"id": "a\udc80", "text": ARTICLE + " \ud800", "extra": "x\udfff"},
            ARTICLE + "\udc80",
        ]
    )
    assert [r.id for r in results] == ["a\ufffd", "2"]
    for r in results:
        assert r.error is None
        json.dumps(r.to_dict(), ensure_ascii=False).encode("utf-8")
        assert any("surrogate" in w for w in r.warnings)
    assert results[0].metadata["extra"] == "x\ufffd"


def test_reader_warnings_reach_the_result(pipe):
    (result,) = pipe.process_batch([{"id": "a", "text": ARTICLE, "_warnings": ["from reader"]}])
    assert "from reader" in result.warnings and "_warnings" not in result.metadata


def test_empty_summary_for_non_empty_input_is_a_record_error(tiny_models):
    pipe = Pipeline(
        "extract-translate",
        mt_model=tiny_models["marian"],
        translation=GenerationSettings(max_new_tokens=4, num_beams=1),
    ).load()
    real = pipe.translator.translate_groups

    def empty(groups, **kwargs):
        from dataclasses import replace

        return [
            replace(g, sentences=tuple(replace(t, text="") for t in g.sentences))
            for g in real(groups, **kwargs)
        ]

    pipe.translator.translate_groups = empty  # a model whose tokenizer decodes to nothing
    (result,) = pipe.process_batch([ARTICLE])
    assert result.error and "empty summary" in result.error
