"""The benchmark labels a figure taken with the libraries held to a lower ISA (issue 24)."""

from __future__ import annotations

import pytest

from summarize.bench import isa


def test_isa_env_lists_only_the_variables_that_hold_or_steer_an_isa() -> None:
    environ = {
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "MKL_ENABLE_INSTRUCTIONS": "AVX2",
        "CT2_USE_MKL": "",  # set but empty: not a choice
        "OMP_NUM_THREADS": "2",  # not about the ISA
    }
    assert isa.isa_env(environ) == {"ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"}
    assert isa.isa_env({}) == {}


def test_describe_says_when_the_isa_was_held(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in isa.ISA_ENV:
        monkeypatch.delenv(name, raising=False)
    assert isa.host_isa()["held"] == {}
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "avx2")
    host = isa.host_isa()
    assert host["held"] == {"ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"}
    ct2 = {"ct2_isa": "AVX2", "gemm_s8": "DNNL (packed: false)", "onednn_isa": "Intel AVX2"}
    line = isa.describe({"label": "AVX2 + AVX-512", "held": host["held"]}, ct2)
    assert line == (
        "CPU ISA: AVX2 + AVX-512; CTranslate2 kernels AVX2, int8 GEMM DNNL (Intel AVX2); "
        "held by ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2"
    )
    # Without held variables the line is what it always was.
    assert "held by" not in isa.describe({"label": "AVX2"}, ct2)


def test_the_held_isa_reaches_ctranslate2s_child(
    tiny_models: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dispatch child inherits the variables: oneDNN then reports AVX2 as its ISA
    (on hosts where CTranslate2's int8 GEMM is oneDNN; MKL hosts report no oneDNN ISA)."""
    pytest.importorskip("ctranslate2")
    from summarize.engines.factory import load_engine

    engine = load_engine(tiny_models["marian"], backend="ctranslate2", device="cpu", dtype="int8")
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    found = isa.ct2_dispatch(engine.model_dir)  # type: ignore[attr-defined]
    assert found.get("compute_type") == "int8_float32"
    if found.get("gemm_s8", "").startswith("DNNL"):
        assert found.get("onednn_isa") == "Intel AVX2"
    else:
        assert found.get("mkl") == "true"
