"""Paths to a repository file built in code, for the loaders that import a file by its path.

A test that loads the app by path (``spec_from_file_location("main", ROOT / "services" /
"x" / "app" / "main.py")``, ``SourceFileLoader``, ``imp.load_source``, ``runpy.run_path``)
names ``app/main.py`` in pieces: no single token holds the old path, so neither the import
rewriter nor the text rewriter sees it. This module evaluates such a location statically
(``__file__``, ``Path(...)``, ``.parent``, ``.parents[n]``, ``.resolve()``, ``/``,
``joinpath``, ``os.path.join/dirname/abspath``, and module-level names bound once to such an
expression) to the repository path it names, and rewrites the trailing run of string
literals so it names where that file went, from where the code now sits. Only literal tokens
change: the base (``Path(__file__).parent``, ``ROOT``) is kept, leading literals that still
match are kept, and the quote style of the literals is kept.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# loader -> index of its location argument, and its keyword
LOADERS = {
    "spec_from_file_location": (1, "location"),
    "SourceFileLoader": (1, "path"),
    "load_source": (1, "pathname"),
    "run_path": (0, "path_name"),
}
_PATH_CALLS = {"Path", "PurePath", "PosixPath", "str", "fspath", "abspath", "realpath", "normpath"}


@dataclass(frozen=True)
class LoaderPath:
    line: int
    text: str  # the location expression as written
    target: str  # the repository path it names (normalized, relative to the repository root)
    literals: tuple[ast.Constant, ...]  # the trailing run of string literals, in order
    separator: str  # the source between two operands of that run (" / " or ", ")
    anchor: str | None  # the repository path the literals are joined to


@lru_cache(maxsize=64)
def _tree(text: str) -> ast.Module | None:
    """One parse of a text for :func:`find` and :func:`anchored` (a rewrite reads both, of the
    old and the new text); not mutated by either."""
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


@lru_cache(maxsize=16384)
def mentions_loader(text: str) -> bool:
    """Whether ``text`` names a loader at all; once per text (every phase asks it of every
    Python file, and most files are the same text from phase to phase)."""
    return any(name in text for name in LOADERS)


def find(text: str, path: str) -> list[LoaderPath]:
    """Every loader call of ``text`` (the file at ``path``) whose location evaluates to a path
    inside the repository, in source order."""
    tree = _tree(text) if mentions_loader(text) else None
    if tree is None:
        return []
    names = _module_names(tree)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        loader = _called(node.func)
        if loader not in LOADERS:
            continue
        location = _argument(node, *LOADERS[loader])
        seen: set[str] = set()
        while isinstance(location, ast.Name) and location.id in names and location.id not in seen:
            seen.add(location.id)
            location = names[location.id]
        if location is None:
            continue
        target = _evaluate(location, path, names)
        if target is None:
            continue
        literals, separator, base = _tail(location, text)
        anchor = _evaluate(base, path, names) if base is not None else None
        source = ast.get_source_segment(text, location) or ""
        out.append(LoaderPath(location.lineno, source, target, literals, separator, anchor))
    return sorted(out, key=lambda p: (p.line, p.text))


def anchored(text: str, path: str) -> list[LoaderPath]:
    """Module-level names bound to a path built from ``__file__`` with literal components
    (``COMMITTED = os.path.join(os.path.dirname(__file__), "..", "..", "openapi.json")``): a
    file that moves one level up would name another file with the same ``".."``s."""
    tree = _tree(text) if mentions_file_anchor(text) else None
    if tree is None:
        return []
    names = _module_names(tree)
    out = []
    for stmt in tree.body:
        value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if value is None or not any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(value)):
            continue
        target = _evaluate(value, path, names)
        literals, separator, base = _tail(value, text)
        if target is None or not literals or base is None:
            continue
        anchor = _evaluate(base, path, names)
        source = ast.get_source_segment(text, value) or ""
        out.append(LoaderPath(value.lineno, source, target, literals, separator, anchor))
    return out


def mentions_file_anchor(text: str) -> bool:
    return "__file__" in text


def rewrite(original: str, origin: str, text: str, path: str, moved: Callable[[str], str | None]) -> tuple[str, int]:
    """``text`` (the file now at ``path``; it was ``original`` at ``origin``) with each loader
    path, and each module-level path built from ``__file__``, naming where its file is now
    (``moved``: new path of a repository path, or None), and the number of locations
    rewritten. A location that cannot be matched or rewritten by its literals alone is left
    as it is (the reference gate then names a loader's)."""
    pairs: list[tuple[LoaderPath, LoaderPath]] = []
    seen: set[tuple[int | None, int | None]] = set()  # a name a loader reads is edited once
    for finder in (find, anchored):
        before, after = finder(original, origin), finder(text, path)
        if len(before) != len(after):
            continue
        for old, new in zip(before, after, strict=True):
            first = (new.literals[0].lineno, new.literals[0].col_offset) if new.literals else (None, None)
            if first not in seen:
                seen.add(first)
                pairs.append((old, new))
    if not pairs:
        return text, 0
    edits: list[tuple[int, int, str]] = []
    for old, new in pairs:
        wanted = moved(old.target) or old.target
        if new.target == wanted or not new.literals:
            continue
        edit = _literal_edit(text, path, new, wanted)
        if edit is not None:
            edits.append(edit)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, len(edits)


def _literal_edit(text: str, path: str, site: LoaderPath, wanted: str) -> tuple[int, int, str] | None:
    values = [c.value for c in site.literals]
    if site.anchor is None:
        return None
    relative = posixpath.relpath(wanted or ".", site.anchor or ".")
    parts = relative.split("/")
    one_per_literal = all("/" not in v for v in values)
    kept = 0
    if one_per_literal:
        while kept < len(values) and kept < len(parts) and values[kept] == parts[kept]:
            kept += 1
    rest = parts[kept:] if one_per_literal else parts
    first = site.literals[kept] if kept < len(site.literals) else None
    quote = _quote(text, first if first is not None else site.literals[-1])
    pieces = [f"{quote}{p}{quote}" for p in rest] if one_per_literal else [f"{quote}{relative}{quote}"]
    if first is None:  # every literal kept: the new components follow the last one
        end = _offset(text, site.literals[-1].end_lineno, site.literals[-1].end_col_offset)
        return end, end, "".join(site.separator + p for p in pieces)
    start = _offset(text, first.lineno, first.col_offset)
    end = _offset(text, site.literals[-1].end_lineno, site.literals[-1].end_col_offset)
    if not pieces:  # fewer components: drop the literals and the separator before them
        if kept == 0:
            return None
        previous = site.literals[kept - 1]
        start = _offset(text, previous.end_lineno, previous.end_col_offset)
        return start, end, ""
    return start, end, site.separator.join(pieces)


def _quote(text: str, literal: ast.Constant) -> str:
    start = _offset(text, literal.lineno, literal.col_offset)
    for index in range(start, min(start + 4, len(text))):
        if text[index] in "\"'":
            return text[index]
    return '"'


def _offset(text: str, line: int | None, column: int | None) -> int:
    """A character offset from ast's (1-based line, UTF-8 byte column)."""
    assert line is not None and column is not None
    lines = text.splitlines(keepends=True)
    before = sum(len(x) for x in lines[: line - 1])
    return before + len(lines[line - 1].encode("utf-8")[:column].decode("utf-8", errors="ignore"))


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[index] if len(call.args) > index else None


def _module_names(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level names bound exactly once, by a plain assignment."""
    bound: dict[str, list[ast.expr]] = {}
    for stmt in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        for target in targets:
            if isinstance(target, ast.Name) and value is not None:
                bound.setdefault(target.id, []).append(value)
    return {name: values[0] for name, values in bound.items() if len(values) == 1}


def _evaluate(node: ast.expr, path: str, names: dict[str, ast.expr], depth: int = 0) -> str | None:
    """The repository path ``node`` evaluates to in the file at ``path``; None when unknown or
    outside the repository. ``""`` is the repository root."""
    if depth > 20:
        return None
    again = lambda n: _evaluate(n, path, names, depth + 1)  # noqa: E731
    if isinstance(node, ast.Name):
        if node.id == "__file__":
            return path
        return again(names[node.id]) if node.id in names else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        return _up(again(node.value), 1)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        index = node.slice
        if isinstance(index, ast.Constant) and isinstance(index.value, int):
            return _up(again(node.value.value), index.value + 1)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        right = node.right
        if isinstance(right, ast.Constant) and isinstance(right.value, str):
            return _join(again(node.left), [right.value])
        return None
    if isinstance(node, ast.Call):
        name = _called(node.func)
        if isinstance(node.func, ast.Attribute) and name in {"resolve", "absolute"} and not node.args:
            return again(node.func.value)
        if isinstance(node.func, ast.Attribute) and name == "joinpath":
            return _join(again(node.func.value), _strings(node.args))
        if name == "dirname" and len(node.args) == 1:
            return _up(again(node.args[0]), 1)
        if name == "join" and node.args:
            return _join(again(node.args[0]), _strings(node.args[1:]))
        if name in _PATH_CALLS and len(node.args) == 1:
            return again(node.args[0])
    return None


def _strings(nodes: list[ast.expr]) -> list[str] | None:
    out = []
    for node in nodes:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        out.append(node.value)
    return out


def _up(path: str | None, levels: int) -> str | None:
    if path is None:
        return None
    parts = [p for p in path.split("/") if p]
    if levels > len(parts):
        return None
    return "/".join(parts[: len(parts) - levels])


def _join(base: str | None, parts: list[str] | None) -> str | None:
    if base is None or parts is None:
        return None
    out = [p for p in base.split("/") if p]
    for part in "/".join(parts).split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


def _tail(node: ast.expr, text: str) -> tuple[tuple[ast.Constant, ...], str, ast.expr | None]:
    """The trailing run of string literals joined onto a base, the text between two of its
    operands, and the base they are joined to (None when the run is not joined to one)."""
    literals: list[ast.Constant] = []
    separator = " / "
    base: ast.expr | None = None
    if isinstance(node, ast.BinOp):
        current: ast.expr = node
        while (
            isinstance(current, ast.BinOp)
            and isinstance(current.op, ast.Div)
            and isinstance(current.right, ast.Constant)
            and isinstance(current.right.value, str)
        ):
            literals.insert(0, current.right)
            current = current.left
        separator = _between(text, current, literals[0]) if literals else separator
        base = current
    elif isinstance(node, ast.Call) and _called(node.func) in {"join", "joinpath"} and node.args:
        joinpath = _called(node.func) == "joinpath" and isinstance(node.func, ast.Attribute)
        args = node.args if joinpath else node.args[1:]
        if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
            literals = [a for a in args if isinstance(a, ast.Constant)]
            base = node.func.value if joinpath and isinstance(node.func, ast.Attribute) else node.args[0]
            before = node.args[0] if not joinpath else None
            separator = _between(text, before, literals[0]) if before is not None and literals else ", "
    elif isinstance(node, ast.Call) and _called(node.func) in _PATH_CALLS and len(node.args) == 1:
        return _tail(node.args[0], text)
    return tuple(literals), separator, base


def _between(text: str, left: ast.expr, right: ast.expr) -> str:
    start = _offset(text, left.end_lineno, left.end_col_offset)
    end = _offset(text, right.lineno, right.col_offset)
    between = text[start:end]
    return between if "\n" not in between and between.strip() in {"/", ","} else (" / " if "/" in between else ", ")
