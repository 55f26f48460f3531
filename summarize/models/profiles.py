"""Model families: prompt/generation data files and family detection.

Each family has a ``<family>.toml`` file (see the top-level ``prompts/`` folder,
shipped inside the wheel as ``summarize/prompts``). A directory given by
``SUMMARIZE_PROMPTS_DIR`` or ``prompts_dir=`` overrides files of the same name.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import tomllib

from summarize.errors import ConfigError
from summarize.models.registry import lookup
from summarize.types import GenerationSettings

FAMILIES = (
    "marian",
    "nllb",
    "m2m100",
    "mbart50",
    "bart",
    "pegasus",
    "t5",
    "flan-t5",
    "mt5-xlsum",
    "mt5-crosssum",
)


@dataclass(frozen=True)
class ModelProfile:
    """How to drive one model: its family conventions plus generation defaults.

    Built from a ``prompts/<family>.toml`` file and the model's own config.
    ``src_lang``/``tgt_lang`` are already in the family's code style
    (``ind_Latn`` for NLLB, ``id`` for M2M100, ``id_ID`` for mBART-50...).
    """

    family: str
    task: str  # "translation" | "summarization" | "crosslingual-summarization"
    prefix: str = ""
    src_lang: str | None = None
    tgt_lang: str | None = None
    target_language_name: str | None = (
        None  # mT5 CrossSum: key into config.task_specific_params["langid_map"]
    )
    defaults: GenerationSettings = field(default_factory=GenerationSettings)
    max_input_tokens: int = 512
    #: most tokens the decoder can produce (its position embeddings less the start
    #: token); ``None`` where the model has no such limit (T5's relative positions)
    max_output_tokens: int | None = None
    license: str | None = None
    non_commercial: bool = False

    def capped(self, settings: GenerationSettings) -> GenerationSettings:
        """``settings`` with token limits above :attr:`max_output_tokens` lowered to it
        (generating past the decoder's positions fails in the model)."""
        limit = self.max_output_tokens
        hi, lo = settings.max_new_tokens, settings.min_new_tokens
        if limit is None or ((hi is None or hi <= limit) and (lo is None or lo <= limit)):
            return settings
        return dataclasses.replace(
            settings,
            max_new_tokens=None if hi is None else min(hi, limit),
            min_new_tokens=None if lo is None else min(lo, limit),
        )


def builtin_prompts_dir() -> Path:
    """Where the shipped prompt files live (inside the wheel, or the source checkout)."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "prompts"
    if packaged.is_dir():
        return packaged
    return here.parent / "prompts"


def _prompt_dirs(prompts_dir: str | os.PathLike[str] | None) -> list[Path]:
    dirs = []
    for d in (prompts_dir, os.environ.get("SUMMARIZE_PROMPTS_DIR")):
        if d:
            dirs.append(Path(d))
    dirs.append(builtin_prompts_dir())
    return dirs


@lru_cache(maxsize=64)
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid prompt file {path}: {exc}") from exc


def load_profile(family: str, prompts_dir: str | os.PathLike[str] | None = None) -> ModelProfile:
    """Read the prompt/generation profile of a model family."""
    for d in _prompt_dirs(prompts_dir):
        path = d / f"{family}.toml"
        if path.is_file():
            data = dict(_read_toml(path))
            break
    else:
        raise ConfigError(
            f"no prompt file for model family '{family}' (known families: {', '.join(FAMILIES)})"
        )
    gen = data.pop("generation", {})
    known = set(GenerationSettings.__dataclass_fields__)
    unknown = set(gen) - known
    if unknown:
        raise ConfigError(f"{path}: unknown generation settings {sorted(unknown)}")
    fields = set(ModelProfile.__dataclass_fields__) - {"defaults"}
    return ModelProfile(
        defaults=GenerationSettings(**gen),
        **{k: v for k, v in data.items() if k in fields},
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def family_from_config(
    model_type: str, tokenizer_class: str | None, name: str, config: dict[str, Any] | None = None
) -> str:
    """Map a config ``model_type`` (+ tokenizer class and name) to one of :data:`FAMILIES`."""
    tok = (tokenizer_class or "").lower()
    lname = name.lower()
    tsp = (config or {}).get("task_specific_params") or {}
    # model_type -> the family, told apart by tokenizer, name or config where one type
    # covers two families
    families: dict[str, Callable[[], str]] = {
        "marian": lambda: "marian",
        "m2m_100": lambda: "nllb" if "nllb" in tok or "nllb" in lname else "m2m100",
        "mbart": lambda: "mbart50",
        "bart": lambda: "bart",
        "pegasus": lambda: "pegasus",
        "t5": lambda: "flan-t5" if "flan" in lname else "t5",
        "mt5": lambda: (
            "mt5-crosssum" if "langid_map" in tsp or "crosssum" in lname else "mt5-xlsum"
        ),
    }
    families["umt5"] = families["mt5"]
    if model_type not in families:
        raise ConfigError(f"unsupported model type '{model_type}' for {name}")
    return families[model_type]()


def infer_family(model_id: str, local_dir: Path | None = None) -> str:
    """The family of a registry model, or of a local directory from its config files."""
    info = lookup(model_id)
    if info is not None:
        return info.family
    if local_dir is None:
        raise ConfigError(f"cannot tell the model family of '{model_id}' before it is downloaded")
    config = _read_json(local_dir / "config.json")
    tok_cfg = _read_json(local_dir / "tokenizer_config.json")
    model_type = config.get("model_type")
    if not model_type:
        raise ConfigError(f"{local_dir} has no config.json with a model_type")
    return family_from_config(
        model_type, tok_cfg.get("tokenizer_class"), f"{model_id} {local_dir.name}", config
    )


def resolve_profile(
    model_id: str,
    config: dict[str, Any],
    tokenizer_class: str | None,
    prompts_dir: str | os.PathLike[str] | None = None,
    local_dir: Path | None = None,
) -> ModelProfile:
    """The profile for a loaded model: family file + licence + the model's own limits.

    The licence comes from the registry for known hub ids, else from the ``license:``
    field of the model card (``README.md`` front matter) in a local directory.
    """
    import dataclasses

    info = lookup(model_id)
    family = (
        info.family
        if info
        else family_from_config(config.get("model_type", ""), tokenizer_class, model_id, config)
    )
    profile = load_profile(family, prompts_dir)
    changes: dict[str, Any] = {}
    max_pos = config.get("max_position_embeddings")
    if isinstance(max_pos, int) and 0 < max_pos < profile.max_input_tokens:
        changes["max_input_tokens"] = max_pos
    if isinstance(max_pos, int) and max_pos > 1 and config.get("is_encoder_decoder", True):
        changes["max_output_tokens"] = max_pos - 1  # one position holds the start token
    if info is not None and info.license:
        changes["license"] = info.license
        changes["non_commercial"] = info.non_commercial
    elif local_dir is not None:
        card_license = license_from_card(local_dir)
        if card_license:
            changes["license"] = card_license
            changes["non_commercial"] = "-nc" in card_license.lower()
    return dataclasses.replace(profile, **changes) if changes else profile


def language_token_id(tokenizer: Any, code: str) -> int:
    """The vocabulary id of a language code token (``eng_Latn``, ``__en__``, ``en_XX``)."""
    unk = getattr(tokenizer, "unk_token_id", None)
    for token in (code, f"__{code}__"):
        tid = tokenizer.convert_tokens_to_ids(token)
        if isinstance(tid, int) and tid != unk:
            return tid
    raise ConfigError(f"the tokenizer has no language token for '{code}'")


def crosssum_target_token(config: dict[str, Any], language_name: str) -> str:
    """mT5 CrossSum: the token that starts decoding in ``language_name`` (e.g. ``english``)."""
    langid_map = (config.get("task_specific_params") or {}).get("langid_map") or {}
    entry = langid_map.get(language_name)
    if not entry:
        raise ConfigError(
            f"model config has no task_specific_params.langid_map entry for '{language_name}'"
        )
    return str(entry[1])


def license_from_card(model_dir: Path) -> str | None:
    """The ``license:`` value of a Hugging Face model card's YAML front matter, if any."""
    try:
        text = (model_dir / "README.md").read_text(encoding="utf-8")
    except OSError:
        return None
    if not text.startswith("---"):
        return None
    front = text.split("---", 2)[1] if text.count("---") >= 2 else ""
    for line in front.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "license" and value.strip():
            return value.strip().strip("'\"")
    return None
