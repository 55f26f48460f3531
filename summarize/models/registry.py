"""Known models: family, role, and licence facts that users must see.

Unknown hub ids and local directories are classified from their config
(``model_type``) and tokenizer class by :func:`summarize.models.profiles.infer_family`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: What a model does (``ModelInfo.task``, ``ModelProfile.task``).
TRANSLATION = "translation"
SUMMARIZATION = "summarization"
CROSSLINGUAL_SUMMARIZATION = "crosslingual-summarization"


@dataclass(frozen=True)
class ModelInfo:
    model_id: str
    family: str
    task: str
    license: str | None = None
    non_commercial: bool = False
    note: str = ""


_MODELS = [
    ModelInfo("Helsinki-NLP/opus-mt-id-en", "marian", "translation"),
    ModelInfo("facebook/nllb-200-distilled-600M", "nllb", "translation", "CC-BY-NC-4.0", True),
    ModelInfo("facebook/nllb-200-distilled-1.3B", "nllb", "translation", "CC-BY-NC-4.0", True),
    ModelInfo("facebook/m2m100_418M", "m2m100", "translation", "MIT"),
    ModelInfo("facebook/m2m100_1.2B", "m2m100", "translation", "MIT"),
    ModelInfo("facebook/mbart-large-50-many-to-many-mmt", "mbart50", "translation"),
    ModelInfo("sshleifer/distilbart-cnn-12-6", "bart", "summarization", "Apache-2.0"),
    ModelInfo("facebook/bart-large-cnn", "bart", "summarization", "MIT"),
    ModelInfo("google/pegasus-cnn_dailymail", "pegasus", "summarization"),
    ModelInfo("google/pegasus-xsum", "pegasus", "summarization"),
    ModelInfo("google-t5/t5-small", "t5", "summarization", "Apache-2.0"),
    ModelInfo("google-t5/t5-base", "t5", "summarization", "Apache-2.0"),
    ModelInfo("google/flan-t5-base", "flan-t5", "summarization", "Apache-2.0"),
    ModelInfo("google/flan-t5-large", "flan-t5", "summarization", "Apache-2.0"),
    ModelInfo(
        "csebuetnlp/mT5_multilingual_XLSum",
        "mt5-xlsum",
        "summarization",
        "CC-BY-NC-SA-4.0",
        True,
    ),
    ModelInfo(
        "csebuetnlp/mT5_m2m_crossSum",
        "mt5-crosssum",
        "crosslingual-summarization",
        "CC-BY-NC-SA-4.0",
        True,
    ),
]

MODELS: dict[str, ModelInfo] = {m.model_id.lower(): m for m in _MODELS}

DEFAULT_MT_MODEL = "Helsinki-NLP/opus-mt-id-en"
DEFAULT_SUM_MODEL = "sshleifer/distilbart-cnn-12-6"
DEFAULT_ID_SUM_MODEL = "csebuetnlp/mT5_multilingual_XLSum"
DEFAULT_CROSS_SUM_MODEL = "csebuetnlp/mT5_m2m_crossSum"

#: The models ``summarize models pull`` fetches when given no ids.
DEFAULT_MODELS = (
    DEFAULT_MT_MODEL,
    DEFAULT_SUM_MODEL,
    DEFAULT_ID_SUM_MODEL,
    DEFAULT_CROSS_SUM_MODEL,
)


def models_for(task: str) -> list[str]:
    """The known models of ``task``, in table order."""
    return [m.model_id for m in _MODELS if m.task == task]


def lookup(model_id: str) -> ModelInfo | None:
    """The registry entry for a hub id (case-insensitive), or ``None``."""
    return MODELS.get(model_id.lower())
