"""Architecture-faithful random-weight models for the benchmark.

Two checkpoints with the real dimensions, vocabulary sizes, special-token ids and
generation defaults of the project's default models, but seeded random weights:

* ``opus-mt-id-en``: Marian, d_model 512, 6+6 layers, 8 heads, FFN 2048, swish,
  static sinusoidal positions (512), vocabulary 54,796 with ``<pad>`` = 54,795,
  generation default ``num_beams=6``;
* ``distilbart-cnn-12-6``: BART, d_model 1024, 12 encoder / 6 decoder layers,
  16 heads, FFN 4096, vocabulary 50,264 (``<mask>`` is the tokenizer's 50,265th
  entry, as in the real checkpoint), 1024 positions, CNN/DM generation defaults.

Tokenizers follow :mod:`summarize.testing.vocab` (Marian: ``source.spm``,
``target.spm``, ``vocab.json``; BART: byte-level BPE ``vocab.json`` + ``merges.txt``),
trained on the seed corpus and grown to the real vocabulary sizes with deterministic
pseudo-words. The same pseudo-words are Marian target pieces *and* BART BPE words, so
what the random translator emits reads as words that the summariser's tokenizer keeps
whole, as real English translations would be.

Built once under ``<cache>/bench-models/`` (``$SUMMARIZE_CACHE`` or
``~/.cache/summarize``), into a scratch directory renamed into place.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from summarize.testing import tiny

logger = logging.getLogger(__name__)

#: Bump when anything that changes the built files changes.
FORMAT_VERSION = 2
MARKER_FILE = "bench_model.json"
SEED = 1234

MARIAN_VOCAB = 54_796
BART_VOCAB = 50_264  # config.vocab_size; the tokenizer has <mask> on top (50,265 entries)

_ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "br",
    "cl",
    "dr",
    "fl",
    "gr",
    "pl",
    "pr",
    "sh",
    "st",
    "th",
    "tr",
    "ch",
    "sp",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io")
_CODAS = ("", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck")


def bench_models_dir() -> Path:
    """``<cache root>/bench-models``."""
    from summarize.engines.ct2 import cache_root

    return cache_root() / "bench-models"


@lru_cache(maxsize=2)
def pseudo_words(n: int = 60_000, seed: int = SEED) -> tuple[str, ...]:
    """``n`` distinct, deterministic, pronounceable two-syllable lower-case words."""
    rng = random.Random(seed)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(2)
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return tuple(words)


@lru_cache(maxsize=1)
def _bart_bpe() -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Byte-level BPE (vocabulary, merges) trained on the seed corpus plus the pseudo-words
    (each twice), to distilbart's 50,264 entries: about 35k pseudo-words become tokens."""
    from summarize.testing.corpus import load_corpus
    from summarize.testing.vocab import train_byte_bpe

    words = pseudo_words()
    lines = [" " + " ".join(words[i : i + 64]) for i in range(0, len(words), 64)]
    return train_byte_bpe(list(load_corpus().all_lines) + lines * 2, BART_VOCAB)


def _filler_words() -> list[str]:
    """Pseudo-words for the Marian target side: those the BART tokenizer keeps whole first."""
    vocab, _ = _bart_bpe()
    words = pseudo_words()
    known = set(words)
    whole = [t[1:] for t in vocab if t.startswith("Ġ") and t[1:] in known]
    taken = set(whole)
    return whole + [w for w in words if w not in taken]


# --------------------------------------------------------------------------- tokenizers


def build_marian_tokenizer(corpus: Any, dest: Path) -> Any:
    """opus-mt-id-en layout with the real vocabulary size: ``</s>``=0, ``<unk>``=1, source
    pieces, target pieces, pseudo-word pieces, ``<pad>``=54,795."""
    from summarize.testing import vocab as tv

    # BPE with 1,500 pieces: about 1.4 pieces per word of Indonesian news, like the real one.
    return tv.build_marian_tokenizer(
        corpus,
        dest,
        seed=SEED,
        source_pieces=1500,
        source_model="bpe",
        size=MARIAN_VOCAB,
        fillers=("▁" + word for word in _filler_words()),
    )


def build_bart_tokenizer(corpus: Any, dest: Path) -> Any:
    """distilbart layout: byte-level BPE (``<s>``=0 ``<pad>``=1 ``</s>``=2 ``<unk>``=3,
    ``<mask>`` last) trained on the seed corpus plus the pseudo-words, to 50,264 entries."""
    from summarize.testing import vocab as tv

    del corpus  # part of the cached BPE training
    vocab, merges = _bart_bpe()
    if len(vocab) != BART_VOCAB:
        raise RuntimeError(f"BART vocabulary has {len(vocab)} entries, not {BART_VOCAB}")
    return tv.write_bart_tokenizer(vocab, merges, dest)


# --------------------------------------------------------------------------- configs

#: Helsinki-NLP/opus-mt-id-en and sshleifer/distilbart-cnn-12-6: sizes, generation defaults.
OPUS_MT_DIMS = tiny.Dims(d_model=512, encoder_layers=6, decoder_layers=6, heads=8, ffn_dim=2048)
OPUS_MT_DECODING = tiny.Decoding(max_length=512, num_beams=6)
DISTILBART_DIMS = tiny.Dims(
    d_model=1024, encoder_layers=12, decoder_layers=6, heads=16, ffn_dim=4096
)
DISTILBART_DECODING = tiny.Decoding(max_length=142, min_length=56, num_beams=4)


def marian_config(tok: Any) -> dict[str, Any]:
    """Helsinki-NLP/opus-mt-id-en's config (real dimensions)."""
    return tiny.marian_config(tok, OPUS_MT_DIMS)


def marian_generation(tok: Any, config: dict[str, Any]) -> dict[str, Any]:
    return tiny.marian_generation(tok, config, OPUS_MT_DECODING)


def bart_config(tok: Any) -> dict[str, Any]:
    """sshleifer/distilbart-cnn-12-6's config (real dimensions)."""
    return tiny.bart_config(tok, DISTILBART_DIMS, DISTILBART_DECODING)


def bart_generation(tok: Any, config: dict[str, Any]) -> dict[str, Any]:
    return tiny.bart_generation(tok, config, DISTILBART_DECODING)


SPECS: dict[str, dict[str, Any]] = {
    "opus-mt-id-en": {
        "reference": "Helsinki-NLP/opus-mt-id-en",
        "tokenizer": build_marian_tokenizer,
        "config_class": "MarianConfig",
        "model_class": "MarianMTModel",
        "config": marian_config,
        "generation": marian_generation,
    },
    "distilbart-cnn-12-6": {
        "reference": "sshleifer/distilbart-cnn-12-6",
        "tokenizer": build_bart_tokenizer,
        "config_class": "BartConfig",
        "model_class": "BartForConditionalGeneration",
        "config": bart_config,
        "generation": bart_generation,
    },
}


def _marker(name: str) -> dict[str, Any]:
    from summarize.testing.corpus import load_corpus

    return {
        "name": name,
        "version": FORMAT_VERSION,
        "seed": SEED,
        "corpus": load_corpus().fingerprint(),
        "reference": SPECS[name]["reference"],
    }


def _complete(path: Path, expected: dict[str, Any]) -> bool:
    try:
        found = json.loads((path / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if any(found.get(k) != v for k, v in expected.items()):
        return False
    return all((path / f).is_file() for f in found.get("files", []))


def build_one(name: str, dest: Path) -> float:
    """Build bench model ``name`` into ``dest`` (atomically). Returns the seconds it took."""
    import torch
    import transformers

    from summarize.testing.corpus import load_corpus

    spec = SPECS[name]
    start = time.perf_counter()
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=dest.parent))
    try:
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()  # no "Writing model shards" bars
        tok = spec["tokenizer"](load_corpus(), scratch)
        tiny.drop_load_artifacts(scratch)
        cfg_kwargs = spec["config"](tok)
        config = getattr(transformers, spec["config_class"])(**cfg_kwargs)
        config.architectures = [spec["model_class"]]
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(SEED)
            model = getattr(transformers, spec["model_class"])(config).eval()
        model.generation_config = transformers.GenerationConfig(
            **spec["generation"](tok, cfg_kwargs)
        )
        model.save_pretrained(scratch)
        del model
        scratch.chmod(0o755)
        marker = {**_marker(name), "files": sorted(p.name for p in scratch.iterdir())}
        (scratch / MARKER_FILE).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest, ignore_errors=True)
        os.rename(scratch, dest)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return time.perf_counter() - start


def ensure_bench_models(root: Path | None = None, names: list[str] | None = None) -> dict[str, str]:
    """Build the bench models (``names``, default all) that are missing; returns name ->
    directory."""
    root = root or bench_models_dir()
    out: dict[str, str] = {}
    for name in names or SPECS:
        dest = root / name
        if not _complete(dest, _marker(name)):
            logger.info("building bench model %s in %s", name, dest)
            seconds = build_one(name, dest)
            logger.info("built %s in %.1fs", name, seconds)
        out[name] = str(dest)
    return out
