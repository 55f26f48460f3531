"""Test helpers: tiny random-weight seq2seq models with real architectures and tokenizers.

>>> from summarize.testing import build_tiny_models, TINY_MODEL_NAMES
>>> paths = build_tiny_models("/tmp/tiny")  # doctest: +SKIP
>>> paths["marian"]  # doctest: +SKIP
'/tmp/tiny/marian'

Importing this package is cheap: torch, transformers, sentencepiece and tokenizers are
only imported inside the functions that build a model. Run
``python -m summarize.testing DIR`` to build the models from the command line.
"""

from __future__ import annotations

from summarize.testing.corpus import default_seeds_dir, load_corpus
from summarize.testing.tiny import (
    FORMAT_VERSION,
    MARKER_FILE,
    SPECS,
    TINY_MODEL_NAMES,
    build_tiny_models,
)

#: The real checkpoint each tiny model imitates.
TINY_MODEL_REFERENCES: dict[str, str] = {name: spec.reference for name, spec in SPECS.items()}

__all__ = [
    "FORMAT_VERSION",
    "MARKER_FILE",
    "TINY_MODEL_NAMES",
    "TINY_MODEL_REFERENCES",
    "build_tiny_models",
    "default_seeds_dir",
    "load_corpus",
]
