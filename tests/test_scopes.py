"""The fast scope analysis (stdlib ``ast``) agrees with LibCST's on every statement.

``restructure.python.scopes`` replaced LibCST's ``ScopeProvider`` for speed; the oracle in
``tests/scope_oracle.py`` is that old analysis. Both must give, for every top-level
statement, the same line, defined names, runtime uses and hint uses, on every Python file
of both fixtures and on a table of scoping corner cases.
"""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from restructure.python.symbols import analyse
from tests.conftest import ROOT as PROJECT
from tests.scope_oracle import oracle

# ``None`` is a Name to LibCST and a constant to ``ast``; it can never be a module-level name
NOT_NAMES = {"None", "True", "False"}

FIXTURE_FILES = sorted(
    str(p.relative_to(PROJECT)) for p in (PROJECT / "compose-fixtures").rglob("*.py") if "__pycache__" not in p.parts
)

CASES = {
    "local shadows a module name": """
        items = []
        def f():
            items = [1]
            return items
    """,
    "parameter shadows": """
        x = 1
        def f(x):
            return x
    """,
    "global assignment in a function": """
        counter = 0
        def bump():
            global counter
            counter = counter + 1
    """,
    "nonlocal": """
        value = 1
        def outer():
            value = 2
            def inner():
                nonlocal value
                value += 1
                return value
            return inner
    """,
    "class body names are not visible in methods": """
        limit = 10
        class C:
            limit = 5
            bound = limit
            def m(self):
                return limit
    """,
    "comprehension in a class body": """
        rows = [1]
        class C:
            rows = [2]
            doubled = [r * 2 for r in rows]
            pairs = [(r, s) for r in rows for s in rows]
    """,
    "comprehension variables are local": """
        x = 0
        total = sum(x for x in range(3))
        mapping = {k: v for k, v in {}.items()}
    """,
    "lambda defaults and body": """
        default = 1
        f = lambda a=default: a + default
        g = lambda default: default
    """,
    "decorators, defaults and annotations are read outside": """
        from typing import Optional
        def deco(fn):
            return fn
        DEFAULT = 3
        class Model: ...
        @deco
        def f(a: Model = DEFAULT, *args: int, b: "Model | None" = None, **kw: Optional["Model"]) -> "Model":
            Model = None
            return Model
    """,
    "string annotations are hint uses": """
        from typing import TYPE_CHECKING, Literal, Optional, TypeVar, cast
        if TYPE_CHECKING:
            from other import Cohort
        class Base: ...
        class A(Base):
            cohort: "Cohort"
            many: list["Cohort"]
            maybe: Optional["Cohort"]
            kind: Literal["Cohort", "Base"]
        T = TypeVar("T", bound="Base")
        runtime = Optional["Base"]
        casted = cast("Base", None)
        plain = "Base"
    """,
    "attribute heads and calls": """
        import sqlalchemy as sa
        import os.path
        table = sa.Table("t", sa.MetaData())
        here = os.path.dirname(__file__)
    """,
    "builtins and shadowed builtins": """
        def len(x):
            return 0
        a = len([])
        b = print("x")
    """,
    "several statements on one line": """
        a = 1; b = a; c = b + a
        d = c
    """,
    "except, with, for and del": """
        import contextlib
        handler = None
        try:
            pass
        except ValueError as handler:
            pass
        with contextlib.suppress(Exception) as ctx:
            pass
        for i, j in []:
            pass
        del handler
    """,
    "nested functions and classes": """
        settings = {}
        def factory():
            class Local:
                value = settings
                def get(self):
                    return Local, settings
            return Local
    """,
    "async code": """
        import asyncio
        async def main():
            async with asyncio.timeout(1) as t:
                async for item in source():
                    await asyncio.sleep(0)
            return [x async for x in source()]
        async def source():
            yield 1
    """,
    "f-strings": """
        name = "x"
        greeting = f"hello {name!r} {name:>{width}}"
        width = 3
    """,
}

# Python binds these names where LibCST (1.9) does not: pattern captures of ``match`` and a
# walrus inside a comprehension (which binds in the enclosing scope). The expected
# (defines, uses) of the statement at the given line are CPython's.
WHERE_LIBCST_ERRS = {
    "walrus in a comprehension binds outside": (
        """
        data = [1, 2]
        found = [y for x in data if (y := x)]
        again = y
        """,
        {2: (["found", "y"], {"data", "y"}), 3: (["again"], {"y"})},
    ),
    "match captures bind": (
        """
        point = (1, 2)
        match point:
            case (x, *rest):
                y = x
            case {"k": v, **others}:
                y = v
            case Point(x=px) as matched:
                y = matched
        """,
        {2: (["x", "rest", "y", "v", "others", "px", "matched"], {"point", "x", "v", "Point", "matched"})},
    ),
}


def _compare(source: str) -> list[str]:
    module = cst.parse_module(source)
    ours = analyse(module, source).statements
    theirs = oracle(source)
    problems = []
    assert len(ours) == len(theirs)
    for st, (line, defines, uses, hints) in zip(ours, theirs, strict=True):
        if st.kind in {"import", "type-checking"}:
            defines = set(st.defines)  # imports are read from the statements themselves
        hints = (hints - NOT_NAMES) - uses
        if st.kind in {"class", "function"} and st.defines:
            uses = uses - {st.defines[0]}
        got = (st.line, set(st.defines), st.uses, st.hint_uses)
        want = (line, defines, uses, hints)
        if got != want:
            problems.append(f"line {line}: ours {got}, LibCST {want}")
    return problems


@pytest.mark.parametrize("case", sorted(CASES))
def test_corner_case_agrees_with_libcst(case: str) -> None:
    assert _compare(textwrap.dedent(CASES[case]).lstrip()) == []


@pytest.mark.parametrize("case", sorted(WHERE_LIBCST_ERRS))
def test_bindings_libcst_misses(case: str) -> None:
    source, expected = WHERE_LIBCST_ERRS[case]
    statements = analyse(cst.parse_module(textwrap.dedent(source).lstrip())).statements
    got = {st.line: (st.defines, st.uses) for st in statements if st.line in expected}
    assert got == expected


def test_every_fixture_file_agrees_with_libcst() -> None:
    # every fixture's Python files are here (each fixture has a services/ tree of them)
    fixtures = {p.name for p in (PROJECT / "compose-fixtures").iterdir() if (p / "services").is_dir()}
    assert {path.split("/")[1] for path in FIXTURE_FILES} >= fixtures
    problems = {path: found for path in FIXTURE_FILES if (found := _compare((PROJECT / path).read_text()))}
    assert problems == {}


def test_a_multi_statement_line_is_one_statement_with_all_its_names() -> None:
    st = analyse(cst.parse_module("x = 1\na = x; b = a\n")).statements[1]
    assert (st.defines, st.uses) == (["a", "b"], {"x", "a"})
