"""Tiny random-weight seq2seq checkpoints with the real architectures and tokenizers.

Each model mirrors a real checkpoint used by this project (config fields, special-token
ids, tokenizer class and files, generation defaults) but has a vocabulary of a few
hundred pieces trained on the seed corpus and a 32-wide network (2 encoder layers, 1
decoder layer, 4 heads), so it builds in under a second and weighs about 1 MB (mostly the
SentencePiece files). They are saved with
``save_pretrained`` and therefore load through ``AutoTokenizer.from_pretrained`` and
``AutoModelForSeq2SeqLM.from_pretrained`` like the real ones.

Random weights rarely emit EOS, so generation defaults cap ``max_length`` at 64.

The Marian and BART config and generation builders take their sizes (:class:`Dims`) and
generation limits (:class:`Decoding`): :mod:`summarize.bench.models` builds its real-size
random models through them, with the tokenizer builders of :mod:`summarize.testing.vocab`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.testing import vocab as tv
from summarize.testing.corpus import SeedCorpus, load_corpus

logger = logging.getLogger(__name__)

#: Bump when anything that changes the built files changes (cached models are rebuilt).
FORMAT_VERSION = 3
#: Marker written last into every complete model directory.
MARKER_FILE = "tiny_model.json"
#: Keys that loading from a local directory leaks into a re-saved ``tokenizer_config.json``.
_LOAD_ARTIFACTS = ("is_local", "local_files_only")

#: Shared tiny dimensions.
D_MODEL = 32
FFN_DIM = 64
HEADS = 4
ENCODER_LAYERS = 2
DECODER_LAYERS = 1
#: Random models rarely stop on their own; keep generation short by default.
MAX_LENGTH = 64
NUM_BEAMS = 2

TokenizerBuilder = Callable[..., Any]
ConfigFactory = Callable[[Any], dict[str, Any]]
GenerationFactory = Callable[[Any, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class TinySpec:
    """How to build one tiny model."""

    name: str
    reference: str
    model_class: str
    config_class: str
    tokenizer: TokenizerBuilder
    config: ConfigFactory
    generation: GenerationFactory
    description: str
    untied_lm_head: bool = False


# --------------------------------------------------------------------------- configs


def _round_up(value: int, multiple: int) -> int:
    """``value`` rounded up to a multiple of ``multiple`` (T5/mT5 pad their vocabularies)."""
    return int(math.ceil(value / multiple) * multiple)


@dataclass(frozen=True)
class Dims:
    """Network size of a BART-family config (Marian, BART, M2M100, mBART)."""

    d_model: int = D_MODEL
    encoder_layers: int = ENCODER_LAYERS
    decoder_layers: int = DECODER_LAYERS
    heads: int = HEADS
    ffn_dim: int = FFN_DIM


@dataclass(frozen=True)
class Decoding:
    """Generation defaults that scale with the model: length limits and beams."""

    max_length: int = MAX_LENGTH
    min_length: int = 4
    num_beams: int = NUM_BEAMS


#: The tiny models' sizes and generation defaults.
TINY_DIMS = Dims()
TINY_DECODING = Decoding()


def bart_family_dims(dims: Dims = TINY_DIMS) -> dict[str, Any]:
    """The size fields of a BART-like config (Marian, BART, M2M100, mBART)."""
    return {
        "d_model": dims.d_model,
        "encoder_layers": dims.encoder_layers,
        "decoder_layers": dims.decoder_layers,
        "encoder_attention_heads": dims.heads,
        "decoder_attention_heads": dims.heads,
        "encoder_ffn_dim": dims.ffn_dim,
        "decoder_ffn_dim": dims.ffn_dim,
        "dropout": 0.1,
        "attention_dropout": 0.0,
        "activation_dropout": 0.0,
        "encoder_layerdrop": 0.0,
        "decoder_layerdrop": 0.0,
        "init_std": 0.02,
    }


def _summarization_params(decoding: Decoding) -> dict[str, Any]:
    """CNN/DM-style summarisation defaults (BART's generation config, T5's task params)."""
    return {
        "early_stopping": True,
        "length_penalty": 2.0,
        "max_length": decoding.max_length,
        "min_length": decoding.min_length,
        "no_repeat_ngram_size": 3,
        "num_beams": decoding.num_beams,
    }


def _t5_dims() -> dict[str, Any]:
    """Tiny dimensions for T5/mT5 configs."""
    return {
        "d_model": D_MODEL,
        "d_kv": D_MODEL // HEADS,
        "d_ff": FFN_DIM,
        "num_layers": ENCODER_LAYERS,
        "num_decoder_layers": DECODER_LAYERS,
        "num_heads": HEADS,
        "relative_attention_num_buckets": 32,
        "relative_attention_max_distance": 128,
        "dropout_rate": 0.1,
        "layer_norm_epsilon": 1e-6,
    }


def marian_config(tok: Any, dims: Dims = TINY_DIMS) -> dict[str, Any]:
    """Helsinki-NLP/opus-mt-id-en: swish, static sinusoidal positions, scaled embeddings."""
    pad = tok.pad_token_id
    return {
        **bart_family_dims(dims),
        "vocab_size": tok.vocab_size,
        "decoder_vocab_size": tok.vocab_size,
        "max_position_embeddings": 512,
        "activation_function": "swish",
        "static_position_embeddings": True,
        "scale_embedding": True,
        "normalize_before": False,
        "normalize_embedding": False,
        "add_bias_logits": False,
        "add_final_layer_norm": False,
        "share_encoder_decoder_embeddings": True,
        "tie_word_embeddings": True,
        "pad_token_id": pad,
        "decoder_start_token_id": pad,
        "eos_token_id": tok.eos_token_id,
        "bos_token_id": 0,
        "forced_eos_token_id": tok.eos_token_id,
    }


def marian_generation(
    tok: Any, config: dict[str, Any], decoding: Decoding = TINY_DECODING
) -> dict[str, Any]:
    """opus-mt generation defaults (the tiny ones scaled down): never generate ``<pad>``."""
    return {
        "bad_words_ids": [[tok.pad_token_id]],
        "bos_token_id": 0,
        "decoder_start_token_id": config["decoder_start_token_id"],
        "eos_token_id": tok.eos_token_id,
        "forced_eos_token_id": tok.eos_token_id,
        "pad_token_id": tok.pad_token_id,
        "max_length": decoding.max_length,
        "num_beams": decoding.num_beams,
    }


def bart_config(
    tok: Any, dims: Dims = TINY_DIMS, decoding: Decoding = TINY_DECODING
) -> dict[str, Any]:
    """sshleifer/distilbart-cnn-12-6; like the real one, ``vocab_size`` excludes ``<mask>``."""
    return {
        **bart_family_dims(dims),
        "vocab_size": len(tok) - 1,
        "max_position_embeddings": 1024,
        "activation_function": "gelu",
        "scale_embedding": False,
        "normalize_before": False,
        "normalize_embedding": True,
        "add_bias_logits": False,
        "add_final_layer_norm": False,
        "static_position_embeddings": False,
        "extra_pos_embeddings": 2,
        "pad_token_id": tok.pad_token_id,
        "bos_token_id": tok.bos_token_id,
        "eos_token_id": tok.eos_token_id,
        "decoder_start_token_id": tok.eos_token_id,
        "forced_bos_token_id": tok.bos_token_id,
        "forced_eos_token_id": tok.eos_token_id,
        "task_specific_params": {"summarization": _summarization_params(decoding)},
    }


def bart_generation(
    tok: Any, config: dict[str, Any], decoding: Decoding = TINY_DECODING
) -> dict[str, Any]:
    """distilbart-cnn generation defaults (the tiny ones scaled down)."""
    return {
        "bos_token_id": tok.bos_token_id,
        "decoder_start_token_id": tok.eos_token_id,
        "eos_token_id": tok.eos_token_id,
        "pad_token_id": tok.pad_token_id,
        "forced_bos_token_id": tok.bos_token_id,
        "forced_eos_token_id": tok.eos_token_id,
        **_summarization_params(decoding),
    }


def _t5_config(tok: Any) -> dict[str, Any]:
    """t5-small: ReLU FFN, tied embeddings, ``summarize: `` prefix in task_specific_params."""
    return {
        **_t5_dims(),
        "vocab_size": _round_up(len(tok), 128),
        "feed_forward_proj": "relu",
        "tie_word_embeddings": True,
        "n_positions": 512,
        "pad_token_id": tok.pad_token_id,
        "eos_token_id": tok.eos_token_id,
        "decoder_start_token_id": tok.pad_token_id,
        "task_specific_params": {
            "summarization": {
                **_summarization_params(TINY_DECODING),
                "prefix": "summarize: ",
            },
            "translation_en_to_de": {
                "early_stopping": True,
                "max_length": MAX_LENGTH,
                "num_beams": NUM_BEAMS,
                "prefix": "translate English to German: ",
            },
        },
    }


def _mt5_config(tok: Any) -> dict[str, Any]:
    """csebuetnlp/mT5_multilingual_XLSum: gated-GELU FFN, untied embeddings."""
    return {
        **_t5_dims(),
        "vocab_size": _round_up(len(tok), 128),
        "feed_forward_proj": "gated-gelu",
        "tie_word_embeddings": False,
        "tokenizer_class": "T5Tokenizer",
        "pad_token_id": tok.pad_token_id,
        "eos_token_id": tok.eos_token_id,
        "decoder_start_token_id": tok.pad_token_id,
    }


def _crosssum_config(tok: Any) -> dict[str, Any]:
    """csebuetnlp/mT5_m2m_crossSum: mT5 plus ``task_specific_params["langid_map"]``."""
    return {**_mt5_config(tok), "task_specific_params": {"langid_map": tv.crosssum_langid_map()}}


def _t5_generation(tok: Any, config: dict[str, Any]) -> dict[str, Any]:
    """T5-family generation defaults (the decoder starts from ``<pad>``)."""
    return {
        "decoder_start_token_id": tok.pad_token_id,
        "eos_token_id": tok.eos_token_id,
        "pad_token_id": tok.pad_token_id,
        "max_length": MAX_LENGTH,
        "num_beams": NUM_BEAMS,
    }


def _mt5_generation(tok: Any, config: dict[str, Any]) -> dict[str, Any]:
    """XLSum / CrossSum model-card settings (``no_repeat_ngram_size=2``), scaled down."""
    return {**_t5_generation(tok, config), "no_repeat_ngram_size": 2, "length_penalty": 0.6}


def _m2m_family_config(tok: Any, vocab_size: int) -> dict[str, Any]:
    """M2M100 / NLLB (``model_type`` ``m2m_100``): ReLU, pre-norm, sinusoidal positions."""
    return {
        **bart_family_dims(),
        "vocab_size": vocab_size,
        "max_position_embeddings": 1024,
        "activation_function": "relu",
        "scale_embedding": True,
        "pad_token_id": tok.pad_token_id,
        "bos_token_id": tok.bos_token_id,
        "eos_token_id": tok.eos_token_id,
        "decoder_start_token_id": tok.eos_token_id,
    }


def _m2m100_config(tok: Any) -> dict[str, Any]:
    """facebook/m2m100_418M: vocab = fairseq dict + 100 language tokens + 8 made-up words."""
    return _m2m_family_config(tok, len(tok) + tok.num_madeup_words)


def _nllb_config(tok: Any) -> dict[str, Any]:
    """facebook/nllb-200-distilled-600M: the embedding matrix has 2 rows more than the tokenizer."""
    return {**_m2m_family_config(tok, len(tok) + 2), "tokenizer_class": "NllbTokenizer"}


def _m2m_generation(tok: Any, config: dict[str, Any]) -> dict[str, Any]:
    """M2M100/NLLB generation defaults; ``forced_bos_token_id`` is set per call (target language)."""
    return {
        "bos_token_id": tok.bos_token_id,
        "decoder_start_token_id": tok.eos_token_id,
        "eos_token_id": tok.eos_token_id,
        "pad_token_id": tok.pad_token_id,
        "max_length": MAX_LENGTH,
        "num_beams": NUM_BEAMS,
        "early_stopping": True,
    }


def _mbart50_config(tok: Any) -> dict[str, Any]:
    """facebook/mbart-large-50-many-to-many-mmt: pre-norm with final layer norms."""
    return {
        **bart_family_dims(),
        "vocab_size": len(tok),
        "max_position_embeddings": 1024,
        "activation_function": "relu",
        "scale_embedding": True,
        "normalize_before": True,
        "add_final_layer_norm": True,
        "tokenizer_class": "MBart50Tokenizer",
        "pad_token_id": tok.pad_token_id,
        "bos_token_id": tok.cls_token_id,
        "eos_token_id": tok.eos_token_id,
        "decoder_start_token_id": tok.eos_token_id,
        "forced_eos_token_id": tok.eos_token_id,
    }


def _mbart50_generation(tok: Any, config: dict[str, Any]) -> dict[str, Any]:
    """mBART-50 generation defaults; ``forced_bos_token_id`` is set per call (target language)."""
    return {**_m2m_generation(tok, config), "forced_eos_token_id": tok.eos_token_id}


SPECS: dict[str, TinySpec] = {
    spec.name: spec
    for spec in (
        TinySpec(
            "marian", "Helsinki-NLP/opus-mt-id-en", "MarianMTModel", "MarianConfig",
            tv.build_marian_tokenizer, marian_config, marian_generation,
            "Indonesian->English Marian translator",
        ),
        TinySpec(
            "bart", "sshleifer/distilbart-cnn-12-6", "BartForConditionalGeneration", "BartConfig",
            tv.build_bart_tokenizer, bart_config, bart_generation,
            "English BART summariser",
        ),
        TinySpec(
            "t5", "t5-small", "T5ForConditionalGeneration", "T5Config",
            tv.build_t5_tokenizer, _t5_config, _t5_generation,
            "T5 summariser ('summarize: ' prefix)",
        ),
        TinySpec(
            "mt5", "csebuetnlp/mT5_multilingual_XLSum", "MT5ForConditionalGeneration", "MT5Config",
            tv.build_mt5_tokenizer, _mt5_config, _mt5_generation,
            "multilingual mT5 summariser", untied_lm_head=True,
        ),
        TinySpec(
            "mt5_crosssum", "csebuetnlp/mT5_m2m_crossSum", "MT5ForConditionalGeneration",
            "MT5Config", tv.build_mt5_tokenizer, _crosssum_config, _mt5_generation,
            "cross-lingual mT5 summariser (decoder starts with the target-language token)",
            untied_lm_head=True,
        ),
        TinySpec(
            "m2m100", "facebook/m2m100_418M", "M2M100ForConditionalGeneration", "M2M100Config",
            tv.build_m2m100_tokenizer, _m2m100_config, _m2m_generation,
            "M2M100 translator (__id__ -> __en__)",
        ),
        TinySpec(
            "nllb", "facebook/nllb-200-distilled-600M", "M2M100ForConditionalGeneration",
            "M2M100Config", tv.build_nllb_tokenizer, _nllb_config, _m2m_generation,
            "NLLB-200 translator (ind_Latn -> eng_Latn)",
        ),
        TinySpec(
            "mbart50", "facebook/mbart-large-50-many-to-many-mmt",
            "MBartForConditionalGeneration", "MBartConfig",
            tv.build_mbart50_tokenizer, _mbart50_config, _mbart50_generation,
            "mBART-50 translator (id_ID -> en_XX)",
        ),
    )
}  # fmt: skip

#: Names accepted by :func:`build_tiny_models`, in build order.
TINY_MODEL_NAMES: tuple[str, ...] = tuple(SPECS)


# --------------------------------------------------------------------------- building


def _marker(spec: TinySpec, seed: int, corpus: SeedCorpus) -> dict[str, Any]:
    """Content of the completion marker for ``spec`` built with ``seed`` on ``corpus``."""
    return {
        "name": spec.name,
        "version": FORMAT_VERSION,
        "seed": seed,
        "corpus": corpus.fingerprint(),
        "reference": spec.reference,
        "model_class": spec.model_class,
        "description": spec.description,
    }


def is_complete(path: Path, expected: dict[str, Any]) -> bool:
    """Whether ``path`` holds a finished build whose marker matches ``expected``."""
    marker = path / MARKER_FILE
    if not marker.is_file() or not (path / "config.json").is_file():
        return False
    try:
        found = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    keys = ("name", "version", "seed", "corpus")
    if not all(found.get(key) == expected[key] for key in keys):
        return False
    files = found.get("files")
    return isinstance(files, list) and all((path / str(name)).is_file() for name in files)


def model_seed(name: str, seed: int) -> int:
    """The torch seed for model ``name``: stable, and different for every model."""
    return (zlib.crc32(name.encode("utf-8")) + seed) % 2**31


def _build_model(spec: TinySpec, tokenizer: Any, dest: Path, seed: int) -> None:
    """Instantiate ``spec``'s model with seeded random weights and save it into ``dest``."""
    import torch
    import transformers

    config_cls = getattr(transformers, spec.config_class)
    model_cls = getattr(transformers, spec.model_class)
    config_kwargs = spec.config(tokenizer)
    config = config_cls(**config_kwargs)
    config.architectures = [spec.model_class]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(model_seed(spec.name, seed))
        model = model_cls(config).eval()
        if spec.untied_lm_head:
            _untie_lm_head(model, std=config.initializer_factor)
    model.generation_config = transformers.GenerationConfig(
        **spec.generation(tokenizer, config_kwargs)
    )
    model.save_pretrained(dest)
    if spec.untied_lm_head:
        _update_json(dest / "config.json", tie_word_embeddings=False)
    _write_model_card(spec, dest)


def _write_model_card(spec: TinySpec, dest: Path) -> None:
    """A model card (``README.md``) carrying the imitated model's licence, as hub repos do."""
    from summarize.models.registry import lookup

    info = lookup(spec.reference)
    front = f"license: {info.license.lower()}\n" if info and info.license else ""
    (dest / "README.md").write_text(
        f"---\n{front}tags:\n- summarize-tiny-test-model\n---\n"
        f"# Tiny random {spec.name}\n\nRandom weights shaped like `{spec.reference}` "
        f"({spec.description}). For tests only: its output is meaningless.\n",
        encoding="utf-8",
    )


def _untie_lm_head(model: Any, std: float) -> None:
    """Give ``lm_head`` its own random weights, as in the real mT5 checkpoints.

    transformers 5 forces ``MT5Config.tie_word_embeddings = True``; the real checkpoints
    still ship a separate ``lm_head.weight`` (and ``"tie_word_embeddings": false`` in
    ``config.json``), which ``from_pretrained`` then loads untied.
    """
    import torch

    weight = torch.empty_like(model.shared.weight).normal_(mean=0.0, std=std)
    model.lm_head.weight = torch.nn.Parameter(weight)
    tied = getattr(model, "all_tied_weights_keys", None)
    if isinstance(tied, dict):
        tied.pop("lm_head.weight", None)


def _update_json(path: Path, **values: Any) -> None:
    """Set top-level keys of the JSON object stored in ``path``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(values)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _build_one(
    spec: TinySpec, corpus: SeedCorpus, dest: Path, seed: int, *, replace: bool = False
) -> None:
    """Build ``spec`` into a scratch directory next to ``dest`` and move it into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{spec.name}.", dir=dest.parent))
    try:
        with _quiet_transformers():
            tokenizer = spec.tokenizer(corpus, scratch, seed=seed)
            drop_load_artifacts(scratch)
            _build_model(spec, tokenizer, scratch, seed)
        _make_readable(scratch)
        marker = {**_marker(spec, seed, corpus), "files": sorted(p.name for p in scratch.iterdir())}
        (scratch / MARKER_FILE).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        _move_into_place(scratch, dest, marker, replace=replace)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' progress bars and the build-time-only warnings."""
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")
            yield
    finally:
        if bars:
            hf_logging.enable_progress_bar()


def drop_load_artifacts(directory: Path) -> None:
    """Remove keys that ``from_pretrained(<local dir>)`` leaks into ``tokenizer_config.json``."""
    path = directory / "tokenizer_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    if any(key in config for key in _LOAD_ARTIFACTS):
        cleaned = {key: value for key, value in config.items() if key not in _LOAD_ARTIFACTS}
        path.write_text(json.dumps(cleaned, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _make_readable(directory: Path) -> None:
    """Give the build the usual permissions (``mkdtemp`` creates it private)."""
    directory.chmod(0o755)
    for path in directory.iterdir():
        if path.is_file():
            path.chmod(0o644)


def _move_into_place(
    scratch: Path, dest: Path, marker: dict[str, Any], *, replace: bool = False
) -> None:
    """Replace ``dest`` by ``scratch`` (tolerating a concurrent builder that won the race)."""
    if dest.exists():
        if not replace and is_complete(dest, marker):
            return
        shutil.rmtree(dest, ignore_errors=True)
    try:
        os.rename(scratch, dest)
    except OSError:
        if not is_complete(dest, marker):
            raise


def _resolve_names(names: Iterable[str] | None) -> list[str]:
    """Validate ``names`` (default: all) and return them in canonical order."""
    if names is None:
        return list(TINY_MODEL_NAMES)
    wanted = list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in SPECS]
    if unknown:
        raise ValueError(
            f"unknown tiny model(s) {unknown}; choose from {', '.join(TINY_MODEL_NAMES)}"
        )
    return [name for name in TINY_MODEL_NAMES if name in wanted]


def build_tiny_models(
    out_dir: str | os.PathLike[str],
    names: Iterable[str] | None = None,
    seed: int = 0,
    *,
    seeds_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> dict[str, str]:
    """Build tiny random-weight models into ``out_dir/<name>`` and return name -> absolute path.

    ``names`` defaults to :data:`TINY_MODEL_NAMES`. The same ``seed`` (and seed corpus)
    gives identical tokenizers and weights. Directories already holding a complete build
    for the same version, seed and corpus are reused unless ``force`` is true.
    ``seeds_dir`` holds the ``*.txt`` Indonesian training texts (default: the repository's
    ``seeds/``, or a built-in sample when it does not exist).
    """
    selected = _resolve_names(names)
    root = Path(out_dir).expanduser().resolve()
    corpus = load_corpus(seeds_dir)
    paths: dict[str, str] = {}
    for name in selected:
        spec = SPECS[name]
        dest = root / name
        if force or not is_complete(dest, _marker(spec, seed, corpus)):
            logger.info("building tiny %s model (%s) in %s", name, spec.reference, dest)
            _build_one(spec, corpus, dest, seed, replace=force)
        else:
            logger.info("reusing tiny %s model in %s", name, dest)
        paths[name] = str(dest)
    return paths
