"""Build a new module from generated lines and statements of modules already parsed.

Split and merge write files made of a generated head (docstring, imports, a
``TYPE_CHECKING`` block) and top-level statements moved unchanged from parsed modules.
Building the new file as a LibCST module instead of joining text means the phase never
parses it again: only the small generated head is parsed, and the statements are the very
nodes of the source, so their comments and formatting are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from restructure.python.import_style import Import, ImportStyle


def separated(node: cst.BaseStatement, blank_lines: int = 2) -> cst.BaseStatement:
    """``node`` with at least ``blank_lines`` empty lines in front (a formatter's gap around
    top-level definitions); a statement that already has them is returned unchanged."""
    lines = node.leading_lines
    have = 0
    while have < len(lines) and lines[have].comment is None and not lines[have].whitespace.value:
        have += 1
    if have >= blank_lines:
        return node
    return node.with_changes(leading_lines=[*(cst.EmptyLine() for _ in range(blank_lines - have)), *lines])


def _without_leading_blank_lines(node: cst.BaseStatement) -> cst.BaseStatement:
    """The statement without the empty lines above it (they separated it from its old neighbour)."""
    lines = list(node.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return node.with_changes(leading_lines=lines)


def is_definition(node: cst.BaseStatement) -> bool:
    """A class or function definition (decorated or not): formatters put two blank lines before it."""
    return isinstance(node, cst.FunctionDef | cst.ClassDef)


def generated_module(
    docstring: str | None,
    imports: Sequence[Import],
    checking: Sequence[Import],
    statements: Sequence[cst.BaseStatement],
    like: cst.Module,
    style: ImportStyle,
    header: str = "",
) -> cst.Module:
    """A new module: the tool's head (``header`` comments, the ``docstring`` statement as
    code, imports sorted and wrapped in the target's style, a ``TYPE_CHECKING`` block) and
    then ``statements``, the source's own nodes.

    Only the blank lines between the head and the first statement are the tool's: as many as
    the target's import sorter wants after an import block (two before a definition, else one).
    """
    head: list[str] = [header] if header else []
    if docstring is not None:
        head.append(docstring if docstring.endswith("\n") else docstring + "\n")
    block = style.render(imports)
    if block:
        head.append("\n" if head else "")
        head.append(block)
    if checking:
        head.append("\n" if head else "")
        head.append("if TYPE_CHECKING:\n" + style.render(checking, indent=style.indent))
    body = list(statements)
    if body:
        first = _without_leading_blank_lines(body[0])
        # a comment block set apart by a blank line counts as a statement of its own
        detached = any(line.comment is None for line in first.leading_lines)
        blank = style.blank_lines_after(is_definition(first) and not detached) if head else 0
        body[0] = first.with_changes(leading_lines=[*(cst.EmptyLine() for _ in range(blank)), *first.leading_lines])
    parsed = cst.parse_module("".join(head))
    return cst.Module(
        body=[*parsed.body, *body],
        header=parsed.header,
        footer=parsed.footer if not body else [],
        encoding=like.encoding,
        default_indent=like.default_indent,
        default_newline=like.default_newline,
        has_trailing_newline=True,
    )
