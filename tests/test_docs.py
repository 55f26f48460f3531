"""Docs that run: every fenced shell and Python block in README.md and docs/*.md runs here,
or says why not.

How a block is treated (the convention; keep it when adding a block):

- Shell blocks (```` ```bash ````, ``sh``, ``shell``, ``console``: only its ``$ `` lines)
  and Python blocks (```` ```python ````) run, in a fresh folder, offline, with
  ``bash -e -o pipefail`` / ``python``. They see what a user who followed the README
  has, only tiny: ``seeds/`` (two of the seed articles), ``eval/``, the files the examples name
  (``articles.jsonl``, ``articles.csv``, ``big.jsonl``, ``outputs.jsonl``,
  ``my-outputs.jsonl``, ``urls.txt`` is not given: URLs need the internet), the default
  models as tiny random-weight models in a Hugging Face cache (``HF_HUB_CACHE``,
  ``HF_HUB_OFFLINE=1``), short generation (``SUMMARIZE_PROMPTS_DIR``), and ``/tmp/tiny``
  meaning the tiny models' folder. A block passes when it exits with 0.
- Python blocks that use ``gradio_client`` run against a demo started here with the tiny
  models (``http://127.0.0.1:7860/`` is replaced by its address).
- An HTML comment on the line before the fence changes that; each needs a reason:

  - ``<!-- needs-hub: REASON -->``: not run; it needs the Hugging Face Hub or another
    internet host (real model weights, web pages).
  - ``<!-- not-run: REASON -->``: not run, for the reason given (it installs packages,
    starts a server or a cluster, or takes minutes: benchmarks, long fuzz runs).
  - ``<!-- needs-data: NAME ... -->``: runs once the named evaluation data sets are in
    the data cache, pulled through the real download code from a local server (the
    ``evaldata`` fixture), and is skipped with the reason when they cannot be.

Other blocks (``json``, ``toml``, output, diagrams) are not run; the README's sample
``Result`` is compared field by field with a real run's (:func:`test_sample_result_shape`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from demo_helpers import free_port, running_demo

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL = {"bash", "sh", "shell", "console"}
PYTHON = {"python", "py"}
MARKS = {"needs-hub", "not-run", "needs-data"}
MARKER = re.compile(r"^<!--\s*([a-z-]+)\s*:?\s*(.*?)\s*-->$")
FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.S | re.M
)
#: the seed articles the workspace's seeds/ holds (the docs' examples name 000 and 004)
SEEDS = ("000_5d7d3ceee67d0e5f", "004_657e0a5873e04fad")
DEMO_URL = "http://127.0.0.1:7860/"
BLOCK_TIMEOUT = 600


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    body: str
    mark: str | None = None
    reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def runnable(self) -> bool:
        return self.lang in SHELL | PYTHON

    @property
    def demo(self) -> bool:
        return self.lang in PYTHON and "gradio_client" in self.body

    def script(self) -> str:
        body = "\n".join(
            line[len(self.indent) :] if line.startswith(self.indent) else line
            for line in self.body.splitlines()
        )
        if self.lang == "console":
            body = "\n".join(ln[2:] for ln in body.splitlines() if ln.startswith("$ "))
        return body

    @property
    def indent(self) -> str:
        first = self.body.splitlines()[0] if self.body else ""
        return first[: len(first) - len(first.lstrip(" "))]


def doc_blocks() -> list[Block]:
    out = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
            marker = MARKER.match(before)
            out.append(
                Block(
                    path,
                    text.count("\n", 0, m.start()) + 1,
                    m.group("lang").lower(),
                    m.group("body"),
                    marker.group(1) if marker else None,
                    marker.group(2) if marker else "",
                )
            )
    return out


BLOCKS = doc_blocks()
RUN = [b for b in BLOCKS if b.runnable and b.mark in (None, "needs-data") and not b.demo]
DEMO = [b for b in BLOCKS if b.runnable and b.mark in (None, "needs-data") and b.demo]


def test_every_runnable_block_runs_or_says_why() -> None:
    assert len([b for b in BLOCKS if b.runnable]) > 20  # the parser finds the docs' blocks
    bad = []
    for b in BLOCKS:
        if b.mark is None:
            continue
        if b.mark not in MARKS:
            bad.append(f"{b.id}: unknown marker {b.mark!r} (one of {sorted(MARKS)})")
        elif len(b.reason) < 3:
            bad.append(f"{b.id}: <!-- {b.mark}: ... --> must say why")
        elif not b.runnable:
            bad.append(f"{b.id}: a marker on a {b.lang or 'plain'} block, which never runs")
    assert not bad, "\n".join(bad)


# ------------------------------------------------------------------ the workspace


def _hub_cache(tiny: dict[str, str], dest: Path) -> None:
    """The default models (and every model a tiny one is shaped like) in the Hugging
    Face cache layout, as ``summarize models pull`` would leave them: tiny weights."""
    from summarize.testing.tiny import SPECS

    commit = "0" * 40
    for name, path in tiny.items():
        repo = dest / ("models--" + SPECS[name].reference.replace("/", "--"))
        shutil.copytree(path, repo / "snapshots" / commit)
        (repo / "refs").mkdir()
        (repo / "refs" / "main").write_text(commit)


def _short_prompts(dest: Path) -> None:
    """The shipped prompts with short greedy generation, so every example is quick."""
    dest.mkdir()
    for src in (ROOT / "prompts").glob("*.toml"):
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^max_new_tokens = \d+", "max_new_tokens = 8", text)
        text = re.sub(r"(?m)^min_new_tokens = \d+", "min_new_tokens = 1", text)
        text = re.sub(r"(?m)^num_beams = \d+", "num_beams = 1", text)
        (dest / src.name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def workspace(
    tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, str]]]:
    base = tmp_path_factory.mktemp("docs")
    home = base / "work"
    (home / "seeds").mkdir(parents=True)
    shutil.copytree(ROOT / "eval", home / "eval")  # suite files, as in a clone
    texts = {}
    for name in SEEDS:
        src = ROOT / "seeds" / f"{name}.txt"
        shutil.copy(src, home / "seeds" / src.name)
        texts[name] = src.read_text(encoding="utf-8")
    rows = [{"id": k, "title": None, "text": v} for k, v in texts.items()]
    for name in ("articles.jsonl", "big.jsonl"):
        (home / name).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    import csv

    with (home / "articles.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["id", "title", "text"])
        writer.writeheader()
        writer.writerows(rows)
    pairs = [
        {
            "source": "Rusia menyerang Ukraina.",
            "reference": "Russia attacked Ukraine.",
            "prediction": "Russia attacks Ukraine.",
        },
        {
            "source": "Harga beras naik.",
            "reference": "Rice prices rose.",
            "prediction": "The price of rice went up.",
        },
    ]
    for name in ("outputs.jsonl", "my-outputs.jsonl"):
        (home / name).write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    _hub_cache(tiny_models, base / "hub")
    prompts = base / "prompts"
    _short_prompts(prompts)
    env = {
        **os.environ,
        "HF_HUB_CACHE": str(base / "hub"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "SUMMARIZE_PROMPTS_DIR": str(prompts),
        "SUMMARIZE_CACHE": str(base / "cache"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    yield home, env


def _tiny_dir(tiny: dict[str, str]) -> str:
    return str(Path(tiny["marian"]).parent)


def _run(block: Block, home: Path, env: dict[str, str], tiny: dict[str, str], **subst: str) -> None:
    script = block.script().replace("/tmp/tiny", _tiny_dir(tiny))
    for old, new in subst.items():
        script = script.replace(old, new)
    if block.lang in SHELL:
        cmd = ["bash", "-e", "-o", "pipefail", "-c", script]
    else:
        (home / "block.py").write_text(script, encoding="utf-8")
        cmd = [sys.executable, "block.py"]
    proc = subprocess.run(
        cmd, cwd=home, env=env, capture_output=True, text=True, timeout=BLOCK_TIMEOUT
    )
    assert proc.returncode == 0, (
        f"{block.id} exited with {proc.returncode}\n--- script\n{script}\n"
        f"--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-5000:]}"
    )


def _needs_data(block: Block, request: pytest.FixtureRequest, home: Path) -> None:
    if block.mark != "needs-data":
        return
    data = Path(request.getfixturevalue("evaldata"))  # pulled from a local server, or skip
    # the examples' "any IndoSum-format file"
    target = home / "path" / "to" / "indosum" / "test.01.jsonl"
    found = sorted((data / "indosum").glob("*.jsonl"))
    if found and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(found[0], target)


@pytest.mark.parametrize("block", RUN, ids=[b.id for b in RUN])
def test_block_runs(
    block: Block,
    workspace: tuple[Path, dict[str, str]],
    tiny_models: dict[str, str],
    request: pytest.FixtureRequest,
) -> None:
    home, env = workspace
    _needs_data(block, request, home)
    _run(block, home, env, tiny_models)


# ------------------------------------------------------------------ the demo client


@pytest.fixture(scope="module")
def demo_url(
    tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    from summarize.config import PipelineConfig
    from summarize.demo import DemoConfig
    from summarize.types import GenerationSettings

    config = DemoConfig(
        port=free_port(),
        pipeline=PipelineConfig(
            mt_model=tiny_models["marian"],
            sum_model=tiny_models["bart"],
            translation=GenerationSettings(num_beams=1, max_new_tokens=8),
            summary=GenerationSettings(num_beams=1, min_new_tokens=1, max_new_tokens=8),
        ),
        workdir=tmp_path_factory.mktemp("docs-demo"),
        preload=False,
    )
    with running_demo(config):
        yield f"http://127.0.0.1:{config.port}/"


@pytest.mark.parametrize("block", DEMO, ids=[b.id for b in DEMO])
def test_demo_client_example_runs(
    block: Block,
    workspace: tuple[Path, dict[str, str]],
    tiny_models: dict[str, str],
    demo_url: str,
    request: pytest.FixtureRequest,
) -> None:
    home, env = workspace
    _needs_data(block, request, home)
    assert DEMO_URL in block.body, f"{block.id}: the example should use {DEMO_URL}"
    _run(block, home, env, tiny_models, **{DEMO_URL: demo_url})


# ------------------------------------------------------------------ sample outputs


def _sample(text: str) -> Any:
    """A doc's abbreviated JSON sample ("…" for left-out values) as JSON."""
    text = re.sub(r"\{…\}", "{}", text)
    text = re.sub(r"\[…\]", "[]", text)
    text = re.sub(r",\s*…\s*(?=[}\]])", "", text)
    return json.loads(text)


def _same_keys(sample: Any, real: Any, where: str = "") -> list[str]:
    """Keys the sample shows that the real record lacks, and the other way round, at the
    top level and in lists of records (``alignment``, ``flags``, ``repairs``); tables
    (``models``, ``timings``, ``flag_counts``...) are compared by the caller."""
    problems = []
    if isinstance(sample, dict) and isinstance(real, dict):
        if not where or where.endswith("[]"):
            for k in sorted(set(real) - set(sample)):
                problems.append(f"{where or 'top'}: the sample lacks {k!r}")
        for k in sample:
            if k not in real:
                problems.append(f"{where or 'top'}: {k!r} is not in a real record")
            elif isinstance(sample[k], list):  # records in a list: every field
                problems += _same_keys(sample[k], real[k], f"{where}.{k}".lstrip("."))
    elif isinstance(sample, list) and isinstance(real, list) and sample and real:
        problems += _same_keys(sample[0], real[0], f"{where}[]")
    return problems


def test_sample_result_shape(
    workspace: tuple[Path, dict[str, str]], tiny_models: dict[str, str]
) -> None:
    """The README's sample line has the fields of a real `summarize run` line (of the
    same seed), no more, no less, and the title a real run finds."""
    home, env = workspace
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"Each output line is a `Result`.*?```json\n(.*?)```", readme, re.S)
    assert m, "README: the sample Result block"
    sample = _sample(m.group(1))
    out = home / "sample.jsonl"
    subprocess.run(
        ["summarize", "run", f"seeds/{sample['id']}.txt", "-o", str(out), "--no-progress"],
        cwd=home,
        env=env,
        check=True,
        capture_output=True,
        timeout=BLOCK_TIMEOUT,
    )
    real = json.loads(out.read_text(encoding="utf-8"))
    assert not _same_keys(sample, real), "\n".join(_same_keys(sample, real))
    assert sample["title"] == real["title"] or real["title"].startswith(
        sample["title"].rstrip(" …")
    )
    assert set(sample["models"]["translation"]) <= set(real["models"]["translation"])
    assert set(sample["settings"]) <= set(real["settings"])
    assert set(sample["timings"]) <= set(real["timings"])
    assert set(sample["timings"]["batch"]) == set(real["timings"]["batch"])
    assert sample["metadata"] == {k: real["metadata"][k] for k in sample["metadata"]}
