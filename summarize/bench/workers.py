"""Benchmark workers: one process per measured system.

Each system (the plain transformers baseline, the project's fast path, or an ablation
variant of it) runs in its own spawned process, so its peak RSS
(``ru_maxrss`` of that process) and its imports do not mix with the others. The
parent sends commands over a pipe: ``setup`` (load the models), ``round`` (process a
few articles, reply with timings and token counts) and ``finish`` (reply with the peak
RSS and exit). Two workers are driven in alternation, round by round, so that load
from other processes on a shared machine hits both alike.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import resource
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from summarize.config import PipelineConfig


@dataclass(frozen=True)
class SystemSpec:
    """What one worker runs.

    ``config`` is the pipeline's: the fast path runs it as it is (on the CPU); the
    plain transformers baseline (``fast=False``) takes its models and its decoding
    settings. ``translate_only``: translation alone (no summariser is loaded).
    ``batch_size``/``sum_batch_size``: the baseline's fixed batches, in input order.
    The fast path's ablations: ``sort_batches`` off (translation batches in input
    order), ``max_batch_size`` (sentences per translation batch), ``fresh_cache`` (empty
    the sentence cache before every round, for repeated rounds).
    """

    label: str
    config: PipelineConfig
    fast: bool = True
    translate_only: bool = False
    batch_size: int = 16
    sum_batch_size: int = 8
    sort_batches: bool = True
    max_batch_size: int | None = None
    fresh_cache: bool = False
    env: dict[str, str] = field(default_factory=dict)

    @property
    def system(self) -> str:
        """The report's name of this system."""
        return "fast" if self.fast else "baseline"

    def with_config(self, **changes: Any) -> SystemSpec:
        """A copy whose pipeline settings have ``changes`` (validated)."""
        return dataclasses.replace(self, config=self.config.replace(**changes))

    def run_config(self) -> PipelineConfig:
        """The configuration the fast path runs: on the CPU; translation only when
        ``translate_only`` (the whole article translated, no summariser)."""
        from summarize.strategies import TRANSLATION_ONLY_STRATEGY

        config = self.config.replace(device="cpu")
        if self.translate_only:
            config = config.replace(
                strategy=TRANSLATION_ONLY_STRATEGY, sum_model=None, full_translation=True
            )
        return config


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB (``ru_maxrss`` is KiB on Linux).

    Linux carries ``ru_maxrss`` over from the parent through fork and exec, so the
    parent that spawns workers must stay small (it builds no model itself).
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def hwm_rss_mb() -> float | None:
    """``VmHWM`` from ``/proc/self/status`` (Linux; a cross-check of :func:`peak_rss_mb`)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


# --------------------------------------------------------------------------- baseline


class Baseline:
    """What a user would write with transformers: fixed-size batches in input order,
    no cache, float32, ``model.generate`` with the model's defaults plus the shared caps."""

    def __init__(self, spec: SystemSpec) -> None:
        self.spec = spec
        self.mt: Any = None
        self.sm: Any = None

    def setup(self) -> dict[str, Any]:
        import torch
        import transformers
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        torch.set_grad_enabled(False)

        def load(model_id: str) -> tuple[Any, Any, float]:
            """Tokenizer, float32 model in eval mode, and the seconds it took."""
            start = time.perf_counter()
            tok = AutoTokenizer.from_pretrained(model_id)
            model = AutoModelForSeq2SeqLM.from_pretrained(model_id, dtype=torch.float32).eval()
            return tok, model, time.perf_counter() - start

        out: dict[str, Any] = {}
        config = self.spec.config
        self.mt_tok, self.mt, out["load_mt_s"] = load(config.resolved_mt_model)
        if not self.spec.translate_only:
            assert config.sum_model is not None, "the whole pipeline needs a summariser"
            self.sm_tok, self.sm, out["load_sum_s"] = load(config.sum_model)
        out["threads"] = torch.get_num_threads()
        return out

    def _generate(
        self, model: Any, tok: Any, texts: list[str], **kwargs: Any
    ) -> tuple[list[str], int]:
        enc = tok(
            texts,
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=tok.model_max_length,
        )
        out = model.generate(**enc, **kwargs)
        tokens = int((out[:, 1:] != tok.pad_token_id).sum())
        return [t.strip() for t in tok.batch_decode(out, skip_special_tokens=True)], tokens

    def _batched(
        self, model: Any, tok: Any, texts: list[str], size: int, **kwargs: Any
    ) -> tuple[list[str], int, int]:
        """``texts`` generated in batches of ``size``, in input order: the outputs, the
        tokens generated and the number of batches."""
        outs: list[str] = []
        tokens = calls = 0
        for i in range(0, len(texts), size):
            got, n = self._generate(model, tok, texts[i : i + size], **kwargs)
            outs.extend(got)
            tokens += n
            calls += 1
        return outs, tokens, calls

    def translate(self, sentences: list[str]) -> tuple[list[str], int]:
        settings = self.spec.config.translation
        outs, tokens, _ = self._batched(
            self.mt,
            self.mt_tok,
            sentences,
            self.spec.batch_size,
            num_beams=settings.num_beams,
            max_new_tokens=settings.max_new_tokens,
            do_sample=False,
        )
        return outs, tokens

    def _sum_generate(self, texts: list[str]) -> tuple[list[str], int, int]:
        settings = self.spec.config.summary
        return self._batched(
            self.sm,
            self.sm_tok,
            texts,
            self.spec.sum_batch_size,
            num_beams=settings.num_beams,
            max_new_tokens=settings.max_new_tokens,
            min_new_tokens=settings.min_new_tokens,
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
            length_penalty=settings.length_penalty,
            do_sample=False,
        )

    def _chunks(self, sentences: list[str]) -> list[str]:
        """Sentences packed into texts that fit the summariser (no truncation)."""
        budget = self.sm_tok.model_max_length - 4
        counts = [len(ids) - 1 for ids in self.sm_tok(sentences)["input_ids"]]
        chunks: list[str] = []
        current: list[str] = []
        total = 0
        for sentence, count in zip(sentences, counts, strict=True):
            if current and total + count > budget:
                chunks.append(" ".join(current))
                current, total = [], 0
            current.append(sentence)
            total += count
        if current:
            chunks.append(" ".join(current))
        return chunks

    def summarize(self, docs: list[list[str]]) -> tuple[list[str], int, int]:
        chunked = [self._chunks([s for s in d if s]) for d in docs]
        flat = [c for chunks in chunked for c in chunks]
        outs, tokens, calls = self._sum_generate(flat)
        summaries: list[str] = []
        reduce_idx: list[int] = []
        reduce_texts: list[str] = []
        pos = 0
        for chunks in chunked:
            part = outs[pos : pos + len(chunks)]
            pos += len(chunks)
            if len(part) > 1:
                reduce_idx.append(len(summaries))
                reduce_texts.append(" ".join(part))
            summaries.append(part[0] if part else "")
        if reduce_texts:
            reduced, n, c = self._sum_generate(reduce_texts)
            tokens += n
            calls += c
            for i, text in zip(reduce_idx, reduced, strict=True):
                summaries[i] = text
        return summaries, tokens, calls

    def round(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        from summarize.text import prepare_article

        start = time.perf_counter()
        articles = [prepare_article(r["text"], title=r.get("title")) for r in records]
        needs = [a.sentences + ([a.title] if a.title else []) for a in articles]
        flat = [s for n in needs for s in n]
        t0 = time.perf_counter()
        translated, tr_tokens = self.translate(flat)
        translate_s = time.perf_counter() - t0
        out = {"translate_s": translate_s, "translate_tokens": tr_tokens, "sentences": len(flat)}
        if not self.spec.translate_only:
            docs, pos = [], 0
            for a, n in zip(articles, needs, strict=True):
                docs.append(translated[pos : pos + len(a.sentences)])
                pos += len(n)
            t0 = time.perf_counter()
            summaries, sum_tokens, calls = self.summarize(docs)
            out.update(
                summarize_s=time.perf_counter() - t0,
                summarize_tokens=sum_tokens,
                summary_calls=calls,
                empty_summaries=sum(1 for s in summaries if not s),
            )
        out["wall_s"] = time.perf_counter() - start
        return out


# --------------------------------------------------------------------------- fast path


class Fast:
    """The project's own path: :class:`summarize.pipeline.Pipeline` (or its Translator)."""

    def __init__(self, spec: SystemSpec) -> None:
        self.spec = spec

    def setup(self) -> dict[str, Any]:
        from summarize.chunking import length_sorted_batches
        from summarize.pipeline import Pipeline

        s = self.spec
        self.pipe = Pipeline(s.run_config())
        out: dict[str, Any] = {}
        start = time.perf_counter()
        translator = self.pipe.translator  # loads the model(s) of this strategy
        out["load_s"] = time.perf_counter() - start
        out["load_mt_s"] = float(getattr(translator.engine, "load_seconds", 0.0))
        if self.pipe.needs_summarizer:
            out["load_sum_s"] = float(getattr(self.pipe.summarizer.engine, "load_seconds", 0.0))
        # The comparison uses one fixed output cap on both sides: no ratio-based cap.
        translator.length_ratio = None
        if not s.sort_batches:  # the ablation: batches in input order
            translator.batcher = functools.partial(length_sorted_batches, sort=False)
        if s.max_batch_size:
            translator.max_batch_size = s.max_batch_size
        engine = translator.engine
        out["threads"] = {
            "intra": getattr(engine, "intra_threads", None),
            "inter": getattr(engine, "inter_threads", None),
        }
        out["dtype"] = getattr(engine, "dtype", None)
        return out

    def round(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        start = time.perf_counter()
        translator = self.pipe.translator
        if self.spec.fresh_cache:
            translator.clear_cache()
        tr0 = translator.stats.generated_tokens
        hits0 = translator.stats.cache_hits
        run = self._translate if self.spec.translate_only else self._pipeline
        out = run(records)
        out["translate_tokens"] = translator.stats.generated_tokens - tr0
        out["cache_hits"] = translator.stats.cache_hits - hits0
        out["wall_s"] = time.perf_counter() - start
        return out

    def _translate(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """Translation alone: every sentence (and title) of the round in one call."""
        from summarize.text import prepare_article

        articles = [prepare_article(r["text"], title=r.get("title")) for r in records]
        flat = [s for a in articles for s in a.sentences + ([a.title] if a.title else [])]
        t0 = time.perf_counter()
        self.pipe.translator.translate(flat)
        return {"translate_s": time.perf_counter() - t0, "sentences": len(flat)}

    def _pipeline(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        """The whole pipeline over the round's records, as one batch."""
        sm = self.pipe.summarizer if self.pipe.needs_summarizer else None
        sm0 = (sm.stats.generated_tokens, sm.stats.calls) if sm else (0, 0)
        results = self.pipe.process_batch(records)
        errors = [r.error for r in results if r.error]
        if errors:
            raise RuntimeError(f"fast path failed on a record: {errors[0]}")
        out: dict[str, Any] = {
            "translate_s": sum(r.timings.get("translate", 0.0) for r in results),
            "sentences": sum(len(r.alignment) for r in results),
            "empty_summaries": sum(1 for r in results if not r.summary),
        }
        if sm is not None:
            out.update(
                summarize_s=sum(r.timings.get("summarize", 0.0) for r in results),
                summarize_tokens=sm.stats.generated_tokens - sm0[0],
                summary_calls=sm.stats.calls - sm0[1],
            )
        return out


# --------------------------------------------------------------------------- token dumps


def output_tokens(spec: SystemSpec, sentences: list[str], num_beams: int) -> list[list[int]]:
    """Output token ids per sentence (for the int8 drift and the equivalence check)."""
    from summarize.types import GenerationSettings

    config = spec.run_config()
    max_new_tokens = config.translation.max_new_tokens
    settings = GenerationSettings(num_beams=num_beams, max_new_tokens=max_new_tokens)
    out: list[list[int]] = []
    if not spec.fast:
        import torch
        import transformers
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        tok = AutoTokenizer.from_pretrained(config.resolved_mt_model)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            config.resolved_mt_model, dtype=torch.float32
        ).eval()
        with torch.inference_mode():
            for i in range(0, len(sentences), spec.batch_size):
                enc = tok(sentences[i : i + spec.batch_size], return_tensors="pt", padding=True)
                gen = model.generate(
                    **enc, num_beams=num_beams, max_new_tokens=max_new_tokens, do_sample=False
                )
                for row in gen[:, 1:].tolist():
                    while row and row[-1] == tok.pad_token_id:
                        row.pop()
                    out.append(row)
        return out
    engine = _engine(config, config.resolved_mt_model)
    for i in range(0, len(sentences), spec.batch_size):
        for tokens in engine.generate_tokens(sentences[i : i + spec.batch_size], settings):
            out.append(engine.token_ids(tokens))
    return out


# --------------------------------------------------------------------------- process


def _engine(config: PipelineConfig, model: str) -> Any:
    """The engine of ``model`` as ``config``'s pipeline would load it."""
    from summarize.engines.backends import get_backend
    from summarize.engines.factory import load_engine

    return load_engine(
        model,
        backend=config.backend,
        device=config.device,
        dtype=config.dtype,
        **get_backend(config.backend).engine_options(config.backend_options),
    )


def worker_main(conn: Any, spec: SystemSpec) -> None:
    """Entry point of a worker process (``spec`` arrives pickled)."""
    os.environ.update(spec.env)
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    runner: Any = None
    try:
        while True:
            command, payload = conn.recv()
            if command == "setup":
                runner = Fast(spec) if spec.fast else Baseline(spec)
                info = runner.setup()
                info["rss_after_load_mb"] = peak_rss_mb()
                conn.send(("ok", info))
            elif command == "round":
                result = runner.round(payload)
                result["peak_rss_mb"] = peak_rss_mb()
                result["vm_hwm_mb"] = hwm_rss_mb()
                conn.send(("ok", result))
            elif command == "tokens":
                conn.send(("ok", output_tokens(spec, payload["sentences"], payload["num_beams"])))
            elif command == "prepare":
                conn.send(("ok", prepare(spec)))
            elif command == "finish":
                conn.send(("ok", {"peak_rss_mb": peak_rss_mb(), "vm_hwm_mb": hwm_rss_mb()}))
                return
            else:  # pragma: no cover
                conn.send(("error", f"unknown command {command}"))
    except BaseException as exc:  # report, then exit
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


def prepare(spec: SystemSpec) -> dict[str, Any]:
    """Convert the fast path's models (first use) so workers measure cached loads."""
    config = spec.run_config()
    out: dict[str, Any] = {}
    for role, model in (("mt", config.resolved_mt_model), ("sum", config.sum_model)):
        if not model:
            continue
        start = time.perf_counter()
        engine = _engine(config.replace(backend_options={}), model)
        out[f"{role}_seconds"] = round(time.perf_counter() - start, 2)
        out[f"{role}_converted"] = bool(getattr(engine, "converted", False))
        out[f"{role}_dir"] = str(getattr(engine, "model_dir", ""))
    return out
