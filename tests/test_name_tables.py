"""Backend names, evaluation system kinds and task names live in their tables.

Like the strategy test in ``test_config.py``: every module of ``summarize/`` is read
(with ``ast``, nothing is imported) and a comparison with one of these names outside
its table fails, whichever side the name is on and wherever it sits in a tuple, list or
set after ``in``. Help text and documentation may name them; only comparisons count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from summarize.engines.backends import BACKEND_TABLE, BACKENDS, get_backend
from summarize.errors import ConfigError
from summarize.evaluation.systems import SYSTEM_KINDS, SYSTEM_TYPES
from summarize.evaluation.tasks import TASK_TABLE, TASKS, get_task

ROOT = Path(__file__).resolve().parent.parent / "summarize"

#: Each family of names, with the modules allowed to compare them (their tables).
FAMILIES = {
    "backend": (frozenset(BACKENDS) | {"hf"}, {"engines/backends.py"}),
    "system kind": (frozenset(SYSTEM_TYPES), {"evaluation/systems.py"}),
    # model tasks share the words: the model registry is their table
    "task": (frozenset(TASKS), {"evaluation/tasks.py", "models/registry.py"}),
}


def _strings(node: ast.expr) -> list[str]:
    """The string constants of ``node``, or of the items of a tuple/list/set literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for item in node.elts for s in _strings(item)]
    return []


def compared_names(source: str) -> list[tuple[int, str]]:
    """``(line, string)`` for every string constant taking part in a comparison."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                out += [(node.lineno, s) for s in _strings(side)]
        elif isinstance(node, ast.match_case) and isinstance(node.pattern, ast.MatchValue):
            out += [(node.pattern.lineno, s) for s in _strings(node.pattern.value)]
    return out


def offenders(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        compared = compared_names(path.read_text(encoding="utf-8"))
        for family, (names, allowed) in FAMILIES.items():
            if rel in allowed:
                continue
            found += [f"{rel}:{line}: {family} {s!r}" for line, s in compared if s in names]
    return found


def test_no_comparison_with_a_backend_system_kind_or_task_name_outside_its_table() -> None:
    assert offenders() == []


def test_the_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "def f(b, t, k):\n"
        "    if b == 'ctranslate2':\n"
        "        return 1\n"
        "    if 'translation' != t:\n"
        "        return 2\n"
        "    return k in ('outputs', 'x')\n",
        encoding="utf-8",
    )
    (tmp_path / "fine.py").write_text(
        "HELP = 'use --backend ctranslate2'\nx = {'translation': 1}['translation']\n",
        encoding="utf-8",
    )
    assert offenders(tmp_path) == [
        "bad.py:2: backend 'ctranslate2'",
        "bad.py:6: system kind 'outputs'",
        "bad.py:4: task 'translation'",
    ]


def test_tables_cover_their_names() -> None:
    assert set(BACKEND_TABLE) == set(BACKENDS)
    assert set(SYSTEM_KINDS) == set(SYSTEM_TYPES)
    assert set(TASK_TABLE) == set(TASKS)
    with pytest.raises(ConfigError, match="unknown backend 'onnx'"):
        get_backend("onnx")
    with pytest.raises(ConfigError, match="task must be one of"):
        get_task("poetry")
