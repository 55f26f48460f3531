"""The CPU's instruction sets, reported beside every ratio of the benchmark.

Speed-ups differ by CPU (int8 GEMM kernels exist for AVX2, AVX-512, AVX-512 VNNI and
AMX), so a figure is never compared across hosts without them. Two views:

* what the CPU offers: the ``/proc/cpuinfo`` flags, grouped by :data:`ISA_FLAGS`;
* what CTranslate2 runs on it: its own kernels' ISA ("Selected ISA", AVX2 on AMD CPUs
  even with AVX-512), its GEMM backend (oneDNN or Intel MKL) and oneDNN's ISA, read from
  their logs (``CT2_VERBOSE``, ``ONEDNN_VERBOSE``) in a child process that loads a
  converted model and decodes one token.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

#: Instruction set -> the ``/proc/cpuinfo`` flags that provide it (any of them).
ISA_FLAGS: dict[str, tuple[str, ...]] = {
    "AVX2": ("avx2",),
    "AVX-512": ("avx512f",),
    "VNNI": ("avx512_vnni", "avx_vnni"),
    "AVX-512 BF16": ("avx512_bf16",),
    "AMX": ("amx_tile", "amx_int8", "amx_bf16"),
}

#: Environment variables that hold a library to a lower ISA or pick its GEMM backend
#: (``ONEDNN_MAX_CPU_ISA=AVX2`` etc. make an AVX-512 host measure like an AVX2-only one):
#: a figure taken with any of them set says so.
ISA_ENV = (
    "ONEDNN_MAX_CPU_ISA",
    "DNNL_MAX_CPU_ISA",
    "MKL_ENABLE_INSTRUCTIONS",
    "ATEN_CPU_CAPABILITY",
    "CT2_FORCE_CPU_ISA",
    "CT2_USE_MKL",
)

_CHILD = """
import sys, ctranslate2
t = ctranslate2.Translator(sys.argv[1], device="cpu", inter_threads=1, intra_threads=1)
t.translate_batch([["</s>"] * 4] * 2, beam_size=1, max_decoding_length=2)
"""


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The feature flags of the first CPU in ``/proc/cpuinfo``'s text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def isa_present(flags: Iterable[str]) -> dict[str, bool]:
    """Each instruction set of :data:`ISA_FLAGS`: offered by a CPU with ``flags``?"""
    have = set(flags)
    return {name: any(f in have for f in names) for name, names in ISA_FLAGS.items()}


def isa_label(present: dict[str, bool]) -> str:
    """``"AVX2 + AVX-512 + VNNI"``: the instruction sets present, or ``"none of ..."``."""
    names = [name for name, ok in present.items() if ok]
    return " + ".join(names) if names else f"none of {', '.join(present)}"


def isa_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The :data:`ISA_ENV` variables set in ``environ`` (default: this process's)."""
    env = os.environ if environ is None else environ
    return {name: env[name] for name in ISA_ENV if env.get(name)}


def host_isa() -> dict[str, Any]:
    """This host's instruction sets (empty on systems without ``/proc/cpuinfo``) and the
    variables that hold the libraries to fewer of them (``held``)."""
    try:
        flags = cpu_flags(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        flags = frozenset()
    present = isa_present(flags)
    return {
        "present": present,
        "label": isa_label(present) if flags else "unknown",
        "held": isa_env(),
    }


def parse_ct2_logs(text: str) -> dict[str, str]:
    """CTranslate2's and oneDNN's own account of the kernels they picked, from their logs."""
    patterns = {
        "ct2_isa": r"Selected ISA: (\S+)",
        "mkl": r"Use Intel MKL: (\S+)",
        "gemm_s8": r"GEMM_S8 backend: ([^\n]+)",
        "sgemm": r"SGEMM backend: ([^\n]+)",
        "compute_type": r"Selected compute type: (\S+)",
        "onednn_isa": r"onednn_verbose,info,cpu,isa:([^\n]+)",
    }
    out = {}
    for key, pattern in patterns.items():
        found = re.search(pattern, text)
        if found:
            out[key] = found.group(1).strip()
    return out


def ct2_dispatch(
    model_dir: str | os.PathLike[str] | None, timeout: float = 120.0
) -> dict[str, str]:
    """What CTranslate2 selects on this host, asked of a child process that loads
    ``model_dir`` (a converted model); empty when it cannot be asked."""
    if not model_dir:
        return {}
    env = {**os.environ, "CT2_VERBOSE": "1", "ONEDNN_VERBOSE": "1"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(model_dir)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    return parse_ct2_logs(done.stdout + "\n" + done.stderr)


def describe(host: dict[str, Any], ct2: dict[str, str]) -> str:
    """One line for a report: the CPU's instruction sets and what CTranslate2 uses."""
    parts = [f"CPU ISA: {host.get('label', 'unknown')}"]
    if ct2:
        used = f"CTranslate2 kernels {ct2.get('ct2_isa', '?')}"
        if "gemm_s8" in ct2:
            used += f", int8 GEMM {ct2['gemm_s8'].split(' (')[0]}"
        if "onednn_isa" in ct2:
            used += f" ({ct2['onednn_isa']})"
        parts.append(used)
    held = host.get("held") or {}
    if held:
        parts.append("held by " + " ".join(f"{k}={v}" for k, v in sorted(held.items())))
    return "; ".join(parts)
