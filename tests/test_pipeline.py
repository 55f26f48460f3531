"""End-to-end pipeline behaviour on tiny random models: structure, order, errors.

The models are random: nothing here asserts on translation or summary quality.
"""

from __future__ import annotations

import pytest

from summarize import (
    ConfigError,
    GenerationSettings,
    InputError,
    ModelNotAvailableError,
    Pipeline,
    Result,
    process_batch,
    summarize,
    translate,
)

FAST = {
    "translation": GenerationSettings(max_new_tokens=8),
    "summary": GenerationSettings(max_new_tokens=8),
}


def sum_model_for(strategy: str, tiny: dict[str, str]) -> str | None:
    return {
        "translate-summarize": tiny["bart"],
        "summarize-translate": tiny["mt5"],
        "direct": tiny["mt5_crosssum"],
        "extract-translate": None,
    }[strategy]


@pytest.fixture(scope="module")
def pipe(tiny_models):
    return Pipeline(mt_model=tiny_models["marian"], sum_model=tiny_models["bart"], **FAST)


@pytest.mark.parametrize(
    "strategy", ["translate-summarize", "summarize-translate", "direct", "extract-translate"]
)
def test_every_strategy_end_to_end(strategy, tiny_models, seed_texts):
    pipe = Pipeline(
        strategy,
        mt_model=tiny_models["marian"],
        sum_model=sum_model_for(strategy, tiny_models),
        **FAST,
    )
    records = [{"id": k, "text": v} for k, v in seed_texts.items()]
    results = list(pipe.run(records, batch_size=2))
    assert [r.id for r in results] == list(seed_texts)
    for r in results:
        assert isinstance(r, Result)
        assert r.error is None, r.error
        assert r.translation.strip() and r.summary.strip()
        assert r.strategy == strategy
        assert r.models["translation"]["revision"] == "local"
        assert r.alignment and all(a.source and a.translation for a in r.alignment)
    if strategy != "extract-translate":
        for r in results:
            assert "summarization" in r.models
            assert "summarize" in r.timings


def test_alignment_and_paragraphs_follow_the_source(pipe, seed_texts):
    from summarize.text import prepare_article

    text = next(iter(seed_texts.values()))
    result = pipe.process_batch([text])[0]
    article = prepare_article(text)
    assert [a.source for a in result.alignment] == article.sentences
    assert [(a.paragraph, a.index) for a in result.alignment] == [
        (p, i) for p, para in enumerate(article.paragraphs) for i in range(len(para))
    ]
    assert result.source == article.text
    assert result.translation.count("\n\n") == len(article.paragraphs) - 1
    assert result.timings["translate"] >= 0 and result.timings["total"] > 0


def test_metadata_moved_out_of_the_text(pipe, seed_texts):
    text = next(v for k, v in seed_texts.items() if k.startswith("004"))
    result = pipe.process_batch([text])[0]
    assert result.metadata.get("source") == "Sputnik"
    assert result.metadata.get("dateline") == "Moskow"
    assert "Sumber" not in result.source and "You May Also Like" not in result.source


def test_bad_records_are_reported_and_the_batch_goes_on(pipe, seed_texts):
    good = next(iter(seed_texts.values()))
    records = [
        {"id": "empty", "text": "   \n "},
        {"id": "binary", "text": b"\x00\x01\x02binary\x00"},
        {"id": "latin1", "text": "Berita dari Jakarta, caf\xe9".encode("latin-1")},
        {"id": "no-text", "title": "x"},
        {"id": "good", "text": good},
        {
            "id": "html",
            "text": "<html><body><h1>NATO</h1><p>" + good.split("\n")[0] + "</p></body></html>",
        },
        12345,
    ]
    results = pipe.process_batch(records)
    by_id = {r.id: r for r in results}
    assert [r.id for r in results][:6] == ["empty", "binary", "latin1", "no-text", "good", "html"]
    assert "empty" in by_id["empty"].error
    assert by_id["binary"].error and "binary" in by_id["binary"].error.lower()
    assert by_id["latin1"].error and "utf-8" in by_id["latin1"].error.lower()
    assert "text" in by_id["no-text"].error
    assert by_id["good"].ok and by_id["good"].summary
    assert by_id["html"].ok and "<p>" not in by_id["html"].source
    assert by_id["html"].metadata.get("html") is True
    assert results[-1].error and "unsupported record type" in results[-1].error


def test_english_input_skips_translation_with_a_warning(pipe):
    english = (
        "NATO Secretary General Jens Stoltenberg accused Russia of using winter as a weapon of "
        "war. The ministers met in Bucharest on Tuesday and said the door remains open to Kyiv. "
        "Russian strikes have left millions of people without power and water."
    )
    r = pipe.process_batch([english])[0]
    assert r.ok
    assert r.translation == r.source
    assert any("English" in w for w in r.warnings)
    assert any("translation skipped" in w for w in r.warnings)


def test_long_sentence_is_split_not_truncated(pipe):
    words = " ".join(f"kata{i}" for i in range(700))
    r = pipe.process_batch([f"{words}."])[0]
    assert r.ok
    assert any("translated in" in w and "parts" in w for w in r.warnings)


def test_long_article_is_chunked_with_a_warning(pipe, seed_texts):
    text = "\n".join(seed_texts.values())
    r = pipe.process_batch([text])[0]
    assert r.ok and r.summary
    assert any("exceeded the summariser's limit" in w for w in r.warnings)


def test_progress_callbacks_cover_both_stages(tiny_models, seed_texts):
    # a fresh pipeline: the shared one may already have these sentences in its cache
    pipe = Pipeline(mt_model=tiny_models["marian"], sum_model=tiny_models["bart"], **FAST)
    text = "\n".join(seed_texts.values())
    translated: list[int] = []
    summarised: list[tuple[int, int]] = []
    r = pipe.process_batch(
        [text], on_progress=translated.append, on_summary=lambda d, t: summarised.append((d, t))
    )[0]
    assert r.ok
    units = len(r.alignment) + (1 if r.title else 0)
    assert sum(translated) >= units  # split sentences count their parts
    done = [d for d, _ in summarised]
    assert done == sorted(done) and len(set(done)) == len(done)  # strictly increasing
    assert all(d <= t for d, t in summarised)
    first_round = summarised[0][1]
    assert first_round > 1  # the long article was chunked
    assert summarised[-1][0] == summarised[-1][1] > first_round  # the reduce round adds inputs
    translated.clear()
    assert pipe.process_batch([text], on_progress=translated.append)[0].ok
    assert sum(translated) >= units  # the second time every sentence comes from the cache


def test_max_chars_limit(tiny_models):
    p = Pipeline(
        mt_model=tiny_models["marian"], sum_model=tiny_models["bart"], max_chars=50, **FAST
    )
    r = p.process_batch(["Jakarta " * 20])[0]
    assert r.error and "over the limit" in r.error


def test_run_consumes_input_lazily(pipe, seed_texts):
    pulled = []

    def gen():
        for i, t in enumerate(seed_texts.values()):
            pulled.append(i)
            yield t

    it = pipe.run(gen(), batch_size=2)
    first = next(it)
    assert first.id == "1"
    assert len(pulled) == 2  # only the first batch was read
    rest = list(it)
    assert [r.id for r in rest] == ["2", "3", "4", "5"]


def test_columnar_batch_for_distributed_engines(pipe, seed_texts):
    batch = {"id": ["a", "b"], "text": list(seed_texts.values())[:2]}
    out = process_batch(batch, pipeline=pipe)
    assert out["id"] == ["a", "b"]
    assert all(out["summary"]) and all(e is None for e in out["error"])
    assert pipe(batch)["id"] == ["a", "b"]


def test_one_line_helpers(tiny_models, seed_texts):
    text = next(iter(seed_texts.values()))
    kw = {"mt_model": tiny_models["marian"], "sum_model": tiny_models["bart"], **FAST}
    assert isinstance(translate("Rusia menyerang Ukraina.", **kw), str)
    assert len(translate(["Satu.", "Dua."], **kw)) == 2
    assert isinstance(summarize(text, **kw), str)
    with pytest.raises(InputError, match="empty"):
        summarize(["  "], **kw)


def test_sentence_cache_reuses_translations(tiny_models, seed_texts):
    p = Pipeline(mt_model=tiny_models["marian"], sum_model=tiny_models["bart"], **FAST)
    text = next(iter(seed_texts.values()))
    a = p.process_batch([text])[0]
    hits_before = p.translator.stats.cache_hits
    b = p.process_batch([text])[0]
    assert a.translation == b.translation
    assert p.translator.stats.cache_hits > hits_before


def test_config_errors(tiny_models):
    with pytest.raises(ConfigError, match="unknown strategy"):
        Pipeline("abstract")
    with pytest.raises(ConfigError, match="not a translation model"):
        Pipeline(mt_model=tiny_models["bart"], sum_model=tiny_models["bart"]).load()
    with pytest.raises(ConfigError, match="crosslingual-summarization"):
        Pipeline("direct", mt_model=tiny_models["marian"], sum_model=tiny_models["bart"]).load()


def test_missing_models_fail_clearly(tmp_path):
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        Pipeline(mt_model=str(tmp_path / "nope")).load()
    with pytest.raises(ModelNotAvailableError, match="summarize models pull"):
        Pipeline().load()  # HF_HUB_OFFLINE=1 in tests and the defaults are not cached


def test_every_translation_family_loads(tiny_models):
    from summarize.engines import load_engine

    for name, family in [
        ("marian", "marian"),
        ("m2m100", "m2m100"),
        ("nllb", "nllb"),
        ("mbart50", "mbart50"),
    ]:
        if name not in tiny_models:
            continue
        engine = load_engine(tiny_models[name])
        assert engine.profile.family == family
        out = engine.generate(
            ["Rusia menyerang Ukraina."], GenerationSettings(max_new_tokens=4, num_beams=1)
        )
        assert len(out.texts) == 1 and out.tokens[0] >= 1
    for name, family in [
        ("bart", "bart"),
        ("t5", "t5"),
        ("mt5", "mt5-xlsum"),
        ("mt5_crosssum", "mt5-crosssum"),
    ]:
        engine = load_engine(tiny_models[name])
        assert engine.profile.family == family
    assert load_engine(tiny_models["t5"]).profile.prefix == "summarize: "
