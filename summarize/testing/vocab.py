"""Tiny tokenizers trained on the seed corpus, laid out like the real checkpoints'.

Every builder trains a small vocabulary (SentencePiece, or byte-level BPE for BART),
writes the files the real Hub repository ships (``source.spm``/``vocab.json`` for
Marian, ``spiece.model`` for T5, ...), instantiates the *real* transformers tokenizer
class from them and saves it with ``save_pretrained`` into the model directory. The
returned tokenizer is the instance that was saved.

transformers, sentencepiece and tokenizers are imported lazily inside the functions.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from summarize.testing.corpus import SeedCorpus

#: CrossSum language-id map order (csebuetnlp/CrossSum ``extra_tokens_langid_map.json``):
#: language ``i`` is ``[i, "▁<extra_id_{99 - i}>"]`` in ``task_specific_params["langid_map"]``.
CROSSSUM_LANGUAGES: tuple[str, ...] = (
    "kirundi", "indonesian", "ukrainian", "spanish", "arabic", "kyrgyz", "thai",
    "azerbaijani", "uzbek", "igbo", "french", "serbian_latin", "vietnamese", "marathi",
    "pidgin", "turkish", "tigrinya", "punjabi", "swahili", "somali", "nepali", "hindi",
    "telugu", "persian", "scottish_gaelic", "yoruba", "welsh", "gujarati",
    "serbian_cyrillic", "korean", "english", "sinhala", "tamil", "burmese", "pashto",
    "amharic", "russian", "japanese", "urdu", "portuguese", "chinese_simplified", "oromo",
    "bengali", "hausa", "chinese_traditional",
)  # fmt: skip

#: Number of ``▁<extra_id_N>`` pieces baked into the mT5 SentencePiece model.
MT5_EXTRA_PIECES = 100

_SPM_COMMON: dict[str, Any] = {
    "hard_vocab_limit": False,
    "num_threads": 1,
    "character_coverage": 1.0,
    "shuffle_input_sentence": False,
    "minloglevel": 2,
}


# --------------------------------------------------------------------------- helpers


def train_sentencepiece(
    lines: Sequence[str],
    *,
    vocab_size: int,
    model_type: str = "unigram",
    seed: int = 0,
    **options: Any,
) -> bytes:
    """Train a SentencePiece model on ``lines`` and return the serialized proto.

    ``options`` are passed to the trainer (e.g. ``pad_id=0, eos_id=1, unk_id=2, bos_id=-1``).
    Training is single-threaded with a fixed seed so the result is deterministic.
    """
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    buffer = io.BytesIO()
    kwargs = {**_SPM_COMMON, **options}
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type=model_type,
        **kwargs,
    )
    return buffer.getvalue()


def append_user_pieces(model: bytes, pieces: Iterable[str]) -> bytes:
    """Append USER_DEFINED pieces (score 0) at the end of a SentencePiece model.

    This is how seqio's ``SentencePieceVocabulary(extra_ids=...)`` bakes the
    ``▁<extra_id_N>`` sentinels into the mT5 vocabulary.
    """
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()  # type: ignore[attr-defined]  # generated module, no stubs
    proto.ParseFromString(model)
    for piece in pieces:
        entry = proto.pieces.add()
        entry.piece = piece
        entry.score = 0.0
        entry.type = pb.ModelProto.SentencePiece.USER_DEFINED  # type: ignore[attr-defined]
    return proto.SerializeToString()


def spm_pieces(model: bytes, *, skip_special: bool = False) -> list[str]:
    """The pieces of a SentencePiece model in id order (optionally without control/unk)."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    pieces = []
    for index in range(processor.get_piece_size()):
        if skip_special and (processor.is_control(index) or processor.is_unknown(index)):
            continue
        pieces.append(processor.id_to_piece(index))
    return pieces


def _write_json(path: Path, data: Any) -> None:
    """Write ``data`` as pretty UTF-8 JSON."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _fairseq_vocab(pieces: Iterable[str]) -> dict[str, int]:
    """fairseq dictionary order: ``<s> <pad> </s> <unk>`` then the pieces (deduplicated)."""
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    return vocab


# --------------------------------------------------------------------------- builders


def build_marian_tokenizer(
    corpus: SeedCorpus,
    dest: Path,
    *,
    seed: int = 0,
    source_pieces: int = 500,
    source_model: str = "unigram",
    size: int | None = None,
    fillers: Iterable[str] = (),
) -> Any:
    """Helsinki-NLP/opus-mt-id-en layout: ``source.spm`` (id), ``target.spm`` (en), ``vocab.json``.

    The shared vocabulary is ``</s>``=0, ``<unk>``=1, the source then target pieces, and
    ``<pad>`` as the last id (Marian's convention). ``source.spm`` is a ``source_model``
    SentencePiece model of ``source_pieces`` pieces. With ``size``, the vocabulary is grown
    to exactly ``size`` entries with the ``fillers`` pieces (``"▁word"``), which are also
    appended to ``target.spm`` as user-defined pieces so that they decode as words.
    """
    from transformers import MarianTokenizer

    source = train_sentencepiece(
        corpus.indonesian, vocab_size=source_pieces, model_type=source_model, seed=seed
    )
    target = train_sentencepiece(corpus.english, vocab_size=400, seed=seed)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in spm_pieces(source, skip_special=True) + spm_pieces(target, skip_special=True):
        vocab.setdefault(piece, len(vocab))
    if size is not None:
        target = append_user_pieces(target, _grow(vocab, fillers, size - 1))
    vocab["<pad>"] = len(vocab)
    if size is not None and len(vocab) != size:
        raise RuntimeError(f"Marian vocabulary has {len(vocab)} entries, not {size}")
    (dest / "source.spm").write_bytes(source)
    (dest / "target.spm").write_bytes(target)
    _write_json(dest / "vocab.json", vocab)
    tokenizer = MarianTokenizer(
        source_spm=str(dest / "source.spm"),
        target_spm=str(dest / "target.spm"),
        vocab=str(dest / "vocab.json"),
        source_lang="id",
        target_lang="en",
        model_max_length=512,
    )
    tokenizer.save_pretrained(dest)
    return tokenizer


def _grow(vocab: dict[str, int], pieces: Iterable[str], size: int) -> list[str]:
    """Add the new ``pieces`` to ``vocab`` until it has ``size`` entries; returns those added."""
    added: list[str] = []
    for piece in pieces:
        if len(vocab) >= size:
            break
        if piece not in vocab:
            vocab[piece] = len(vocab)
            added.append(piece)
    return added


def train_byte_bpe(
    lines: Iterable[str], vocab_size: int
) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Byte-level BPE trained on ``lines``: the vocabulary in id order (``<s>``=0 ``<pad>``=1
    ``</s>``=2 ``<unk>``=3 first) and the merges. The trainer is deterministic."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(lines, trainer)
    model = json.loads(backend.to_str())["model"]
    vocab: dict[str, int] = dict(sorted(model["vocab"].items(), key=lambda item: item[1]))
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]
    return vocab, merges  # type: ignore[return-value]


def write_bart_tokenizer(
    vocab: dict[str, int], merges: Sequence[tuple[str, str]], dest: Path
) -> Any:
    """Save a distilbart-layout tokenizer (``vocab.json`` + ``merges.txt`` + ``tokenizer.json``)
    of ``vocab`` plus ``<mask>`` as its last entry, and return it."""
    from transformers import BartTokenizer

    vocab = {**vocab, "<mask>": len(vocab)}
    _write_json(dest / "vocab.json", vocab)
    merges_text = "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges)
    (dest / "merges.txt").write_text(merges_text, encoding="utf-8")
    # transformers accepts merges as (a, b) pairs; its annotation says str | list[str]
    tokenizer = BartTokenizer(vocab=vocab, merges=list(merges), model_max_length=1024)  # type: ignore[arg-type]
    tokenizer.save_pretrained(dest)
    return tokenizer


def build_bart_tokenizer(corpus: SeedCorpus, dest: Path, *, seed: int = 0) -> Any:
    """sshleifer/distilbart-cnn-12-6 layout: byte-level BPE, ``<s>``=0 ``<pad>``=1 ``</s>``=2
    ``<unk>``=3, ``<mask>`` last; ``vocab.json`` + ``merges.txt`` + ``tokenizer.json``."""
    del seed  # the BPE trainer is deterministic
    vocab, merges = train_byte_bpe(corpus.all_lines, 700)
    return write_bart_tokenizer(vocab, merges, dest)


def build_t5_tokenizer(corpus: SeedCorpus, dest: Path, *, seed: int = 0) -> Any:
    """t5-small layout: unigram ``spiece.model`` (``<pad>``=0 ``</s>``=1 ``<unk>``=2) plus
    100 ``<extra_id_N>`` sentinels added by the tokenizer after the pieces."""
    from transformers import T5Tokenizer

    model = train_sentencepiece(
        corpus.all_lines, vocab_size=500, seed=seed, pad_id=0, eos_id=1, unk_id=2, bos_id=-1
    )
    (dest / "spiece.model").write_bytes(model)
    tokenizer = T5Tokenizer.from_pretrained(str(dest), extra_ids=100, model_max_length=512)
    tokenizer.save_pretrained(dest)
    return tokenizer


def build_mt5_tokenizer(corpus: SeedCorpus, dest: Path, *, seed: int = 0) -> Any:
    """google/mt5 layout: the ``▁<extra_id_99>`` ... ``▁<extra_id_0>`` pieces live at the end of
    ``spiece.model`` itself (USER_DEFINED, as seqio writes them) and the tokenizer adds no
    sentinels (``extra_ids=0``). Used by both ``mt5`` and ``mt5_crosssum``."""
    from transformers import T5Tokenizer

    model = train_sentencepiece(
        corpus.all_lines, vocab_size=600, seed=seed, pad_id=0, eos_id=1, unk_id=2, bos_id=-1
    )
    sentinels = [f"▁<extra_id_{i}>" for i in range(MT5_EXTRA_PIECES - 1, -1, -1)]
    (dest / "spiece.model").write_bytes(append_user_pieces(model, sentinels))
    tokenizer = T5Tokenizer.from_pretrained(str(dest), extra_ids=0, model_max_length=512)
    tokenizer.save_pretrained(dest)
    return tokenizer


def crosssum_langid_map() -> dict[str, list[int | str]]:
    """``task_specific_params["langid_map"]`` exactly as csebuetnlp/mT5_m2m_crossSum has it."""
    return {
        language: [index, f"▁<extra_id_{MT5_EXTRA_PIECES - 1 - index}>"]
        for index, language in enumerate(CROSSSUM_LANGUAGES)
    }


def build_m2m100_tokenizer(corpus: SeedCorpus, dest: Path, *, seed: int = 0) -> Any:
    """facebook/m2m100_418M layout: ``sentencepiece.bpe.model`` + fairseq ``vocab.json``;
    the 100 ``__xx__`` language tokens follow the vocabulary (then 8 made-up words in
    the model's embedding matrix)."""
    from transformers import M2M100Tokenizer
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    model = train_sentencepiece(corpus.all_lines, vocab_size=600, model_type="bpe", seed=seed)
    (dest / "sentencepiece.bpe.model").write_bytes(model)
    _write_json(dest / "vocab.json", _fairseq_vocab(spm_pieces(model, skip_special=True)))
    language_tokens = [f"__{code}__" for code in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
    tokenizer = M2M100Tokenizer(
        vocab_file=str(dest / "vocab.json"),
        spm_file=str(dest / "sentencepiece.bpe.model"),
        model_max_length=1024,
        additional_special_tokens=language_tokens,
    )
    tokenizer.save_pretrained(dest)
    return tokenizer


def build_nllb_tokenizer(corpus: SeedCorpus, dest: Path, *, seed: int = 0) -> Any:
    """facebook/nllb-200-distilled-600M layout: BPE ``sentencepiece.bpe.model`` with the
    fairseq offset (``<s>``=0 ``<pad>``=1 ``</s>``=2 ``<unk>``=3), the 202 language codes
    after the pieces and ``<mask>`` last."""
    from tokenizers.models import BPE
    from transformers import NllbTokenizer
    from transformers.convert_slow_tokenizer import SentencePieceExtractor
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    model = train_sentencepiece(corpus.all_lines, vocab_size=600, model_type="bpe", seed=seed)
    spm_path = dest / "sentencepiece.bpe.model"
    spm_path.write_bytes(model)
    # a dict at runtime (vocab, merges, ...), whatever the annotation says
    extracted: dict[str, Any] = SentencePieceExtractor(str(spm_path)).extract(BPE)  # type: ignore[assignment]
    vocab = _fairseq_vocab(extracted["vocab"])
    for code in (*FAIRSEQ_LANGUAGE_CODES, "<mask>"):
        vocab[code] = len(vocab)
    tokenizer = NllbTokenizer(
        vocab=vocab,
        merges=extracted["merges"],
        _spm_precompiled_charsmap=extracted.get("_spm_precompiled_charsmap"),
        additional_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),
        vocab_file=str(spm_path),
        model_max_length=1024,
    )
    tokenizer.save_pretrained(dest)
    return tokenizer


def build_mbart50_tokenizer(corpus: SeedCorpus, dest: Path, *, seed: int = 0) -> Any:
    """facebook/mbart-large-50-many-to-many-mmt layout: unigram ``sentencepiece.bpe.model``
    with the fairseq offset, the 52 language codes (``id_ID``, ``en_XX``, ...) then ``<mask>``."""
    from transformers import MBart50Tokenizer

    model = train_sentencepiece(corpus.all_lines, vocab_size=600, seed=seed)
    (dest / "sentencepiece.bpe.model").write_bytes(model)
    tokenizer = MBart50Tokenizer.from_pretrained(str(dest), bos_token="<s>", model_max_length=1024)
    tokenizer.save_pretrained(dest)
    return tokenizer
