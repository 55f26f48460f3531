"""Function size limits: no function in ``summarize/`` is over ``MAX_LINES`` lines or has a
cyclomatic complexity over ``MAX_COMPLEXITY``.

Every module is parsed (nothing is imported). Each function, method and nested function
is measured on its own:

* complexity: radon's (``radon.complexity.cc_visit_ast`` on the function alone): 1, plus
  one for each ``if``/``elif``, conditional expression, loop (and its ``else``), ``except``
  (and a ``try``'s ``else``), ``match`` case, ``assert``, comprehension ``for`` and ``if``,
  and each extra operand of ``and``/``or``; a nested function's branches count for itself,
  not for the function around it. Each ``def`` is measured alone because ``cc_visit`` on a
  whole module drops the methods of a class defined inside a function;
* lines: from the ``def`` line to the function's last line, as ``ast`` gives it
  (decorators not counted; a nested function's lines also count for the function around
  it). Radon's own ``endline`` is the line where the last statement *starts*, one or more
  lines short when that statement spans several.

The one exemption is Gradio layout code, listed in ``LONG_ALLOWED`` with its reason; it is
exempt from the line limit only.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from radon.complexity import cc_visit, cc_visit_ast

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "summarize"

MAX_LINES = 80
MAX_COMPLEXITY = 15

#: Functions exempt from ``MAX_LINES`` (not from ``MAX_COMPLEXITY``), by (path relative to
#: the repository, qualified name), with the reason.
LONG_ALLOWED: dict[tuple[str, str], str] = {
    ("summarize/demo/ui.py", "build_demo"): (
        "Gradio layout: one declarative block of components and event wiring that reads "
        "top to bottom like the page; its handlers are nested functions, checked alone"
    ),
}


@dataclass(frozen=True)
class Measured:
    """One function: where it is, its qualified name, its lines and its complexity."""

    path: str
    line: int
    name: str
    lines: int
    complexity: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.name} lines={self.lines} cc={self.complexity}"


def measure(source: str, path: str) -> list[Measured]:
    """Every function of ``source`` (methods and nested functions included), measured."""
    out: list[Measured] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                block = cc_visit_ast(ast.Module(body=[child], type_ignores=[]))[0]
                end = child.end_lineno or child.lineno
                out.append(
                    Measured(path, child.lineno, name, end - child.lineno + 1, block.complexity)
                )
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return out


def over_limits(functions: list[Measured]) -> list[Measured]:
    """The functions over a limit (``LONG_ALLOWED`` exempt from the line limit)."""
    return [
        f
        for f in functions
        if f.complexity > MAX_COMPLEXITY
        or (f.lines > MAX_LINES and (f.path, f.name) not in LONG_ALLOWED)
    ]


def package_functions() -> list[Measured]:
    out: list[Measured] = []
    for p in sorted(PACKAGE.rglob("*.py")):
        out += measure(p.read_text(encoding="utf-8"), p.relative_to(ROOT).as_posix())
    return out


def test_no_function_over_the_limits() -> None:
    functions = package_functions()
    assert len(functions) > 500  # the whole package was read
    over = over_limits(functions)
    assert not over, (
        f"{len(over)} function(s) over {MAX_LINES} lines or complexity {MAX_COMPLEXITY} "
        "(split them into named helpers or table-driven rules):\n" + "\n".join(str(f) for f in over)
    )


def test_allowed_long_functions_exist_and_are_long() -> None:
    """An entry of ``LONG_ALLOWED`` names a function that is still over the line limit
    (a stale entry would exempt whatever takes the name later)."""
    functions = {(f.path, f.name): f for f in package_functions()}
    for key, reason in LONG_ALLOWED.items():
        assert reason
        assert key in functions, f"LONG_ALLOWED names no function: {key}"
        assert functions[key].lines > MAX_LINES, f"no longer over the limit: {key}"


# ----------------------------------------------------------------- the checker itself


def _branches(name: str, n: int) -> str:
    """A function with ``n`` ``if`` statements: complexity ``n + 1``."""
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(n))
    return f"def {name}(x):\n{body}    return -1\n"


def _operands(name: str, n: int) -> str:
    """A function returning ``n`` operands joined by ``and``/``or``: complexity ``n``."""
    ops = [" and ", " or "]
    expr = "a0" + "".join(f"{ops[i % 2]}a{i}" for i in range(1, n))
    return f"def {name}(*a):\n    a0 = a1 = a{n} = 0\n    return {expr}\n"


def _long(name: str, lines: int) -> str:
    """A function of exactly ``lines`` lines."""
    return f"def {name}():\n" + "    x = 1\n" * (lines - 1)


def _by_name(source: str) -> dict[str, Measured]:
    return {f.name: f for f in measure(source, "synthetic.py")}


def test_checker_counts_complexity_at_the_limit() -> None:
    source = _branches("cc15", 14) + _branches("cc16", 15)
    found = _by_name(source)
    assert (found["cc15"].complexity, found["cc16"].complexity) == (15, 16)
    assert [f.name for f in over_limits(list(found.values()))] == ["cc16"]
    # the same figures as radon's own module visitor
    assert {b.name: b.complexity for b in cc_visit(source)} == {"cc15": 15, "cc16": 16}


def test_checker_counts_boolean_operators() -> None:
    found = _by_name(_operands("ops15", 15) + _operands("ops16", 16))
    assert (found["ops15"].complexity, found["ops16"].complexity) == (15, 16)
    assert [f.name for f in over_limits(list(found.values()))] == ["ops16"]


def test_checker_counts_lines_at_the_limit() -> None:
    found = _by_name(_long("len80", 80) + "\n\n" + _long("len81", 81))
    assert (found["len80"].lines, found["len81"].lines) == (80, 81)
    assert [f.name for f in over_limits(list(found.values()))] == ["len81"]


def test_checker_sees_methods_and_nested_functions() -> None:
    source = (
        "class Outer:\n"
        "    def method(self, x):\n"
        + textwrap.indent(_branches("nested", 15), " " * 8)
        + "        return nested(x)\n"
        "\n\n"
        "def factory():\n"
        "    class Local:\n"
        + textwrap.indent(_branches("hidden", 15), " " * 8)
        + "    return Local\n"
    )
    found = _by_name(source)
    assert found["Outer.method.nested"].complexity == 16
    assert found["Outer.method"].complexity == 1  # a nested function's branches are its own
    assert found["factory.Local.hidden"].complexity == 16
    assert {f.name for f in over_limits(list(found.values()))} == {
        "Outer.method.nested",
        "factory.Local.hidden",
    }


def test_allow_list_exempts_lines_only() -> None:
    (path, name), _ = next(iter(LONG_ALLOWED.items()))
    long_ok = Measured(path, 1, name, MAX_LINES + 50, MAX_COMPLEXITY)
    complex_not = Measured(path, 1, name, MAX_LINES + 50, MAX_COMPLEXITY + 1)
    other = Measured(path, 1, name + "_other", MAX_LINES + 1, 1)
    assert over_limits([long_ok, complex_not, other]) == [complex_not, other]
