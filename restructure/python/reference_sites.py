"""Every place a Python file names a module: imports, patch strings, ASGI strings, ``sys.path`` edits.

Read with the stdlib ``ast`` once per text (the sites of a text do not depend on the tree
it sits in, so a check over two trees reads an unchanged file once). Imports inside
functions and ``try`` blocks count as much as the ones at the top.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from restructure.entrypoints import ASGI_TARGET, DOTTED
from restructure.python import syntax
from restructure.python.scopes import first_line

PATCHERS = {"patch", "setattr", "delattr"}  # mock.patch, mocker.patch, monkeypatch.setattr


@dataclass(frozen=True)
class Site:
    """``kind``: import (``module``), from (``module`` and ``names``, ``level`` dots),
    patch (``module`` is ``pkg.mod.name``), asgi (``pkg.mod:app``), syspath (a directory
    relative to the file's directory that the file puts on ``sys.path``)."""

    kind: str
    line: int
    text: str
    module: str
    names: tuple[str, ...] = ()
    level: int = 0


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def sites(text: str) -> list[Site] | None:
    """The sites of ``text``, None when it does not parse (the file's own problem).

    Most statements can hold nothing but imports: a site that is a call needs the call's
    name in the text (``patch``, ``setattr``, ``delattr``, ``insert``, ``append``) and an
    ASGI string needs a ``:`` between two of its characters, or a backslash (an escape, a
    continued line). A top-level statement whose text has none of those (and is ASCII, so no
    identifier is spelled in another normal form) is walked for its import statements only,
    not through every expression: the same sites, for a fraction of the walk."""
    try:
        tree = syntax.parse(text)
    except (SyntaxError, ValueError):
        return None
    found: list[Site] = []
    plain = text.isascii()
    if plain and not _MAYBE_MORE.search(text):
        _imports_in(tree, found)
    else:
        lines = text.split("\n")
        for node in tree.body:
            segment = "\n".join(lines[first_line(node) - 1 : node.end_lineno])
            if plain and not _MAYBE_MORE.search(segment):
                _imports_in(node, found)
            else:
                _everything_in(node, found)
    return sorted(found, key=lambda s: (s.line, s.kind, s.text))


# what the text of a statement holding a call site or an ASGI string must contain (see sites)
_MAYBE_MORE = re.compile(r"patch|setattr|delattr|insert|append|\\|[\w.\"']:[A-Za-z_\"']")
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_SYS_PATH_CALLS = frozenset({"insert", "append"})
_CALLS = PATCHERS | _SYS_PATH_CALLS


def import_statements(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of ``node`` and of the statements nested in it, at any depth
    (walked through statement blocks only: an import is never inside an expression)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
            continue
        for name in _BLOCKS:
            block = getattr(node, name, None)
            if isinstance(block, list):
                stack.extend(block)
    return found


def _imports_in(node: ast.AST, found: list[Site]) -> None:
    for statement in import_statements(node):
        _site(statement, found)


def _everything_in(node: ast.AST, found: list[Site]) -> None:
    """Every site of ``node``, through every expression."""
    stack = [node]
    while stack:
        node = stack.pop()
        if not _site(node, found):
            continue
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)


def _site(node: ast.AST, found: list[Site]) -> bool:
    """Add the site ``node`` is, if any; False when nothing below it can be one."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            found.append(Site("import", node.lineno, f"import {alias.name}", alias.name))
        return False
    if isinstance(node, ast.ImportFrom):
        names = tuple(a.name for a in node.names if a.name != "*")
        dots = "." * node.level
        written = f"from {dots}{node.module or ''} import {', '.join(a.name for a in node.names)}"
        found.append(Site("from", node.lineno, written, node.module or "", names, node.level))
        return False
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str) and ASGI_TARGET.match(node.value):
            found.append(Site("asgi", node.lineno, node.value, node.value.removesuffix("()")))
        return False
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name not in _CALLS:
            return True
        first = node.args[0] if node.args else None
        if (
            name in PATCHERS
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and DOTTED.match(first.value)
        ):
            found.append(Site("patch", node.lineno, first.value, first.value))
        elif name in _SYS_PATH_CALLS and _is_sys_path(node.func):
            directory = _path_of(node.args[-1]) if node.args else None
            if directory is not None:
                found.append(Site("syspath", node.lineno, ast.unparse(node), directory))
    return True


def _is_sys_path(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "path"
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id == "sys"
    )


def _path_of(node: ast.expr) -> str | None:
    """The directory an expression built from ``__file__`` names, relative to the file's directory.

    ``os.path.dirname(__file__)`` is "", each further ``dirname`` or ``Path(...).parent`` one
    ``..``; ``os.path.join(x, "..")`` and ``x / ".."`` join; ``str()``, ``abspath()``,
    ``realpath()`` and ``.resolve()`` change nothing. Anything else: None (not followed)."""
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in {"str", "abspath", "realpath", "normpath", "resolve", "absolute", "Path"} and node.args:
            return _path_of(node.args[0]) if name != "resolve" else None
        if name in {"resolve", "absolute"} and isinstance(node.func, ast.Attribute):
            return _path_of(node.func.value)
        if name == "dirname" and node.args:
            inner = _path_of(node.args[0])
            return None if inner is None else _up(inner)
        if name == "join" and node.args:
            base = _path_of(node.args[0])
            rest = [a.value for a in node.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if base is None or len(rest) != len(node.args) - 1:
                return None
            return _norm("/".join([base, *rest]))
    if isinstance(node, ast.Name) and node.id == "__file__":
        return "<file>"
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _path_of(node.value)
        return None if inner is None else _up(inner)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
        inner = _path_of(node.value.value)
        index = node.slice.value if isinstance(node.slice, ast.Constant) else None
        if inner is None or not isinstance(index, int):
            return None
        for _ in range(index + 1):
            inner = _up(inner)
        return inner
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        base = _path_of(node.left)
        if base is None or not (isinstance(node.right, ast.Constant) and isinstance(node.right.value, str)):
            return None
        return _norm(f"{base}/{node.right.value}")
    return None


def _up(path: str) -> str:
    if path == "<file>":
        return ""
    return _norm(f"{path}/..")


def _norm(path: str) -> str:
    out: list[str] = []
    for part in path.split("/"):
        if part in {"", "."}:
            continue
        if part == ".." and out and out[-1] != "..":
            out.pop()
        else:
            out.append(part)
    return "/".join(out)
