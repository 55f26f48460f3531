"""The Gradio page: Article, Batch and Evaluate tabs wired to :class:`DemoService`.

Importing this module imports Gradio; ``summarize.demo`` only imports it on demand.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from summarize.demo.config import LENGTH_PRESETS, DemoConfig
from summarize.demo.errors import DemoError
from summarize.demo.formatting import ALIGNMENT_HEADERS, BATCH_HEADERS, FLAGS_NOTE
from summarize.demo.service import DemoService
from summarize.demo.uploads import ARTICLE_SUFFIXES, BATCH_SUFFIXES, EVAL_SUFFIXES
from summarize.errors import SummarizeError
from summarize.evaluation.tasks import TASKS

log = logging.getLogger("summarize.demo")

TITLE = "Indonesian news in English"
INTRO = (
    "Paste an Indonesian news article: it is cleaned, translated into English sentence by "
    "sentence, and summarised in English. Everything runs on this machine."
)

#: How long error notices stay up (they can be closed earlier).
ERROR_SECONDS = 20

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto !important; }
#app-header h1 { margin-bottom: 0.1em; }
#app-header p { color: var(--body-text-color-subdued); margin-top: 0; font-size: 1.05em; }
#summary-output textarea {
  font-size: 1.12em !important; line-height: 1.55 !important;
  background: var(--color-accent-soft) !important;
}
#info-panel { font-size: 0.93em; }
#info-panel h4 { margin: 0.2em 0 0.4em 0; }
#info-panel ul { padding-left: 1.1em; margin-top: 0; }
#alignment-table *, #batch-table * { font-family: var(--font) !important; }
#title-output:empty { display: none; }
#info-panel mark.unsupported { background: #fde68a; color: inherit; border-bottom: 2px solid #d97706; }
#alignment-table mark { background: #fde68a; color: inherit; border-bottom: 2px solid #d97706; }
.hint { color: var(--body-text-color-subdued); font-size: 0.92em; }
footer { opacity: 0.6; }
"""


def _theme() -> Any:
    return gr.themes.Soft(
        primary_hue="teal",
        secondary_hue="sky",
        neutral_hue="slate",
        font=["system-ui", "-apple-system", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


def _seed_examples(config: DemoConfig) -> tuple[list[list[str]], list[str]]:
    if config.seeds_dir is None or not Path(config.seeds_dir).is_dir():
        return [], []
    examples, labels = [], []
    for path in sorted(Path(config.seeds_dir).glob("*.txt")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        first = " ".join(text.split())
        labels.append(first[:70].rsplit(" ", 1)[0] + " …" if len(first) > 70 else first)
        examples.append([text])
    return examples, labels


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into a short notice on the page: no tracebacks reach visitors."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except DemoError as exc:
            raise gr.Error(
                exc.message, title=exc.title, duration=ERROR_SECONDS, print_exception=False
            ) from None
        except SummarizeError as exc:
            raise gr.Error(
                str(exc), title="Error", duration=ERROR_SECONDS, print_exception=False
            ) from None
        except Exception as exc:
            log.exception("unexpected error in the demo")
            raise gr.Error(
                f"Unexpected error ({type(exc).__name__}: {exc}). The details are in the server log.",
                title="Something went wrong",
                duration=ERROR_SECONDS,
                print_exception=False,
            ) from None

    call.__name__ = getattr(fn, "__name__", "call")
    call.__doc__ = fn.__doc__
    return call


def _progress_fn(progress: Any) -> Callable[[float | None, str], None]:
    def update(fraction: float | None, desc: str) -> None:
        try:
            progress(fraction, desc=desc)
        except Exception:  # progress is cosmetic
            pass

    return update


def build_demo(config: DemoConfig | None = None, service: DemoService | None = None) -> gr.Blocks:
    """Build the page. Launch it with :func:`launch_demo` (or ``demo.launch(...)`` with
    :func:`launch_kwargs`); tests use ``prevent_thread_lock=True``."""
    from summarize.models import registry
    from summarize.strategies import STRATEGIES, get_strategy

    config = config or DemoConfig()
    service = service or DemoService(config)
    examples, example_labels = _seed_examples(config)
    suites = service.suites()
    mt_choices = list(
        dict.fromkeys([service.default_mt_model()] + registry.models_for(registry.TRANSLATION))
    )

    def sum_choices(strategy: str) -> list[str]:
        want = get_strategy(strategy).summarizer_task
        known = registry.models_for(want) if want else []
        return list(dict.fromkeys([service.default_sum_model(strategy), *known]))

    # ------------------------------------------------------------------ handlers
    def summarize_article(
        article: str | None,
        file: str | None,
        strategy: str,
        mt_model: str | None,
        sum_model: str | None,
        length: str,
        url: str | None = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio's documented idiom
    ) -> tuple[str, str, list[list[str]], str, dict[str, Any]]:
        """Translate and summarise one Indonesian article (pasted text, a .txt/.html file,
        or the URL of a news page, which wins when given).

        Returns the English summary, the title (Markdown), the sentence alignment
        (# | Indonesian | English), an info panel (Markdown: compression, numbers and
        names kept, time per stage, warnings) and the full result as JSON.
        """
        out = service.summarize_article(
            article,
            file,
            strategy,
            mt_model or "",
            sum_model or "",
            length or "medium",
            progress=_progress_fn(progress),
            url=url,
        )
        for w in out.warnings:
            gr.Warning(w, duration=12)
        return out.summary, out.title, out.alignment, out.info, out.details

    def process_batch(
        files: list[str] | None,
        strategy: str,
        mt_model: str | None,
        sum_model: str | None,
        length: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[list[list[str]], str | None, str | None, str]:
        """Translate and summarise every article of JSONL/CSV/.txt/.html uploads.

        Returns the results table (id | status | summary | errors / warnings), the
        results as JSONL and CSV files, and a status line (Markdown).
        """
        out = service.process_batch(
            files,
            strategy,
            mt_model or "",
            sum_model or "",
            length or "medium",
            progress=_progress_fn(progress),
        )
        for w in out.warnings:
            gr.Warning(w)
        return out.rows, out.jsonl_path, out.csv_path, out.status

    def make_digest(
        files: list[str] | None,
        urls: str | None,
        strategy: str,
        mt_model: str | None,
        sum_model: str | None,
        length: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str | None, str]:
        """Group uploaded articles and pasted news links (one per line) into stories and
        summarise each in English. Returns the digest (Markdown), the digest file and a
        status line."""
        out = service.digest(
            files,
            urls,
            strategy,
            mt_model or "",
            sum_model or "",
            length or "medium",
            progress=_progress_fn(progress),
        )
        return out.markdown, out.path, out.status

    def evaluate(
        suite: str | None,
        file: str | None,
        task: str,
        limit: float | None,
        resamples: float | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, str | None, list[str]]:
        """Score a suite from eval/ or an uploaded JSONL/CSV of source, reference and
        prediction columns. Returns the score table with 95% CIs (Markdown), the plot
        (PNG) and the report files (results.json, report.md, predictions.jsonl)."""
        out = service.evaluate(
            suite, file, task or "auto", limit, resamples, progress=_progress_fn(progress)
        )
        return out.table, out.plot_path, out.files

    # the model boxes are fixed where visitors may name only the configured models
    # (the service checks every request anyway)
    models_locked = config.restricts_models and not config.allowed_models

    def on_strategy(strategy: str) -> Any:
        model = service.default_sum_model(strategy)
        needs = get_strategy(strategy).needs_summarizer
        update = gr.update(
            choices=sum_choices(strategy) if needs else [],
            value=model,
            interactive=needs and not models_locked,
            info=None if needs else "Not used: this strategy needs no summariser.",
        )
        return update

    # --------------------------------------------------------------------- layout
    keep = config.keep_outputs_s
    delete_cache = (max(60, min(keep, 3600)), keep) if keep is not None else None
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=delete_cache) as demo:
        gr.Markdown(f"# {TITLE}\n{INTRO}", elem_id="app-header")
        with gr.Tabs():
            # ------------------------------------------------------------ Article
            with gr.Tab("Article", id="article"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        article = gr.Textbox(
                            label="Indonesian article",
                            lines=12,
                            max_lines=22,
                            placeholder="Tempel artikel berita di sini… (paste an Indonesian "
                            "news article, or pick an example below)",
                            elem_id="article-input",
                        )
                        article_file = gr.File(
                            label="…or upload a .txt / .html file (used instead of the text box)",
                            file_types=list(ARTICLE_SUFFIXES),
                            height=120,
                            elem_id="article-file",
                        )
                        article_url = gr.Textbox(
                            value="",
                            label="…or the link to a news page (used instead of both)",
                            placeholder="https://…",
                            max_lines=1,
                            elem_id="article-url",
                        )
                    with gr.Column(scale=2, min_width=280):
                        strategy = gr.Dropdown(
                            [(get_strategy(s).label, s) for s in STRATEGIES],
                            value=config.pipeline.strategy,
                            label="Strategy",
                            elem_id="strategy",
                        )
                        length = gr.Radio(
                            list(LENGTH_PRESETS),
                            value="medium",
                            label="Summary length",
                            info="medium = the model's usual length",
                            elem_id="length",
                        )
                        mt_model = gr.Dropdown(
                            mt_choices,
                            value=service.default_mt_model(),
                            allow_custom_value=True,
                            interactive=not models_locked,
                            label="Translation model",
                            info="Hub id or local directory",
                            elem_id="mt-model",
                        )
                        needs_sum = get_strategy(config.pipeline.strategy).needs_summarizer
                        sum_model = gr.Dropdown(
                            sum_choices(config.pipeline.strategy) if needs_sum else [],
                            value=service.default_sum_model(config.pipeline.strategy),
                            allow_custom_value=True,
                            interactive=needs_sum and not models_locked,
                            label="Summarisation model",
                            info=None
                            if needs_sum
                            else "Not used: this strategy needs no summariser.",
                            elem_id="sum-model",
                        )
                        run_article = gr.Button(
                            "Translate & summarise", variant="primary", elem_id="summarize-btn"
                        )
                if examples:
                    gr.Examples(
                        examples,
                        inputs=[article],
                        label="Examples (Indonesian news articles from seeds/)",
                        example_labels=example_labels,
                        examples_per_page=10,
                    )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        summary = gr.Textbox(
                            label="English summary",
                            lines=5,
                            max_lines=14,
                            interactive=False,
                            buttons=["copy"],
                            elem_id="summary-output",
                        )
                        title_out = gr.Markdown(elem_id="title-output")
                    with gr.Column(scale=2, min_width=280):
                        info = gr.Markdown(
                            "<span class='hint'>Compression, numbers and names kept, time "
                            "per stage and warnings appear here.</span>",
                            elem_id="info-panel",
                        )
                alignment = gr.Dataframe(
                    headers=ALIGNMENT_HEADERS,
                    datatype=["str", "markdown", "markdown", "markdown"],
                    interactive=False,
                    wrap=True,
                    column_widths=["7%", "36.5%", "36.5%", "20%"],
                    max_height=640,
                    label="Source and translation, sentence by sentence",
                    elem_id="alignment-table",
                )
                gr.Markdown(FLAGS_NOTE, elem_id="flags-note")
                with gr.Accordion("Full result (JSON)", open=False):
                    details = gr.JSON(elem_id="result-json")

            # -------------------------------------------------------------- Batch
            with gr.Tab("Batch", id="batch"):
                gr.Markdown(
                    'Upload a **JSONL** file (one `{"id", "title", "text"}` object per '
                    "line), a **CSV** with the same columns, or several **.txt/.html** "
                    "articles. Bad records are reported in the table; the others go on. "
                    "Strategy, models and length are those of the Article tab.",
                )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        batch_files = gr.File(
                            label="Articles",
                            file_count="multiple",
                            file_types=list(BATCH_SUFFIXES),
                            height=130,
                            elem_id="batch-files",
                        )
                    with gr.Column(scale=1, min_width=220):
                        run_batch = gr.Button("Process all", variant="primary", elem_id="batch-btn")
                        batch_status = gr.Markdown(elem_id="batch-status")
                batch_table = gr.Dataframe(
                    headers=BATCH_HEADERS,
                    datatype=["str", "str", "str", "str"],
                    interactive=False,
                    wrap=True,
                    column_widths=["14%", "8%", "50%", "28%"],
                    max_height=560,
                    label="Results",
                    elem_id="batch-table",
                )
                with gr.Row():
                    batch_jsonl = gr.File(
                        label="Results (JSONL)", interactive=False, elem_id="batch-jsonl"
                    )
                    batch_csv = gr.File(
                        label="Results (CSV)", interactive=False, elem_id="batch-csv"
                    )

            # ------------------------------------------------------------- Digest
            with gr.Tab("Digest", id="digest"):
                gr.Markdown(
                    "Upload several articles or paste links to news pages: articles that "
                    "report the same story are merged, and each story gets one English "
                    "summary with its sources. Strategy, models and length are those of "
                    "the Article tab.",
                )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        digest_files = gr.File(
                            label="Articles (.txt/.html, JSONL or CSV)",
                            file_count="multiple",
                            file_types=list(BATCH_SUFFIXES),
                            height=130,
                            elem_id="digest-files",
                        )
                        digest_urls = gr.Textbox(
                            label="…and/or links to news pages, one per line",
                            lines=4,
                            placeholder="https://…",
                            elem_id="digest-urls",
                        )
                    with gr.Column(scale=1, min_width=220):
                        run_digest = gr.Button(
                            "Make digest", variant="primary", elem_id="digest-btn"
                        )
                        digest_status = gr.Markdown(elem_id="digest-status")
                        digest_file = gr.File(
                            label="Digest (Markdown)", interactive=False, elem_id="digest-file"
                        )
                digest_out = gr.Markdown(elem_id="digest-output")

            # ----------------------------------------------------------- Evaluate
            with gr.Tab("Evaluate", id="evaluate"):
                gr.Markdown(
                    "Score a suite from `eval/`, or upload your own outputs: a JSONL/CSV "
                    "file with `source`, `reference` and `prediction` columns (every other "
                    "text column counts as one more system). Scores come with 95% bootstrap "
                    "confidence intervals.",
                )
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2):
                        eval_suite = gr.Dropdown(
                            suites,
                            value=suites[0] if suites else None,
                            label="Suite (eval/*.toml)",
                            elem_id="eval-suite",
                        )
                        eval_file = gr.File(
                            label="…or upload outputs + references (used instead of the suite)",
                            file_types=list(EVAL_SUFFIXES),
                            height=120,
                            elem_id="eval-file",
                        )
                    with gr.Column(scale=1, min_width=240):
                        eval_task = gr.Radio(
                            ["auto", *TASKS],
                            value="auto",
                            label="Task of an uploaded file",
                        )
                        eval_limit = gr.Number(
                            value=0, precision=0, minimum=0, label="Limit (first N items; 0 = all)"
                        )
                        eval_resamples = gr.Number(
                            value=1000, precision=0, minimum=1, label="Bootstrap resamples"
                        )
                        run_eval = gr.Button("Evaluate", variant="primary", elem_id="eval-btn")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        eval_table = gr.Markdown(elem_id="eval-table")
                    with gr.Column(scale=2):
                        eval_plot = gr.Image(
                            type="filepath",
                            label="Scores (95% CI)",
                            show_label=False,
                            interactive=False,
                            buttons=["download", "fullscreen"],
                            elem_id="eval-plot",
                        )
                eval_files = gr.File(
                    label="Report files",
                    file_count="multiple",
                    interactive=False,
                    elem_id="eval-files",
                )

        gr.Markdown(
            "<span class='hint'>Outputs are machine-generated and may be wrong; check "
            "figures and names against the source. Use the API (link below) to call "
            "these actions from code.</span>"
        )

        # --------------------------------------------------------------- events
        strategy.change(on_strategy, strategy, sum_model, api_visibility="private", queue=False)
        run_article.click(
            _guard(summarize_article),
            [article, article_file, strategy, mt_model, sum_model, length, article_url],
            [summary, title_out, alignment, info, details],
            api_name="summarize_article",
            # Up to article_batch_size requests enter at once and run as one batch.
            concurrency_limit=max(config.article_batch_size, config.concurrency),
            api_description="Translate and summarise one Indonesian article (text, a "
            ".txt/.html file, or a news page URL). Returns summary, title, alignment rows, "
            "info (Markdown) and the full result (JSON).",
            show_progress_on=[summary, alignment],
        )
        run_batch.click(
            _guard(process_batch),
            [batch_files, strategy, mt_model, sum_model, length],
            [batch_table, batch_jsonl, batch_csv, batch_status],
            api_name="process_batch",
            api_description="Process JSONL/CSV/.txt/.html uploads. Returns the results "
            "table, JSONL and CSV files and a status line.",
            show_progress_on=[batch_table],
        )
        run_digest.click(
            _guard(make_digest),
            [digest_files, digest_urls, strategy, mt_model, sum_model, length],
            [digest_out, digest_file, digest_status],
            api_name="digest",
            api_description="Group uploaded articles and news links into stories; one "
            "English summary per story with its sources. Returns the digest (Markdown), "
            "the Markdown file and a status line.",
            show_progress_on=[digest_out],
        )
        run_eval.click(
            _guard(evaluate),
            [eval_suite, eval_file, eval_task, eval_limit, eval_resamples],
            [eval_table, eval_plot, eval_files],
            api_name="evaluate",
            api_description="Score an eval/ suite or an uploaded source/reference/prediction "
            "file. Returns the score table with 95% CIs, the plot and the report files.",
        )
    demo.queue(default_concurrency_limit=config.concurrency, max_size=config.queue_size)
    demo.summarize_service = service  # type: ignore[attr-defined]
    return demo


def launch_kwargs(config: DemoConfig) -> dict[str, Any]:
    """Arguments for ``Blocks.launch`` (theme and CSS live there in Gradio 6)."""
    return {
        "server_name": config.host,
        "server_port": config.port,
        "theme": _theme(),
        "css": CSS,
        "max_file_size": config.max_file_size,
        "show_error": False,
        "ssr_mode": False,
        "footer_links": ["api", "settings"],
    }


def launch_demo(config: DemoConfig, **overrides: Any) -> gr.Blocks:
    """Check the configured models and backend (a missing model directory or backend
    raises here, before the server starts), build, preload the models in the
    background, and launch."""
    import threading

    from summarize.pipeline import Pipeline

    Pipeline(config.pipeline).check()
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    service = DemoService(config)
    demo = build_demo(config, service)
    if config.preload:

        def preload() -> None:
            try:
                service.preload()
                print("summarize demo: models loaded", file=sys.stderr)
            except DemoError as exc:
                print(f"summarize demo: warning: {exc.message}", file=sys.stderr)
            except Exception as exc:  # pragma: no cover - shown on use as well
                print(f"summarize demo: warning: preloading failed: {exc}", file=sys.stderr)

        threading.Thread(target=preload, name="summarize-preload", daemon=True).start()
    demo.launch(**{**launch_kwargs(config), **overrides})
    return demo
