"""Tests for ``summarize.testing``: tiny random-weight models with real conventions.

Everything runs offline: the tokenizers are trained on the repository's seed texts and
the models are built once per module into a temporary directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.testing import MARKER_FILE, TINY_MODEL_NAMES, build_tiny_models, load_corpus

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")

TEXTS = [
    "Sekretaris Jenderal NATO Jens Stoltenberg mengatakan aliansi akan membantu Ukraina.",
    "Serangan Rusia terhadap infrastruktur listrik.",
]
REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding every tiny model (built once for this module)."""
    return tmp_path_factory.mktemp("tiny-models")


@pytest.fixture(scope="module")
def built_models(built_dir: Path) -> dict[str, str]:
    """name -> path of every tiny model, built from scratch for this module.

    (``conftest.tiny_models`` may reuse a directory between runs; these tests check the
    builder itself, so they use their own.)"""
    return build_tiny_models(built_dir)


def _load(path: str) -> tuple[object, object]:
    """Load tokenizer and model through the Auto classes, as the application does."""
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    return AutoTokenizer.from_pretrained(path), AutoModelForSeq2SeqLM.from_pretrained(path)


def _digest(directory: Path) -> dict[str, str]:
    """sha256 of every file in ``directory``."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
        if path.is_file()
    }


# --------------------------------------------------------------------------- API


def test_model_names() -> None:
    assert TINY_MODEL_NAMES == (
        "marian",
        "bart",
        "t5",
        "mt5",
        "mt5_crosssum",
        "m2m100",
        "nllb",
        "mbart50",
    )


def test_import_does_not_load_torch() -> None:
    code = (
        "import sys, summarize.testing as t; "
        "heavy = [m for m in ('torch', 'transformers', 'sentencepiece', 'tokenizers') "
        "if m in sys.modules]; print(heavy); assert not heavy, heavy"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_returns_absolute_complete_dirs(built_models: dict[str, str]) -> None:
    assert list(built_models) == list(TINY_MODEL_NAMES)
    for name, path in built_models.items():
        directory = Path(path)
        assert directory.is_absolute() and directory.name == name
        for filename in ("config.json", "generation_config.json", "model.safetensors"):
            assert (directory / filename).is_file(), (name, filename)
        marker = json.loads((directory / MARKER_FILE).read_text(encoding="utf-8"))
        assert marker["name"] == name and marker["seed"] == 0
        size = sum(p.stat().st_size for p in directory.iterdir())
        assert size < 5 * 1024 * 1024, (name, size)


def test_second_call_reuses_models(built_dir: Path, built_models: dict[str, str]) -> None:
    before = {
        name: Path(p, "model.safetensors").stat().st_mtime_ns for name, p in built_models.items()
    }
    again = build_tiny_models(built_dir, names=["nllb", "marian"])
    assert again == {"marian": built_models["marian"], "nllb": built_models["nllb"]}
    after = {
        name: Path(p, "model.safetensors").stat().st_mtime_ns for name, p in built_models.items()
    }
    assert before == after


def test_unknown_name_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown tiny model"):
        build_tiny_models(tmp_path, names=["gpt2"])


def test_same_seed_same_files_other_seed_other_weights(tmp_path: Path) -> None:
    first = Path(build_tiny_models(tmp_path / "a", names=["t5"], seed=0)["t5"])
    second = Path(build_tiny_models(tmp_path / "b", names=["t5"], seed=0)["t5"])
    third = Path(build_tiny_models(tmp_path / "c", names=["t5"], seed=1)["t5"])
    assert _digest(first) == _digest(second)
    assert _digest(first)["model.safetensors"] != _digest(third)["model.safetensors"]
    assert _digest(first)["tokenizer.json"] == _digest(third)["tokenizer.json"]


def test_force_rebuilds_and_stale_marker_triggers_rebuild(tmp_path: Path) -> None:
    path = Path(build_tiny_models(tmp_path, names=["t5"])["t5"])
    marker = path / MARKER_FILE
    marker.write_text(json.dumps({"name": "t5", "version": -1}), encoding="utf-8")
    build_tiny_models(tmp_path, names=["t5"])
    assert json.loads(marker.read_text(encoding="utf-8"))["version"] != -1
    stamp = (path / "model.safetensors").stat().st_mtime_ns
    build_tiny_models(tmp_path, names=["t5"], force=True)
    assert (path / "model.safetensors").stat().st_mtime_ns != stamp


def test_seeds_dir_is_configurable(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Halo dunia.\n\nIni berita kecil.\n", encoding="utf-8")
    corpus = load_corpus(seeds)
    assert corpus.indonesian == ("Halo dunia.", "Ini berita kecil.")
    fallback = load_corpus(tmp_path / "missing")
    assert len(fallback.indonesian) >= 5 and corpus.english == fallback.english
    repo = load_corpus()
    assert any("Stoltenberg" in line for line in repo.indonesian)
    path = build_tiny_models(tmp_path / "models", names=["marian"], seeds_dir=seeds)["marian"]
    tokenizer, _ = _load(path)
    assert tokenizer("Halo dunia.").input_ids[-1] == tokenizer.eos_token_id


# --------------------------------------------------------------------------- loading


@pytest.mark.parametrize("name", TINY_MODEL_NAMES)
def test_auto_classes_load_and_generate(built_models: dict[str, str], name: str) -> None:
    tokenizer, model = _load(built_models[name])
    kwargs: dict[str, int] = {}
    if name == "m2m100":
        tokenizer.src_lang = "id"
        kwargs["forced_bos_token_id"] = tokenizer.get_lang_id("en")
    elif name == "nllb":
        tokenizer.src_lang = "ind_Latn"
        kwargs["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids("eng_Latn")
    elif name == "mbart50":
        tokenizer.src_lang = "id_ID"
        kwargs["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids("en_XX")
    inputs = tokenizer(TEXTS, return_tensors="pt", padding=True)
    output = model.generate(**inputs, max_new_tokens=8, **kwargs)
    assert output.shape[0] == len(TEXTS) and 2 <= output.shape[1] <= 9
    assert output.max().item() < model.config.vocab_size
    decoded = tokenizer.batch_decode(output, skip_special_tokens=True)
    assert all(isinstance(text, str) for text in decoded)
    assert model.generation_config.max_length == 64
    if "forced_bos_token_id" in kwargs:
        assert (output[:, 1] == kwargs["forced_bos_token_id"]).all()


# --------------------------------------------------------------------------- conventions


def test_marian_conventions(built_models: dict[str, str]) -> None:
    tokenizer, model = _load(built_models["marian"])
    assert type(tokenizer).__name__ == "MarianTokenizer"
    vocab = tokenizer.get_vocab()
    assert vocab["</s>"] == 0 and vocab["<unk>"] == 1
    assert tokenizer.eos_token_id == 0 and tokenizer.unk_token_id == 1
    assert tokenizer.pad_token_id == tokenizer.vocab_size - 1 == model.config.vocab_size - 1
    config = model.config
    assert config.decoder_start_token_id == config.pad_token_id == tokenizer.pad_token_id
    assert config.activation_function == "swish"
    assert config.scale_embedding and config.static_position_embeddings
    assert config.share_encoder_decoder_embeddings
    assert model.generation_config.bad_words_ids == [[tokenizer.pad_token_id]]
    for name in ("source.spm", "target.spm", "vocab.json"):
        assert Path(built_models["marian"], name).is_file()
    ids = tokenizer(TEXTS[0]).input_ids
    assert ids[-1] == 0 and tokenizer.unk_token_id not in ids
    assert tokenizer.decode(ids, skip_special_tokens=True) == TEXTS[0]


def test_bart_conventions(built_models: dict[str, str]) -> None:
    tokenizer, model = _load(built_models["bart"])
    assert type(tokenizer).__name__ == "RobertaTokenizer"  # v5: BartTokenizer is an alias
    ids = [tokenizer.convert_tokens_to_ids(t) for t in ("<s>", "<pad>", "</s>", "<unk>")]
    assert ids == [0, 1, 2, 3]
    assert tokenizer.mask_token_id == len(tokenizer) - 1
    assert model.config.vocab_size == len(tokenizer) - 1  # like distilbart-cnn: no <mask> row
    backend = json.loads(Path(built_models["bart"], "tokenizer.json").read_text(encoding="utf-8"))
    assert backend["model"]["type"] == "BPE" and backend["pre_tokenizer"]["type"] == "ByteLevel"
    assert model.config.decoder_start_token_id == 2
    assert model.generation_config.forced_bos_token_id == 0
    encoded = tokenizer(TEXTS[0]).input_ids
    assert encoded[0] == 0 and encoded[-1] == 2
    assert tokenizer.decode(encoded, skip_special_tokens=True) == TEXTS[0]
    output = model.generate(**tokenizer(TEXTS[:1], return_tensors="pt"), max_new_tokens=5)
    assert output[0, :2].tolist() == [2, 0]


def test_t5_conventions(built_models: dict[str, str]) -> None:
    tokenizer, model = _load(built_models["t5"])
    assert type(tokenizer).__name__ == "T5Tokenizer"
    assert (tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id) == (0, 1, 2)
    assert tokenizer.convert_tokens_to_ids("<extra_id_0>") == len(tokenizer) - 1
    assert tokenizer.convert_tokens_to_ids("<extra_id_99>") == len(tokenizer) - 100
    assert model.config.decoder_start_token_id == 0
    assert model.config.vocab_size % 128 == 0 and model.config.vocab_size >= len(tokenizer)
    params = model.config.task_specific_params["summarization"]
    assert params["prefix"] == "summarize: "
    ids = tokenizer("summarize: " + TEXTS[0]).input_ids
    assert ids[-1] == 1 and tokenizer.decode(ids, skip_special_tokens=True).startswith("summarize:")


def test_mt5_conventions(built_models: dict[str, str]) -> None:
    tokenizer, model = _load(built_models["mt5"])
    assert type(tokenizer).__name__ == "T5Tokenizer"
    assert type(model).__name__ == "MT5ForConditionalGeneration"
    assert (tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id) == (0, 1, 2)
    assert tokenizer.convert_tokens_to_ids("▁<extra_id_0>") == len(tokenizer) - 1
    assert tokenizer.convert_tokens_to_ids("▁<extra_id_99>") == len(tokenizer) - 100
    assert model.config.feed_forward_proj == "gated-gelu"
    assert model.config.decoder_start_token_id == 0
    # Like the real checkpoints: config.json says untied and lm_head has its own weights
    # (transformers 5 forces MT5Config.tie_word_embeddings=True but loads them untied).
    on_disk = json.loads(Path(built_models["mt5"], "config.json").read_text(encoding="utf-8"))
    assert on_disk["tie_word_embeddings"] is False
    assert model.lm_head.weight.data_ptr() != model.shared.weight.data_ptr()
    assert not model.lm_head.weight.equal(model.shared.weight)


def test_crosssum_langid_map(built_models: dict[str, str]) -> None:
    tokenizer, model = _load(built_models["mt5_crosssum"])
    langid_map = model.config.task_specific_params["langid_map"]
    assert langid_map["english"] == [30, "▁<extra_id_69>"]
    assert langid_map["indonesian"] == [1, "▁<extra_id_98>"]
    assert len(langid_map) == 45
    ids = {lang: tokenizer.convert_tokens_to_ids(piece) for lang, (_, piece) in langid_map.items()}
    assert tokenizer.unk_token_id not in ids.values() and len(set(ids.values())) == 45
    english = ids["english"]
    inputs = tokenizer(TEXTS, return_tensors="pt", padding=True)
    output = model.generate(**inputs, decoder_start_token_id=english, max_new_tokens=5)
    assert (output[:, 0] == english).all()
    # The language piece is an ordinary (user-defined) piece, not a special token: callers
    # must drop the decoder start token themselves before decoding.
    assert tokenizer.decode(output[0], skip_special_tokens=True).startswith("<extra_id_69>")


def test_m2m100_conventions(built_models: dict[str, str]) -> None:
    tokenizer, model = _load(built_models["m2m100"])
    assert type(tokenizer).__name__ == "M2M100Tokenizer"
    assert [tokenizer.convert_tokens_to_ids(t) for t in ("<s>", "<pad>", "</s>", "<unk>")] == [
        0,
        1,
        2,
        3,
    ]
    en, ind = tokenizer.get_lang_id("en"), tokenizer.get_lang_id("id")
    assert en == tokenizer.convert_tokens_to_ids("__en__") != ind
    assert model.config.vocab_size == len(tokenizer) + 8  # 8 made-up words
    assert tokenizer.src_lang == "en"  # like the real checkpoint: callers must set src_lang
    tokenizer.src_lang = "id"
    ids = tokenizer(TEXTS[0]).input_ids
    assert ids[0] == ind and ids[-1] == tokenizer.eos_token_id
    output = model.generate(
        **tokenizer(TEXTS[:1], return_tensors="pt"), forced_bos_token_id=en, max_new_tokens=4
    )
    assert output[0, :2].tolist() == [2, en]
    assert "__en__" not in tokenizer.decode(output[0], skip_special_tokens=True)
    assert tokenizer.decode(ids, skip_special_tokens=True) == TEXTS[0]


def test_nllb_conventions(built_models: dict[str, str]) -> None:
    from transformers import AutoTokenizer

    tokenizer, model = _load(built_models["nllb"])
    assert type(tokenizer).__name__ == "NllbTokenizer"
    assert model.config.model_type == "m2m_100"
    assert [tokenizer.convert_tokens_to_ids(t) for t in ("<s>", "<pad>", "</s>", "<unk>")] == [
        0,
        1,
        2,
        3,
    ]
    ind, eng = tokenizer.convert_tokens_to_ids(["ind_Latn", "eng_Latn"])
    assert tokenizer.unk_token_id not in (ind, eng)
    assert tokenizer.mask_token_id == len(tokenizer) - 1
    assert model.config.vocab_size == len(tokenizer) + 2
    assert tokenizer.src_lang == "eng_Latn"
    tokenizer.src_lang = "ind_Latn"
    ids = tokenizer(TEXTS[0]).input_ids
    assert ids[0] == ind and ids[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == TEXTS[0]
    preset = AutoTokenizer.from_pretrained(built_models["nllb"], src_lang="ind_Latn")
    assert preset(TEXTS[0]).input_ids == ids
    output = model.generate(
        **tokenizer(TEXTS[:1], return_tensors="pt"), forced_bos_token_id=eng, max_new_tokens=4
    )
    assert output[0, :2].tolist() == [2, eng]
    assert "eng_Latn" not in tokenizer.decode(output[0], skip_special_tokens=True)


def test_mbart50_conventions(built_models: dict[str, str]) -> None:
    tokenizer, model = _load(built_models["mbart50"])
    assert type(tokenizer).__name__ == "MBart50Tokenizer"
    assert [tokenizer.convert_tokens_to_ids(t) for t in ("<s>", "<pad>", "</s>", "<unk>")] == [
        0,
        1,
        2,
        3,
    ]
    assert tokenizer.mask_token_id == len(tokenizer) - 1 == model.config.vocab_size - 1
    ind, en = tokenizer.convert_tokens_to_ids(["id_ID", "en_XX"])
    tokenizer.src_lang = "id_ID"
    ids = tokenizer(TEXTS[0]).input_ids
    assert ids[0] == ind and ids[-1] == tokenizer.eos_token_id
    output = model.generate(
        **tokenizer(TEXTS[:1], return_tensors="pt"), forced_bos_token_id=en, max_new_tokens=4
    )
    assert output[0, :2].tolist() == [2, en]
    assert "en_XX" not in tokenizer.decode(output[0], skip_special_tokens=True)


# --------------------------------------------------------------------------- CLI


def test_cli_prints_json_map(built_dir: Path, built_models: dict[str, str]) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "summarize.testing", str(built_dir), "--only", "t5", "marian"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    paths = json.loads(result.stdout)
    assert paths == {"marian": built_models["marian"], "t5": built_models["t5"]}
    assert all(Path(p, "config.json").is_file() for p in paths.values())


def test_cli_rejects_unknown_name(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "summarize.testing", str(tmp_path), "--only", "gpt2"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""


# --------------------------------------------------------------------------- CTranslate2


@pytest.mark.parametrize("name", TINY_MODEL_NAMES)
def test_ctranslate2_conversion(built_models: dict[str, str], tmp_path: Path, name: str) -> None:
    ctranslate2 = pytest.importorskip("ctranslate2")
    from ctranslate2.converters import TransformersConverter

    out = tmp_path / "ct2"
    TransformersConverter(built_models[name]).convert(str(out), quantization=None)
    assert (out / "model.bin").is_file()
    vocabulary = json.loads((out / "shared_vocabulary.json").read_text(encoding="utf-8"))
    tokenizer, model = _load(built_models[name])
    if name == "marian":
        assert len(vocabulary) == model.config.vocab_size - 1  # <pad> dropped
    else:
        assert len(vocabulary) == model.config.vocab_size
    prefix = {
        "m2m100": "__en__",
        "nllb": "eng_Latn",
        "mbart50": "en_XX",
        "mt5_crosssum": "▁<extra_id_69>",
    }.get(name)
    if name in ("m2m100", "nllb", "mbart50"):
        tokenizer.src_lang = {"m2m100": "id", "nllb": "ind_Latn", "mbart50": "id_ID"}[name]
    source = tokenizer.convert_ids_to_tokens(tokenizer(TEXTS[0]).input_ids)
    translator = ctranslate2.Translator(str(out), device="cpu")
    result = translator.translate_batch(
        [source],
        target_prefix=[[prefix]] if prefix else None,
        beam_size=1,
        max_decoding_length=6,
    )
    hypothesis = result[0].hypotheses[0]
    assert 1 <= len(hypothesis) <= 6
    if prefix:
        assert hypothesis[0] == prefix
