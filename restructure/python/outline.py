"""A module's outline: its text with the bodies of top-level definitions cut to ``...``.

The routers assembly follows ``include_router`` calls through the modules that define the
routers: it reads their module-level statements only (``APIRouter(...)`` assignments,
aliases, imports, include calls) and, of each function, its decorators and name. Parsing such
a module whole with LibCST costs mostly its function bodies. The outline keeps every
top-level statement (same order, same indexes) and every line of each definition's head
(decorators, comments, signature) as written, and replaces the body of each top-level
``def`` and ``class`` whose body starts on a line of its own by ``...`` at the body's own
indentation. Whatever the outline's parse says about module-level statements, decorators and
names, the whole file's parse says too (:mod:`tests.test_outline` compares them).
"""

from __future__ import annotations

import ast

from restructure.python import syntax
from restructure.python.statement_text import source_lines


def outline(text: str) -> str | None:
    """``text`` with the bodies of its top-level definitions cut to ``...``; None when it does
    not parse, or when ``ast`` and the line split could count lines differently (a lone
    ``\\r``) or there is nothing to cut."""
    if text.count("\r") != text.count("\r\n"):
        return None
    try:
        tree = syntax.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines = source_lines(text)
    out: list[str] = []
    done = 0  # lines of ``text`` already copied or cut
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        if not isinstance(node, kinds) or node.end_lineno is None:
            continue
        first = node.body[0]
        start = first.lineno - 1  # 0-based line where the body starts
        indent = lines[start][: first.col_offset] if start < len(lines) else ""
        if start < done or indent.strip() or len(indent.encode("utf-8")) != first.col_offset:
            continue  # the body shares a line with the head (``def f(): return 1``): kept whole
        out.extend(lines[done:start])
        out.append(f"{indent}...\n")
        done = node.end_lineno
    if not out:
        return None
    out.extend(lines[done:])
    return "".join(out)
