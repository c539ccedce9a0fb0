"""Every parser a phase runs parses each whole file at most once.

The phase's own counter (``python_parses_max_per_file`` in the report) only sees the parse
cache. This test observes the parsers themselves, for every phase of each fixture's plan:
LibCST's ``parse_module``, the stdlib's ``ast.parse`` and the builtin ``compile`` (the
validation of written files). The wrappers count and call the real parser; nothing is
replaced. A text counts as a whole file when it is the content of a Python file of the
repository before or after the phase (statement-sized parts are parsed on purpose and are
not whole files).
"""

from __future__ import annotations

import ast
import builtins
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import libcst
import pytest

from restructure import engine
from restructure.plan import load_plan
from tests.conftest import FIXTURES, MONOREPO, make_git_copy

PLANS = {
    "monorepo": (MONOREPO, None),
    "allotment": (FIXTURES / "allotment", FIXTURES / "allotment" / "restructure-plan.yaml"),
}


def _digest(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _python_texts(repo: Path) -> Counter[str]:
    """Digest -> how many Python files have that content (many ``__init__.py`` are alike)."""
    return Counter(_digest(p.read_bytes()) for p in repo.rglob("*.py") if ".git" not in p.parts)


class Parsers:
    """Counts per parser and text digest, while installed."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {"libcst": Counter(), "ast": Counter(), "compile": Counter()}
        self.inside: list[str] = []  # ``ast.parse`` calls ``compile``: that is one parse, not two

    def wrap(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def counted(source: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(source, str | bytes) and not self.inside:
                self.counts[name][_digest(source)] += 1
            self.inside.append(name)
            try:
                return real(source, *args, **kwargs)
            finally:
                self.inside.pop()

        return counted


@pytest.fixture
def parsers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Parsers]:
    seen = Parsers()
    monkeypatch.setattr(libcst, "parse_module", seen.wrap("libcst", libcst.parse_module))
    monkeypatch.setattr(ast, "parse", seen.wrap("ast", ast.parse))
    monkeypatch.setattr(builtins, "compile", seen.wrap("compile", builtins.compile))
    yield seen


@pytest.mark.parametrize("fixture", sorted(PLANS))
def test_each_parser_parses_each_whole_file_at_most_once_per_phase(
    fixture: str, parsers: Parsers, tmp_path: Path
) -> None:
    source, plan_path = PLANS[fixture]
    repo = make_git_copy(source, tmp_path / fixture)
    plan = load_plan(plan_path)
    parsed_whole = 0
    for number in plan.phases:
        before = _python_texts(repo)
        for counter in parsers.counts.values():
            counter.clear()
        engine.run_phase(repo, number, commit=True, plan=plan, echo=lambda _: None)
        whole = before | _python_texts(repo)  # per digest: the most files with it, before or after
        for name, counter in parsers.counts.items():
            twice = {digest: n for digest, n in counter.items() if digest in whole and n > whole[digest]}
            assert not twice, f"phase {number}: {name} parsed {len(twice)} whole file(s) more than once"
        parsed_whole += sum(1 for d in parsers.counts["libcst"] if d in whole)
    assert parsed_whole > 0, "the plan's splits parse files: the counter must see them"
