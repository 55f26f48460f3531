"""The CTranslate2 backend: equivalence with transformers, the conversion cache, options,
the CLI, and the benchmark's building blocks (in-process, on the tiny models)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ctranslate2")

from summarize.engines import ct2  # noqa: E402
from summarize.engines.ct2 import (
    CTranslate2Engine,  # noqa: E402
    conversion,  # noqa: E402
)
from summarize.engines.factory import load_engine  # noqa: E402
from summarize.errors import ConfigError, ModelLoadError, ModelNotAvailableError  # noqa: E402
from summarize.types import GenerationSettings  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

SENTENCES = [
    "Sekretaris Jenderal NATO, Jens Stoltenberg sebelumnya menuduh Rusia mencoba menggunakan "
    "musim dingin sebagai senjata perang.",
    "Serangan Rusia terhadap infrastruktur Ukraina telah menyebabkan jutaan orang terputus.",
    "Harga beras naik di beberapa daerah.",
    "Ya.",
    "Pintu NATO terbuka, kata Stoltenberg, saat sekutu menjanjikan lebih banyak senjata untuk "
    "Kyiv dan peralatan untuk membantu memulihkan infrastruktur yang dihancurkan oleh Rusia.",
]
ALL_FAMILIES = ["marian", "bart", "t5", "mt5", "mt5_crosssum", "m2m100", "nllb", "mbart50"]
MAX_NEW = 20


@pytest.fixture(scope="session")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ct2-cache")


@pytest.fixture(autouse=True)
def _isolated_cache(ct2_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Converted models go to a per-session directory, never to ~/.cache."""
    monkeypatch.setenv("SUMMARIZE_CACHE", str(ct2_cache))


def _engines(path: str, dtype: str = "float32") -> tuple[object, CTranslate2Engine]:
    hf = load_engine(path, backend="transformers", device="cpu", dtype="float32")
    fast = load_engine(path, backend="ctranslate2", device="cpu", dtype=dtype)
    assert isinstance(fast, CTranslate2Engine)
    return hf, fast


def _hf_ids(hf: object, text: str, **kwargs: object) -> list[int]:
    import torch

    enc = hf.tokenizer([hf.profile.prefix + text], return_tensors="pt")  # type: ignore[attr-defined]
    with torch.inference_mode():
        out = hf.model.generate(**enc, **hf._gen_kwargs, do_sample=False, **kwargs)  # type: ignore[attr-defined]
    return out[0, 1:].tolist()


# --------------------------------------------------------------------------- equivalence


@pytest.mark.parametrize("name", ALL_FAMILIES)
def test_greedy_float32_gives_the_same_tokens_as_transformers(
    tiny_models: dict[str, str], name: str
) -> None:
    hf, fast = _engines(tiny_models[name])
    settings = GenerationSettings(num_beams=1, max_new_tokens=MAX_NEW)
    for text in SENTENCES:
        expected = _hf_ids(hf, text, num_beams=1, max_new_tokens=MAX_NEW)
        got = fast.token_ids(fast.generate_tokens([text], settings)[0])
        assert got == expected, text
    # Through the Engine interface, batched: same texts, same generated-token counts.
    a, b = fast.generate(SENTENCES, settings), hf.generate(SENTENCES, settings)  # type: ignore[attr-defined]
    assert a.texts == b.texts
    assert a.tokens == b.tokens


@pytest.mark.parametrize("name", ["marian", "nllb"])
def test_confidence_is_the_same_mean_log_probability_on_both_backends(
    tiny_models: dict[str, str], name: str
) -> None:
    """CTranslate2's free hypothesis score, turned into a per-token mean, equals the
    transformers engine's forced-decoding mean log-probability of the same output."""
    hf, fast = _engines(tiny_models[name])
    settings = GenerationSettings(num_beams=1, max_new_tokens=MAX_NEW)
    a = fast.generate(SENTENCES, settings)
    b = hf.generate(SENTENCES, settings, scores=True)  # type: ignore[attr-defined]
    assert a.texts == b.texts
    assert len(a.scores) == len(b.scores) == len(SENTENCES)
    for x, y in zip(a.scores, b.scores, strict=True):
        assert x < 0 and y < 0
        assert abs(x - y) < 0.01, (x, y)
    assert hf.generate(SENTENCES, settings).scores == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["marian", "bart", "m2m100", "nllb", "mbart50"])
def test_beam_search_with_family_defaults_matches_transformers(
    tiny_models: dict[str, str], name: str
) -> None:
    hf, fast = _engines(tiny_models[name])
    settings = GenerationSettings(max_new_tokens=MAX_NEW).merged_over(fast.profile.defaults)
    assert settings.num_beams and settings.num_beams > 1
    assert fast.generate(SENTENCES, settings).texts == hf.generate(SENTENCES, settings).texts  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["mt5", "mt5_crosssum"])
def test_mt5_beam_scores_match_transformers(tiny_models: dict[str, str], name: str) -> None:
    """Regression: the converter must not scale mT5 logits (transformers 5 does not)."""
    hf, fast = _engines(tiny_models[name])
    settings = GenerationSettings(
        num_beams=4, max_new_tokens=MAX_NEW, length_penalty=1.0, no_repeat_ngram_size=0
    )
    assert fast.generate(SENTENCES, settings).texts == hf.generate(SENTENCES, settings).texts  # type: ignore[attr-defined]


def test_crosssum_decoder_starts_with_the_language_token(tiny_models: dict[str, str]) -> None:
    _, fast = _engines(tiny_models["mt5_crosssum"])
    assert fast.start_from_prefix
    config = json.loads((fast.model_dir / "config.json").read_text(encoding="utf-8"))
    assert config["decoder_start_token"] is None
    token = fast.config["task_specific_params"]["langid_map"]["english"][1]
    assert fast._prefix == [token]


def test_target_language_is_the_prefix(tiny_models: dict[str, str]) -> None:
    _, nllb = _engines(tiny_models["nllb"])
    out = nllb.generate_tokens(SENTENCES[:2], GenerationSettings(num_beams=1, max_new_tokens=5))
    assert all(tokens[0] == "eng_Latn" for tokens in out)
    assert all(len(tokens) == 5 for tokens in out)  # the forced token counts, as in transformers


def test_forced_eos_is_emulated_at_the_length_limit(tiny_models: dict[str, str]) -> None:
    _, marian = _engines(tiny_models["marian"])
    out = marian.generate_tokens(SENTENCES[:3], GenerationSettings(num_beams=2, max_new_tokens=7))
    assert all(len(tokens) <= 7 and tokens[-1] == "</s>" for tokens in out)


def test_int8_runs_and_its_drift_is_measurable(tiny_models: dict[str, str]) -> None:
    from summarize.bench.run import agreement

    _, f32 = _engines(tiny_models["marian"], "float32")
    i8 = load_engine(tiny_models["marian"], backend="ctranslate2", device="cpu", dtype="int8")
    settings = GenerationSettings(num_beams=1, max_new_tokens=MAX_NEW)
    a = [f32.token_ids(t) for t in f32.generate_tokens(SENTENCES, settings)]
    b = [i8.token_ids(t) for t in i8.generate_tokens(SENTENCES, settings)]  # type: ignore[attr-defined]
    stats = agreement(b, a)
    assert 0.0 <= stats["token_agreement"] <= 1.0 and stats["sentences"] == len(SENTENCES)
    assert i8.describe()["dtype"] == "int8"


def test_sampling_is_seeded(tiny_models: dict[str, str], tmp_path: Path) -> None:
    """CTranslate2 seeds one generator per worker thread when it first samples: two fresh
    single-worker engines given the same seed sample the same outputs."""
    settings = GenerationSettings(num_beams=1, max_new_tokens=12, do_sample=True, seed=7)
    outputs = []
    for _ in range(2):
        engine = CTranslate2Engine.load(
            tiny_models["marian"],
            local_dir=Path(tiny_models["marian"]),
            device="cpu",
            dtype="float32",
            revision=None,
            inter_threads=1,
            intra_threads=1,
        )
        outputs.append(engine.generate(SENTENCES, settings).texts)
    assert outputs[0] == outputs[1]
    greedy = engine.generate(SENTENCES, GenerationSettings(num_beams=1, max_new_tokens=12)).texts
    assert outputs[0] != greedy


def test_describe_has_the_same_keys_as_transformers(tiny_models: dict[str, str]) -> None:
    hf, fast = _engines(tiny_models["bart"])
    assert set(fast.describe()) == set(hf.describe())  # type: ignore[attr-defined]
    assert fast.describe()["backend"] == "ctranslate2"


# --------------------------------------------------------------------------- conversion cache


def _load(path: str | Path, cache: Path, dtype: str = "int8") -> CTranslate2Engine:
    return CTranslate2Engine.load(
        str(path),
        local_dir=Path(path),
        device="cpu",
        dtype=dtype,
        revision=None,
        cache_dir=cache,
    )


def test_second_load_reuses_the_conversion(
    tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "ct2"
    first = _load(tiny_models["marian"], cache)
    assert first.converted

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(conversion, "run_converter", boom)
    second = _load(tiny_models["marian"], cache)
    assert not second.converted and second.model_dir == first.model_dir
    assert not list(cache.glob(".tmp-*"))


def test_quantisation_and_content_are_part_of_the_key(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    cache = tmp_path / "ct2"
    src = tmp_path / "marian"
    shutil.copytree(tiny_models["marian"], src)
    int8 = _load(src, cache, "int8")
    f32 = _load(src, cache, "float32")
    assert f32.converted and f32.model_dir != int8.model_dir
    assert (
        json.loads((f32.model_dir / ct2.MARKER_FILE).read_text())["key"]["quantization"]
        == "float32"
    )
    # Changing the model's files (here its config) gives a new entry, not a stale one.
    config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    config["summarize_test_marker"] = 1
    (src / "config.json").write_text(json.dumps(config), encoding="utf-8")
    changed = _load(src, cache, "int8")
    assert changed.converted and changed.model_dir != int8.model_dir
    entries = [p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(entries) == 3


def test_incomplete_entries_are_replaced_and_failures_leave_nothing(
    tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "ct2"
    engine = _load(tiny_models["bart"], cache)
    entry = engine.model_dir
    (entry / ct2.MARKER_FILE).unlink()  # as if a conversion had been killed half-way
    (entry / "model.bin").write_bytes(b"garbage")
    again = _load(tiny_models["bart"], cache)
    assert again.converted and again.model_dir == entry
    assert json.loads((entry / ct2.MARKER_FILE).read_text())["key"]["quantization"] == "int8"

    def crash(source: Path, out: Path, quantization: str) -> None:
        out.mkdir(parents=True)
        (out / "model.bin").write_bytes(b"partial")
        raise ModelLoadError("simulated converter crash")

    monkeypatch.setattr(conversion, "run_converter", crash)
    with pytest.raises(ModelLoadError):
        _load(tiny_models["bart"], cache, "float32")
    assert not list(cache.glob(".tmp-*"))
    assert len([p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")]) == 1


def test_concurrent_loads_convert_once(tiny_models: dict[str, str], tmp_path: Path) -> None:
    cache = tmp_path / "ct2"
    results: list[CTranslate2Engine] = []
    errors: list[BaseException] = []

    def load() -> None:
        try:
            results.append(_load(tiny_models["t5"], cache))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(e.converted for e in results) == [False, True]
    assert results[0].model_dir == results[1].model_dir


# --------------------------------------------------------------------------- options


def test_dtype_mapping() -> None:
    assert ct2.resolve_quantization("auto", "cpu") == "int8"
    assert ct2.resolve_quantization("auto", "cuda") == "float16"
    assert ct2.resolve_quantization("int8_float32", "cpu") == "int8_float32"
    with pytest.raises(ConfigError):
        ct2.resolve_quantization("int4", "cpu")


def test_unsupported_compute_type_is_a_config_error(tiny_models: dict[str, str]) -> None:
    import ctranslate2

    if "float16" in ctranslate2.get_supported_compute_types("cpu"):
        pytest.skip("this CPU supports float16")
    with pytest.raises(ConfigError, match="float16"):
        load_engine(tiny_models["marian"], backend="ctranslate2", device="cpu", dtype="float16")


def test_thread_options_reach_the_engine(tiny_models: dict[str, str]) -> None:
    engine = load_engine(
        tiny_models["marian"], backend="ctranslate2", device="cpu", intra_threads=1, inter_threads=1
    )
    assert (engine.intra_threads, engine.inter_threads) == (1, 1)  # type: ignore[attr-defined]
    default = load_engine(tiny_models["marian"], backend="ctranslate2", device="cpu")
    assert default.inter_threads * default.intra_threads <= max(ct2.default_threads(), 2)  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="unknown options"):
        load_engine(tiny_models["marian"], backend="ctranslate2", device="cpu", beam_threads=3)


def test_pipeline_backend_options(tiny_models: dict[str, str]) -> None:
    from summarize.pipeline import Pipeline

    pipe = Pipeline(
        "extract-translate",
        mt_model=tiny_models["marian"],
        backend="ctranslate2",
        device="cpu",
        backend_options={"intra_threads": 1, "inter_threads": 2},
    )
    engine = pipe.translator.engine
    assert engine.backend == "ctranslate2"
    assert (engine.intra_threads, engine.inter_threads) == (1, 2)
    assert pipe.translate_texts([SENTENCES[0]])[0].strip()


def test_missing_hub_model_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotAvailableError):
        load_engine("summarize-test/definitely-not-cached", backend="ctranslate2", device="cpu")


# --------------------------------------------------------------------------- torch-free loading


@pytest.mark.parametrize("name", ALL_FAMILIES)
def test_torch_free_loader_gives_autotokenizers_tokenizer_and_profile(
    tiny_models: dict[str, str], name: str
) -> None:
    from summarize.models.loading import load_config_and_tokenizer, load_hf
    from summarize.models.profiles import resolve_profile

    local = Path(tiny_models[name])
    config, tokenizer, commit = load_config_and_tokenizer(str(local), local, None)
    full_config, auto_tokenizer, _ = load_hf(str(local), local, None, with_model=False)
    assert commit is None
    assert type(tokenizer) is type(auto_tokenizer)
    for text in SENTENCES:
        assert tokenizer(text)["input_ids"] == auto_tokenizer(text)["input_ids"]
    profile = resolve_profile(str(local), config, type(tokenizer).__name__, None)
    assert profile == resolve_profile(
        str(local), full_config.to_dict(), type(auto_tokenizer).__name__, None
    )


def test_torch_free_loader_reads_an_offline_hub_cache(
    tiny_models: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hub id resolved from the Hugging Face cache layout, offline: the commit is the
    snapshot's, and a model without tokenizer_config.json gets its tokenizer by model type."""
    import huggingface_hub.constants

    from summarize.models.loading import load_config_and_tokenizer

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--summarize-test--tiny-marian"
    snapshot = repo / "snapshots" / commit
    shutil.copytree(tiny_models["marian"], snapshot)
    (snapshot / "tokenizer_config.json").unlink()
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    config, tokenizer, got = load_config_and_tokenizer("summarize-test/tiny-marian", None, None)
    assert got == commit
    assert config["model_type"] == "marian"
    assert type(tokenizer).__name__ == "MarianTokenizer"
    with pytest.raises(ModelNotAvailableError, match="HF_HUB_OFFLINE"):
        load_config_and_tokenizer("summarize-test/not-cached", None, None)


def test_a_cached_conversion_runs_without_importing_torch(
    tiny_models: dict[str, str], ct2_cache: Path
) -> None:
    """Once converted, the ctranslate2 pipeline never imports torch (about 180 MB)."""
    for path in (tiny_models["marian"], tiny_models["bart"]):  # convert in this process
        load_engine(path, backend="ctranslate2", device="cpu", dtype="int8")
    script = (
        "import sys\n"
        "from summarize.pipeline import Pipeline\n"
        f"pipe = Pipeline(mt_model={tiny_models['marian']!r}, sum_model={tiny_models['bart']!r},"
        " backend='ctranslate2', device='auto', dtype='int8')\n"
        "text = 'Presiden NATO berkata bahwa Rusia menyerang Ukraina. Harga beras naik.'\n"
        "result = pipe.process_batch([{'id': 'a', 'text': text}])[0]\n"
        "assert result.error is None and result.summary, result\n"
        "print('torch' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SUMMARIZE_CACHE": str(ct2_cache)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "False"


# --------------------------------------------------------------------------- CLI


def test_cli_run_writes_the_same_records_with_both_backends(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from summarize.cli import main

    runner = CliRunner()
    records = {}
    for backend in ("transformers", "ctranslate2"):
        out = tmp_path / f"{backend}.jsonl"
        result = runner.invoke(
            main,
            [
                "run",
                str(SEEDS),
                "--backend",
                backend,
                "--device",
                "cpu",
                "--mt-model",
                tiny_models["marian"],
                "--sum-model",
                tiny_models["bart"],
                "-o",
                str(out),
                "--no-progress",
            ],
        )
        assert result.exit_code == 0, result.output
        records[backend] = [json.loads(line) for line in out.read_text().splitlines()]
    hf, fast = records["transformers"], records["ctranslate2"]
    assert len(fast) == len(hf) == len(list(SEEDS.glob("*.txt")))
    assert [r["id"] for r in fast] == [r["id"] for r in hf]
    for a, b in zip(hf, fast, strict=True):
        assert set(a) == set(b)
        assert set(a["models"]) == set(b["models"])
        assert set(a["models"]["translation"]) == set(b["models"]["translation"])
        assert b["error"] is None
        assert b["translation"].strip() and b["summary"].strip()
        assert len(b["alignment"]) == len(a["alignment"])
        assert b["models"]["translation"]["backend"] == "ctranslate2"
        assert b["models"]["summarization"]["dtype"] == "int8"  # auto on CPU


def test_cli_thread_options(tiny_models: dict[str, str], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from summarize.cli import main

    base = ["run", str(SEEDS), "-s", "extract-translate", "--mt-model", tiny_models["marian"]]
    base += ["--device", "cpu", "--no-progress", "-o"]
    from summarize.engines import factory

    def thread_engines() -> list[Any]:
        wanted = (("inter_threads", 1), ("intra_threads", 2))
        return [e for k, e in factory._ENGINES.items() if k[1] == "ctranslate2" and k[-1] == wanted]

    assert not thread_engines()
    runner = CliRunner()
    result = runner.invoke(
        main,
        [*base, str(tmp_path / "a.jsonl"), "--backend", "ctranslate2"]
        + ["--threads", "2", "--inter-threads", "1"],
    )
    assert result.exit_code == 0, result.output
    [engine] = thread_engines()
    assert (engine.intra_threads, engine.inter_threads) == (2, 1)
    result = runner.invoke(main, [*base, str(tmp_path / "b.jsonl"), "--inter-threads", "2"])
    assert result.exit_code == 2
    assert "Error: --inter-threads needs --backend ctranslate2" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- benchmark parts


def test_bench_workload_variants_do_not_repeat_sentences() -> None:
    from summarize.bench.workload import build_workload
    from summarize.text import prepare_article

    records = build_workload(10)
    assert len(records) == 10 and len({r["id"] for r in records}) == 10
    first = set(prepare_article(records[0]["text"]).sentences)
    copy = prepare_article(records[5]["text"]).sentences
    long_ones = [s for s in copy if len(s.split()) >= 7]
    assert long_ones and not first.intersection(long_ones)
    exact = build_workload(10, exact=True)
    assert exact[5]["text"] == exact[0]["text"]


def test_bench_systems_do_equal_work(tiny_models: dict[str, str]) -> None:
    """The baseline and the fast path generate under the same caps (in-process check)."""
    from summarize.bench.run import bench_config
    from summarize.bench.workers import Baseline, Fast, SystemSpec
    from summarize.bench.workload import build_workload

    records = build_workload(1)
    caps = argparse.Namespace(dtype="int8", max_new_tokens=8, summary_max_new_tokens=8)
    config = bench_config(tiny_models["marian"], tiny_models["bart"], 2, 2, caps)
    assert config.summary.min_new_tokens == 0 and not config.repair
    config = config.replace(summary={**config.summary.to_dict(), "min_new_tokens": 4})
    base = Baseline(SystemSpec(label="a", config=config, fast=False))
    fast = Fast(SystemSpec(label="b", config=config))
    base.setup()
    fast.setup()
    a, b = base.round(records), fast.round(records)
    assert a["sentences"] == b["sentences"] > 0
    assert a["translate_tokens"] <= a["sentences"] * 8
    assert b["translate_tokens"] <= b["sentences"] * 8
    assert a["summary_calls"] >= 1 and b["summary_calls"] >= 1
    assert 4 <= b["summarize_tokens"] / b["summary_calls"] <= 8


# --------------------------------------------------------------------------- CPU ISA


def test_bench_reports_the_cpu_isa_beside_the_ratios(tiny_models: dict[str, str]) -> None:
    """The flags of /proc/cpuinfo grouped into instruction sets, and what CTranslate2
    itself selects (asked of a child process that loads a converted model)."""
    from summarize.bench import isa

    cpuinfo = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512_vnni\n\n"
    present = isa.isa_present(isa.cpu_flags(cpuinfo))
    assert present == {
        "AVX2": True,
        "AVX-512": True,
        "VNNI": True,
        "AVX-512 BF16": False,
        "AMX": False,
    }
    assert isa.isa_label(present) == "AVX2 + AVX-512 + VNNI"
    assert isa.isa_label(isa.isa_present(isa.cpu_flags("flags : sse2 avx2\n"))) == "AVX2"
    assert isa.cpu_flags("model name : x\n") == frozenset()
    logs = (
        "[info] CPU: AuthenticAMD (SSE4.1=true, AVX=true, AVX2=true, AVX512=true)\n"
        "[info]  - Selected ISA: AVX2\n[info]  - Use Intel MKL: false\n"
        "[info]  - GEMM_S8 backend: DNNL (packed: false, u8s8 preferred: true)\n"
        "onednn_verbose,info,cpu,isa:Intel AVX-512 with Intel DL Boost\n"
    )
    parsed = isa.parse_ct2_logs(logs)
    assert parsed["ct2_isa"] == "AVX2" and parsed["mkl"] == "false"
    assert parsed["onednn_isa"] == "Intel AVX-512 with Intel DL Boost"
    line = isa.describe({"label": "AVX2 + AVX-512"}, parsed)
    assert line == (
        "CPU ISA: AVX2 + AVX-512; CTranslate2 kernels AVX2, int8 GEMM DNNL "
        "(Intel AVX-512 with Intel DL Boost)"
    )
    # The real thing, on this host.
    engine = load_engine(tiny_models["marian"], backend="ctranslate2", device="cpu", dtype="int8")
    found = isa.ct2_dispatch(engine.model_dir)  # type: ignore[attr-defined]
    assert found.get("ct2_isa") and found.get("compute_type") == "int8_float32"
    assert isa.ct2_dispatch(None) == {}
    assert isa.host_isa()["label"]


def test_bench_report_warns_when_the_machine_was_loaded() -> None:
    from summarize.bench.report import _load_warning

    quiet = {"machine": {"cores": 2}, "load_before": [0.5, 1, 1], "load_after": [1.9, 1, 1]}
    assert _load_warning(quiet) == []
    busy = {**quiet, "load_after": [9.5, 8, 7]}
    assert "load average up to 9.5 on 2 cores" in _load_warning(busy)[0]
    assert _load_warning({"machine": {"cores": 2}}) == []
