"""The vocabulary shortlist (CTranslate2 vocabulary map): building it from a model's own
translations, the engine option that applies it, and ``summarize models vmap``."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.engines.ct2.vmap import (
    VMAP_FILE,
    VocabularyMap,
    build_vocabulary_map,
    compare_outputs,
    corpus_sentences,
    model_dir_with_vmap,
    read_vocabulary_map,
    translate_pieces,
    write_vocabulary_map,
)
from summarize.errors import ConfigError
from summarize.types import GenerationSettings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SETTINGS = GenerationSettings(num_beams=2, max_new_tokens=12)
# Greedy: a map that holds every piece the model chose keeps every argmax. (Beam search
# can differ even then: its scores are renormalised over the shortlist.)
GREEDY = GenerationSettings(num_beams=1, max_new_tokens=12)

PAIRS = [
    (["▁a", "▁b", "</s>"], ["▁x", "▁y", "</s>"]),
    (["▁a", "▁c", "</s>"], ["▁x", "▁z", "</s>"]),
    (["▁b", "</s>"], ["▁y", "▁w", "▁w", "</s>"]),
]


# --------------------------------------------------------------------------- pure


def test_common_pieces_are_the_most_frequent_outputs_counted_once_per_sentence() -> None:
    vmap = build_vocabulary_map(PAIRS, common=2, per_source=0, ignore=["</s>"])
    # x and y appear in two translations each; w twice but in one translation only
    assert vmap.common == ("▁x", "▁y")
    assert vmap.rules == {} and vmap.sentences == 3


def test_each_source_piece_keeps_its_most_cooccurring_outputs() -> None:
    vmap = build_vocabulary_map(PAIRS, common=1, per_source=1, ignore=["</s>"])
    assert vmap.common == ("▁x",)
    # a: y and z once each (tie: y is more frequent overall); b: y twice; c: z
    assert vmap.rules == {"▁a": ("▁y",), "▁b": ("▁y",), "▁c": ("▁z",)}
    assert vmap.candidates([["▁c"]]) == {"▁x", "▁z"}
    assert vmap.candidates([["▁a"], ["▁c"]]) == {"▁x", "▁y", "▁z"}
    assert "</s>" not in vmap.candidates([p for p, _ in PAIRS])


def test_the_same_pairs_give_the_same_file_and_it_reads_back(tmp_path: Path) -> None:
    a = build_vocabulary_map(PAIRS, common=1, per_source=2, ignore=["</s>"])
    b = build_vocabulary_map(list(reversed(PAIRS)), common=1, per_source=2, ignore=["</s>"])
    assert a.to_text() == b.to_text()
    path = write_vocabulary_map(a, tmp_path / "sub" / "map.txt")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "\t▁x"  # the always-allowed rule: an empty source
    again = read_vocabulary_map(path)
    assert again.common == a.common and dict(again.rules) == dict(a.rules)


def test_bad_map_files_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        read_vocabulary_map(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty"):
        read_vocabulary_map(tmp_path / "empty.txt")
    with pytest.raises(ConfigError, match="no tab"):
        VocabularyMap.parse("▁a ▁x\n")
    with pytest.raises(ConfigError):
        build_vocabulary_map(PAIRS, common=-1)


def test_compare_outputs() -> None:
    a = compare_outputs([["x", "y"], ["x"]], [["x", "y"], ["z", "w"]])
    assert (a.identical, a.sentences) == (1, 2)
    assert a.identical_share == 0.5 and a.token_agreement == pytest.approx(0.5)
    with pytest.raises(ValueError):
        compare_outputs([["x"]], [])


def test_corpus_sentences_are_distinct_and_shuffled_by_seed() -> None:
    texts: list[str | bytes] = [
        "Harga beras naik. Harga beras naik.",
        "   \n",  # an empty article is skipped
        b"Presiden tiba di Jakarta pagi ini.",  # files are read as bytes
    ]
    out = corpus_sentences(texts, seed=1)
    assert sorted(out) == ["Harga beras naik.", "Presiden tiba di Jakarta pagi ini."]
    many = [f"Kalimat nomor {i} ada di sini." for i in range(20)]
    assert corpus_sentences(many, seed=1) == corpus_sentences(many, seed=1)
    assert corpus_sentences(many, seed=1) != corpus_sentences(many, seed=2)


# --------------------------------------------------------------------------- engine


@pytest.fixture()
def isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    cache = tmp_path_factory.mktemp("vmap-cache")
    monkeypatch.setenv("SUMMARIZE_CACHE", str(cache))
    return cache


def _sentences() -> list[str]:
    return corpus_sentences([p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))])


def test_the_engine_applies_the_map_and_a_full_map_changes_nothing(
    tiny_models: dict[str, str], isolated_cache: Path, tmp_path: Path
) -> None:
    pytest.importorskip("ctranslate2")
    from summarize.engines.factory import load_engine

    model = tiny_models["marian"]
    full = load_engine(model, backend="ctranslate2", device="cpu", dtype="float32")
    sentences = _sentences()[:12]
    reference = translate_pieces(full, sentences, GREEDY)
    special = set(full.tokenizer.all_special_tokens)  # type: ignore[attr-defined]
    pairs = list(zip(full.source_tokens(sentences), reference, strict=True))  # type: ignore[attr-defined]

    # Every piece the model emitted is allowed: the same outputs.
    everything = build_vocabulary_map(pairs, common=10_000, per_source=0, ignore=special)
    path = write_vocabulary_map(everything, tmp_path / "all.txt")
    mapped = load_engine(
        model, backend="ctranslate2", device="cpu", dtype="float32", vmap=str(path)
    )
    assert mapped is not full and mapped.vmap == path  # type: ignore[attr-defined]
    assert translate_pieces(mapped, sentences, GREEDY) == reference

    # A map of three pieces: outputs use only those (and the special tokens).
    emitted = sorted({p for out in reference for p in out} - special)
    assert len(emitted) > 3  # or the check below proves nothing
    small = VocabularyMap(tuple(emitted[:3]), {})
    path = write_vocabulary_map(small, tmp_path / "small.txt")
    narrow = load_engine(
        model, backend="ctranslate2", device="cpu", dtype="float32", vmap=str(path)
    )
    outputs = translate_pieces(narrow, sentences, SETTINGS)
    assert outputs != reference
    assert {p for out in outputs for p in out} <= set(emitted[:3]) | special

    # The converted model is left as it was; the map lives in a linked directory.
    entry = full.model_dir  # type: ignore[attr-defined]
    assert not (entry / VMAP_FILE).exists()
    linked = model_dir_with_vmap(entry, path)
    assert linked != entry and (linked / VMAP_FILE).read_text(encoding="utf-8") == small.to_text()
    assert (linked / "model.bin").resolve() == (entry / "model.bin").resolve()
    assert model_dir_with_vmap(entry, path) == linked  # built once


def test_map_option_errors(
    tiny_models: dict[str, str], isolated_cache: Path, tmp_path: Path
) -> None:
    pytest.importorskip("ctranslate2")
    from summarize.config import PipelineConfig
    from summarize.engines.factory import load_engine

    with pytest.raises(ConfigError, match="cannot read the vocabulary map"):
        load_engine(
            tiny_models["marian"],
            backend="ctranslate2",
            device="cpu",
            dtype="float32",
            vmap=str(tmp_path / "missing.txt"),
        )
    # As a config file or --set gives it: a table, checked against the backend.
    with pytest.raises(ConfigError, match="vmap"):
        PipelineConfig.from_dict({"backend": "transformers", "backend_options": {"vmap": "x.txt"}})
    config = PipelineConfig.from_dict(
        {"backend": "ctranslate2", "backend_options": {"vmap": str(tmp_path / "m.txt")}}
    )
    assert config.backend_options.vmap == str(tmp_path / "m.txt")


# --------------------------------------------------------------------------- command


def test_models_vmap_command(
    tiny_models: dict[str, str], isolated_cache: Path, tmp_path: Path
) -> None:
    pytest.importorskip("ctranslate2")
    from click.testing import CliRunner

    from summarize.cli import main

    out = tmp_path / "map.txt"
    args = ["models", "vmap", tiny_models["marian"], str(SEEDS), "-o", str(out)]
    args += ["--sample", "20", "--held-out", "6", "--max-new-tokens", "10", "--dtype", "float32"]
    args += ["--common", "1", "--per-source", "5"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    vmap = read_vocabulary_map(out)
    assert len(vmap.common) == 1 and vmap.rules
    assert all(0 < len(v) <= 5 for v in vmap.rules.values())
    assert "from 20 sentences" in result.output
    assert "held-out:" in result.output and "/6 outputs identical" in result.output

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_text("   \n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["models", "vmap", tiny_models["marian"], str(empty), "-o", str(out)]
    )
    assert result.exit_code == 2 and "Error: the corpus has no sentences" in result.output
