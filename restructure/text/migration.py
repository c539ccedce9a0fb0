"""Recognise a migration document: a copy of the plan (or any note of the moves) in the repository.

A team often commits the restructuring plan itself (``docs/RESTRUCTURING_PLAN.md``) or a
migration guide next to the code. Such a document names the old paths on purpose: "move
``app/main.py`` -> ``main.py``", "the current state: ``services/<svc>/app/main.py``".
Rewriting it would make its pairs read "``main.py`` -> ``main.py``" and its description of
the current state describe nothing; reporting every old path in it as a leftover would
bury the report. So the reference pass and the leftover scan leave it alone, and the
phase report says so once.

The rule: a document (Markdown, reStructuredText, plain text) is a migration document when
at least :data:`MIN_PAIR_LINES` of its lines each name both ends of one relocation (the
old path or module and, elsewhere on the same line, the new one) and those lines name at
least :data:`MIN_RELOCATIONS` different relocations. One such line is a note about a move
(the prose rule of :mod:`restructure.text.references` keeps it); several, about several
moves, make a document about the migration. The relocations are those of the phase (full
paths, dotted modules, service-relative and ``services/<svc>/`` template forms) and those
of every move, split and merge step of the whole plan, so a plan copy is recognised in
every phase, whatever the phase moves. An end is recognised as a whole path, as the tail
of a longer one (``services/<svc>/app/main.py`` names ``app/main.py``) or, for a bare word
(``tests``, ``main``), only as a quoted or path-tail token, never as a word of prose.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from restructure.plan import Plan
from restructure.relocation import RelocationMap, module_of

MIN_PAIR_LINES = 3
MIN_RELOCATIONS = 2
DOCUMENT_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".adoc")


@dataclass(frozen=True)
class Finding:
    """Why a document is taken for a migration document: how many lines name a pair, and one."""

    lines: int
    relocations: int
    example: str  # "`app/main.py` -> `main.py`"

    def note(self, path: str) -> str:
        return (
            f"{path}: left as it is: a migration document (a copy of the plan or notes on the moves): "
            f"{self.lines} of its lines name both the old and the new end of {self.relocations} relocations "
            f"(e.g. {self.example}); update it by hand if it should describe the new layout"
        )


def is_document(path: str) -> bool:
    return path.lower().endswith(DOCUMENT_SUFFIXES)


def relocation_pairs(relocation: RelocationMap, plan: Plan | None) -> set[tuple[str, str]]:
    """(old, new) of every relocation the phase knows and of every move, split and merge of the plan."""
    pairs: set[tuple[str, str]] = set()
    pairs |= set(relocation.paths.items()) | set(relocation.dir_paths.items())
    pairs |= set(relocation.modules.items()) | set(relocation.packages.items())
    pairs |= {(old.lstrip("/."), new.lstrip("/.")) for old, new in relocation.placeholders.items()}
    pairs |= {(f.old, f.new) for f in relocation.relative if not f.old.startswith("%(")}
    if plan is not None:
        for phase in plan.phases.values():
            for step in phase.steps:
                pairs |= set(_step_pairs(step.op, step.args))
    cleaned = {(old.strip("/"), new.strip("/")) for old, new in pairs}
    return {(old, new) for old, new in cleaned if old and new and old != new}


def _step_pairs(op: str, args: dict[str, object]) -> Iterable[tuple[str, str]]:
    if op == "move":
        sources, target = [str(args["from"])], str(args["to"])
    elif op in {"split", "extract-schemas"}:
        sources, target = [str(args["module"])], str(args["into"])
    elif op == "merge":
        sources, target = [str(m) for m in args["modules"]], str(args["into"])  # type: ignore[attr-defined]
    else:
        return []
    out = []
    for source in sources:
        out.append((source, target))
        old, new = module_of(source), module_of(target) or module_of(target.rstrip("/") + "/__init__.py")
        if old and new:
            out.append((old, new))
    return out


def find_migration_document(text: str, pairs: set[tuple[str, str]]) -> Finding | None:
    """A :class:`Finding` when ``text`` names enough relocations as pairs (see the module docstring)."""
    present = sorted((old, new) for old, new in pairs if old in text and _tail(new) in text)
    if not present:
        return None
    on_lines = _pairs_by_line(text, present)
    named: dict[str, tuple[str, str]] = {}  # relocation -> the first pair that names it
    for index in sorted(on_lines):
        for old, new in on_lines[index]:
            named.setdefault(_key(old), (old, new))
    lines = len(on_lines)
    if lines < MIN_PAIR_LINES or len(named) < MIN_RELOCATIONS:
        return None
    old, new = next((pair for pair in named.values() if "/" in pair[0]), next(iter(named.values())))
    return Finding(lines, len(named), f"`{old}` -> `{new}`")


def _pairs_by_line(text: str, present: list[tuple[str, str]]) -> dict[int, list[tuple[str, str]]]:
    """Line index (of ``text.splitlines()``) -> the pairs of ``present`` that line names, in
    ``present``'s order."""
    found: dict[int, list[tuple[str, str]]] = {}
    for pair in present:
        for index in _pair_lines(text, *pair):
            found.setdefault(index, []).append(pair)
    return found


@functools.lru_cache(maxsize=1 << 14)
def _pair_lines(text: str, old: str, new: str) -> tuple[int, ...]:
    """The indexes of the lines of ``text.splitlines()`` that name the pair. The old end is
    looked up where it occurs in the text, not on every line (a plan copy has hundreds of
    lines and the plan a hundred pairs; the old end holds no line break, so each occurrence
    lies on one line). Cached: every phase asks about the plan's pairs in the same documents."""
    plain, ends = _lines(text)
    tail = _tail(new)
    found: list[int] = []
    position = text.find(old)
    while position != -1:
        index = bisect.bisect_right(ends, position)
        line = plain[index]
        if tail in line and _names_pair(line, old, new):
            found.append(index)
        position = text.find(old, ends[index])  # the next line holding it
    return tuple(found)


@functools.lru_cache(maxsize=64)
def _lines(text: str) -> tuple[list[str], list[int]]:
    """``text.splitlines()`` and the offset in ``text`` where each of those lines ends."""
    return text.splitlines(), list(accumulate(len(line) for line in text.splitlines(keepends=True)))


def _tail(form: str) -> str:
    """The last word of a path or dotted name: a cheap test before the line scan."""
    return form.rsplit("/", 1)[-1].removesuffix(".py").rsplit(".", 1)[-1]


def _key(old: str) -> str:
    """One relocation whatever its spelling, named by the last two parts of its old end:
    ``services/x/app/main.py``, ``app/main.py`` and ``app.main`` are the same move."""
    return ".".join(old.removesuffix(".py").replace("/", ".").split(".")[-2:])


@functools.cache
def _pattern(form: str) -> re.Pattern[str]:
    """``form`` as a whole token or as the tail of a longer path or dotted name."""
    if "/" in form or "." in form:
        return re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])")
    return re.compile(rf"(?<=[/.`'\"]){re.escape(form)}(?![\w-])")


@functools.lru_cache(maxsize=1 << 16)
def _names_pair(line: str, old: str, new: str) -> bool:
    """Does ``line`` name ``old`` and, apart from it, ``new``? Cached: every phase scans the
    same documents for pairs most of which the plan gives every phase."""
    olds = [m.span() for m in _pattern(old).finditer(line)]
    if not olds:
        return False
    return any(
        all(end <= start_old or start >= end_old for start_old, end_old in olds)
        for start, end in (m.span() for m in _pattern(new).finditer(line))
    )
