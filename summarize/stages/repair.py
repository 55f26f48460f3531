"""The repair stage: retranslate the sentences whose flags a retranslation can fix, with
each repair setting in turn (stricter decoding, then a fallback model), keeping a
retranslation only when it clears those flags."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarize.stages.check import sentence_flags
from summarize.stages.work import Hooks, Work
from summarize.types import RepairAttempt

if TYPE_CHECKING:
    from summarize.quality import Flag
    from summarize.translate import Translated, Translator

#: One repair setting: what it tries (``"stricter decoding"``), its translator, and the
#: model it uses when that is not the pipeline's own (``None``).
Repairer = tuple[str, "Translator", "str | None"]
#: A sentence to repair: its record and its index among the record's aligned sentences.
Item = tuple[Work, int]


def _repairable(flags: Sequence[Flag]) -> int:
    from summarize.quality import REPAIRABLE

    return sum(f.code in REPAIRABLE for f in flags)


def wants_repair(flags: Sequence[Flag]) -> bool:
    """Whether a retranslation could clear one of ``flags``."""
    from summarize.quality import REPAIRABLE

    return any(f.code in REPAIRABLE for f in flags)


def cleared(old: Sequence[Flag], new: Sequence[Flag]) -> bool:
    """Whether flags ``new`` clear the repairable ones of ``old`` without adding others."""
    kept = len(new) - _repairable(new)
    return not wants_repair(new) and kept <= len(old) - _repairable(old)


@dataclass(frozen=True)
class _Round:
    """One repair setting's round."""

    tried: str
    translator: Translator
    model: str | None

    def attempt(self, item: Item, source: str, got: Translated) -> bool:
        """Record ``got`` as a repair of ``item``; keep it when it clears the flags."""
        w, j = item
        assert w.translation_sentences is not None
        flags = sentence_flags(source, got.text, got.truncated, self.translator)
        ok = cleared(w.flags[j], flags)
        attempt = RepairAttempt(
            tried=self.tried,
            translation=got.text,
            flags=tuple(f.code for f in flags),
            cleared=ok,
            settings={} if self.model else self.translator.settings.to_dict(),
            model=self.model,
        )
        w.repairs[j] = (*w.repairs[j], attempt)
        if ok:
            w.translation_sentences[j] = got.text
            w.flags[j] = flags
            w.confidence[j] = got.confidence
        return ok

    def run(self, todo: list[Item], hooks: Hooks, tried_in: dict[int, int]) -> list[Item]:
        """Retranslate ``todo``; the items still flagged afterwards."""
        sources = [w.source(j) for w, j in todo]
        count = hooks.counter(f"repairing ({self.tried})", len(sources), "sentences")
        outputs = translate_per_record(self.translator, todo, sources, count)
        still: list[Item] = []
        for item, src, got in zip(todo, sources, outputs, strict=True):
            if not self.attempt(item, src, got):
                still.append(item)
            tried_in[id(item[0])] = tried_in.get(id(item[0]), 0) + 1
        return still


def repair_stage(works: list[Work], repairers: Iterable[Repairer], hooks: Hooks) -> None:
    """Repair the flagged sentences of ``works`` with each of ``repairers`` in turn (a
    setting is taken only while sentences remain to repair)."""
    todo = [(w, j) for w in works for j, flags in enumerate(w.flags) if wants_repair(flags)]
    if not todo:
        return
    start = time.perf_counter()
    tried_in: dict[int, int] = {}
    for tried, translator, model in repairers:
        if not todo:
            break
        todo = _Round(tried, translator, model).run(todo, hooks, tried_in)
    elapsed = time.perf_counter() - start
    total = sum(tried_in.values()) or 1
    for w in works:
        if id(w) in tried_in:
            w.share("repair", elapsed, elapsed * tried_in[id(w)] / total)


def translate_per_record(
    translator: Translator,
    todo: Sequence[Item],
    sources: Sequence[str],
    on_batch: Callable[[int], None],
) -> list[Translated]:
    """``sources`` (one per ``todo`` item) translated as one group per record, so a
    record's retranslations do not depend on the other records of the batch."""
    groups: dict[int, list[int]] = {}
    for k, (w, _) in enumerate(todo):
        groups.setdefault(id(w), []).append(k)
    order = list(groups.values())
    done = translator.translate_groups(
        [[sources[k] for k in ks] for ks in order], on_batch=on_batch
    )
    out: list[Translated | None] = [None] * len(sources)
    for ks, group in zip(order, done, strict=True):
        for k, t in zip(ks, group.sentences, strict=True):
            out[k] = t
    return [t for t in out if t is not None]
