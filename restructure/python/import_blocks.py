"""Keep an import block sorted when a rewritten module name changes where it sorts.

Rewriting ``services.x.app.schemas`` to ``services.x.schemas`` inside an import changes the
statement's sort key: a block the target's isort had accepted becomes "un-sorted" although
the tool only rewrote references. A careful engineer would move that one line to its place.
The rule here is that narrow: a block of imports (statements on lines of their own in one
body, blank lines between them, no comment on a line of its own) that was exactly in the
target's isort form before the rewrite is put back into that form after it. A statement's
trailing comment (``import models  # noqa: F401``) travels with its statement: such a block
is put back in order by moving whole statements, each keeping its exact text. Any other
block, with a comment on a line of its own, a ``;``, or not sorted to begin with, is left as
the rewrite left it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from restructure.python import syntax
from restructure.python.import_style import Import, ImportStyle

IMPORT_PREFIXES = ("import ", "from ")


@dataclass(frozen=True)
class Block:
    """Lines ``first``..``last`` (1-based, inclusive) holding only these import statements."""

    first: int
    last: int
    indent: str
    imports: tuple[Import, ...]
    # (first line, last line, imports) of each statement; a block with a trailing comment
    # is sorted by moving these whole
    statements: tuple[tuple[int, int, tuple[Import, ...]], ...] = ()
    commented: bool = False


def _imports_of(node: ast.Import | ast.ImportFrom, lines: list[str]) -> list[Import]:
    if isinstance(node, ast.Import):
        return [Import(a.name, alias=a.asname) for a in node.names]
    text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    comma = re.search(r",\s*\)\s*$", text) is not None
    members = tuple((a.name, a.asname) for a in node.names)
    return [Import(node.module or "", node.level, members, trailing_comma=comma)]


def _statement_lists(tree: ast.Module) -> list[list[ast.stmt]]:
    """The module body and every nested body (lazy imports in functions are blocks too).

    Only statements are visited, never expressions: they are most of a tree's nodes."""
    found: list[list[ast.stmt]] = []
    todo: list[list[ast.stmt]] = [tree.body]
    while todo:
        body = todo.pop()
        found.append(body)
        for node in body:
            for name in ("body", "orelse", "finalbody"):
                value = getattr(node, name, None)
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    todo.append(value)
            for handler in getattr(node, "handlers", ()) or ():
                todo.append(handler.body)
            for case in getattr(node, "cases", ()) or ():
                todo.append(case.body)
    return found


def blocks(text: str) -> list[Block]:
    """Runs of import statements in one body with nothing but blank lines between them."""
    try:
        tree = syntax.parse(text)
    except SyntaxError:
        return []
    lines = text.splitlines()
    found: list[Block] = []
    for body in _statement_lists(tree):
        run: list[ast.Import | ast.ImportFrom] = []

        def close(run: list[ast.Import | ast.ImportFrom]) -> None:
            if not run:
                return
            first, last = run[0].lineno, run[-1].end_lineno or run[-1].lineno
            chunk = lines[first - 1 : last]
            indent = chunk[0][: run[0].col_offset]
            if indent.strip() or any(";" in line for line in chunk):
                return
            statements = tuple(
                (node.lineno, node.end_lineno or node.lineno, tuple(_imports_of(node, lines))) for node in run
            )
            imports = tuple(i for *_, found_imports in statements for i in found_imports)
            commented = any("#" in line for line in chunk)  # an import has no string: ``#`` opens a comment
            found.append(Block(first, last, indent, imports, statements, commented))

        previous_end = 0
        for node in body:
            is_import = isinstance(node, ast.Import | ast.ImportFrom)
            if run and (not is_import or any(line.strip() for line in lines[previous_end : node.lineno - 1])):
                close(run)
                run = []
            if is_import:
                run.append(node)  # type: ignore[arg-type]
            previous_end = node.end_lineno or node.lineno
        close(run)
    return sorted(found, key=lambda b: b.first)


def _text(lines: list[str], block: Block) -> str:
    return "\n".join(lines[block.first - 1 : block.last]) + "\n"


def _code(line: str) -> str:
    return line.split("#", 1)[0].rstrip() if "#" in line else line


def _in_order(lines: list[str], block: Block, style: ImportStyle) -> str | None:
    """The block's statements, each with its own text (trailing comment included), in the
    order and grouping ``style``'s sorter gives them; None when the sorter would write some
    statement otherwise (combine two, wrap one, split ``import a, b``)."""
    own: list[tuple[list[str], list[str]]] = []
    for first, last, imports in block.statements:
        if len(imports) != 1:
            return None
        text = lines[first - 1 : last]
        wanted = style.render(imports, block.indent)
        if "\n".join(_code(line) for line in text) + "\n" != wanted:
            return None
        own.append((wanted.splitlines(), text))
    rendered = style.render([imports[0] for *_, imports in block.statements], block.indent).splitlines()
    out: list[str] = []
    at = 0
    while at < len(rendered):
        if not rendered[at].strip():
            out.append(rendered[at])
            at += 1
            continue
        match = next((k for k, (code, _) in enumerate(own) if rendered[at : at + len(code)] == code), None)
        if match is None:
            return None
        code, text = own.pop(match)
        out.extend(text)
        at += len(code)
    return None if own else "\n".join(out) + "\n"


def _sorted_text(lines: list[str], block: Block, style: ImportStyle) -> str | None:
    return _in_order(lines, block, style) if block.commented else style.render(block.imports, block.indent)


def import_lines_changed(old: str, new: str) -> bool:
    """Cheap test before any parse: does a changed line look like part of an import?"""
    old_lines = set(old.splitlines())
    return any(line.lstrip().startswith(IMPORT_PREFIXES) for line in new.splitlines() if line not in old_lines)


def keep_blocks_sorted(old: str, new: str, style: ImportStyle) -> str:
    """``new`` with every import block that was in ``style``'s form in ``old`` put back into it."""
    if "\r" in new or not import_lines_changed(old, new):  # CR line ends: leave the file's bytes alone
        return new
    old_lines = old.splitlines()
    found = blocks(old)
    was_sorted = {b.first for b in found if _sorted_text(old_lines, b, style) == _text(old_lines, b)}
    if not was_sorted:
        return new
    lines = new.splitlines()
    for block in reversed(blocks(new)):
        if block.first not in was_sorted:
            continue
        wanted = _sorted_text(lines, block, style)
        if wanted is not None and wanted != _text(lines, block):
            lines[block.first - 1 : block.last] = wanted.splitlines()
    return "\n".join(lines) + ("\n" if new.endswith("\n") else "")
