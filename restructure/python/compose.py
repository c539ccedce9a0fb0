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


def starts_with_blank_line(node: cst.BaseStatement) -> bool:
    """True when the statement's code (leading lines included) begins with an empty line."""
    lines = node.leading_lines
    return bool(lines) and lines[0].comment is None and not lines[0].whitespace.value


def separated(node: cst.BaseStatement, blank_lines: int = 2) -> cst.BaseStatement:
    """``node`` with ``blank_lines`` empty lines in front, unless it already starts with one."""
    if starts_with_blank_line(node):
        return node
    return node.with_changes(leading_lines=[*(cst.EmptyLine() for _ in range(blank_lines)), *node.leading_lines])


def module_from(head: str, statements: Sequence[cst.BaseStatement], like: cst.Module) -> cst.Module:
    """A module whose code is ``head`` followed by ``statements``, indented like ``like``."""
    parsed = cst.parse_module(head)
    body = list(statements)
    if body and parsed.footer:  # the head's trailing blank lines lead the first statement
        body[0] = body[0].with_changes(leading_lines=[*parsed.footer, *body[0].leading_lines])
    return cst.Module(
        body=[*parsed.body, *body],
        header=parsed.header,
        footer=[] if body else parsed.footer,
        encoding=like.encoding,
        default_indent=like.default_indent,
        default_newline=like.default_newline,
        has_trailing_newline=True,
    )
