"""A module's top-level statements as text cut from its source, not generated again.

A split or a merge writes the source's own statements into new modules. LibCST can give
each one's text back (``Module.code``), but it does so by walking the whole tree again: as
much work as a good part of the parse. The texts are already in the source, byte for byte,
and a statement's place is known from CPython's own parse of the same text (``ast`` line
numbers, shared with every other step through :mod:`restructure.python.syntax`).

So :func:`source_statements` cuts the source at the statements' boundaries (each one's first
line, less its leading comment and blank lines) and checks every cut: the header, each
statement's leading lines and the footer must be what LibCST generates for them. A module
whose cuts do not check out (or whose line ends ``ast`` and LibCST count differently: a lone
``\\r``) gets no texts, and :func:`module_code` generates everything as LibCST would.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState

from restructure.python import syntax
from restructure.python.scopes import first_line
from restructure.python.symbols import ast_statement_count


def source_lines(source: str) -> list[str]:
    """The lines of ``source`` with their ``\\n`` (a lone ``\\r`` stays inside its line)."""
    pieces = source.split("\n")
    return [piece + "\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


def last_line(node: ast.stmt) -> int:
    """Where a statement ends (``ast`` gives no end for a few synthetic nodes: its start)."""
    return node.end_lineno or node.lineno


def statement_spans(module: cst.Module, source: str) -> list[tuple[int, int]] | None:
    """First and last line (``ast``'s, decorators included) of each LibCST top-level statement;
    None when the two parsers do not line up."""
    try:
        tree = syntax.parse(source)
    except SyntaxError:
        return None
    spans: list[tuple[int, int]] = []
    position = 0
    for node in module.body:
        count = ast_statement_count(node)
        parts = tree.body[position : position + count]
        position += count
        if not parts:
            return None
        spans.append((first_line(parts[0]), last_line(parts[-1])))
    return spans if position == len(tree.body) else None


def _code(module: cst.Module, nodes: Sequence[cst.CSTNode]) -> str:
    """LibCST's text of ``nodes`` one after the other, in ``module``'s indentation and newline."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    for node in nodes:
        node._codegen(state)
    return "".join(state.tokens)


def _anchor(node: cst.BaseStatement) -> int:
    """The id of a part that a copy with other leading lines shares (``with_changes`` keeps it)."""
    return id(getattr(node, "body", None) or getattr(node, "cases", None) or node)


@functools.cache
def _other_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.name != "leading_lines")


@dataclass(frozen=True)
class SourceStatements:
    """The source text of each top-level statement of ``module``, keyed by :func:`_anchor`."""

    module: cst.Module
    texts: dict[int, tuple[cst.BaseStatement, str, int]]  # anchor -> (statement, text, length of its leading lines)

    def text_of(self, node: cst.BaseStatement, into: cst.Module) -> str | None:
        """``node``'s text in ``into``: the source's own when ``node`` is one of the source's
        statements, or one with only other leading lines (those are generated); else None."""
        if into.default_indent != self.module.default_indent or into.default_newline != self.module.default_newline:
            return None
        known = self.texts.get(_anchor(node))
        if known is None:
            return None
        original, text, leading = known
        if node is original:
            return text
        if type(node) is not type(original):
            return None
        if any(getattr(node, name) is not getattr(original, name) for name in _other_fields(type(node))):
            return None
        return _code(into, node.leading_lines) + text[leading:]


def source_statements(module: cst.Module, source: str) -> SourceStatements | None:
    """The statements of ``module`` (parsed from ``source``) as cut from ``source``; None when
    a cut does not check out."""
    if not module.body or not source.endswith("\n") or source.count("\r") != source.count("\r\n"):
        return None
    spans = statement_spans(module, source)
    if spans is None:
        return None
    lines = source_lines(source)
    starts = [first - 1 - len(node.leading_lines) for (first, _), node in zip(spans, module.body, strict=True)]
    ends = [*starts[1:], len(lines) - len(module.footer)]
    if starts[0] < 0 or any(end <= start for start, end in zip(starts, ends, strict=True)):
        return None
    if _code(module, module.header) != "".join(lines[: starts[0]]):
        return None
    if _code(module, module.footer) != "".join(lines[ends[-1] :]):
        return None
    texts: dict[int, tuple[cst.BaseStatement, str, int]] = {}
    for node, start, end in zip(module.body, starts, ends, strict=True):
        leading = _code(module, node.leading_lines)
        text = "".join(lines[start:end])
        if not text.startswith(leading) or leading.count("\n") != len(node.leading_lines):
            return None
        texts[_anchor(node)] = (node, text, len(leading))
    return SourceStatements(module, texts)


class BodiesCut(Exception):
    """A function or class whose body was cut from the parse (:meth:`ParsedFiles.bodies_cut`)
    would have to be generated from its nodes: the step needs the whole parse."""


def module_code(module: cst.Module, known: SourceStatements | None, bodies_cut: bool = False) -> str:
    """``module.code``, with the text of each statement ``known`` has cut from the source.

    ``bodies_cut``: the source's functions and classes were parsed with their bodies cut, so
    each must come from ``known``; raises :class:`BodiesCut` when one would not."""
    if known is None or not module.has_trailing_newline:
        if bodies_cut:
            raise BodiesCut("the statements' texts could not be cut from the source")
        return module.code
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    for line in module.header:
        line._codegen(state)
    for node in module.body:
        text = known.text_of(node, module)
        if text is None:
            if bodies_cut and isinstance(node, cst.FunctionDef | cst.ClassDef):
                raise BodiesCut(f"{node.name.value} would be generated from its nodes")
            node._codegen(state)
        else:
            state.add_token(text)
    for line in module.footer:
        line._codegen(state)
    if not state.tokens:
        state.add_token(state.default_newline)
    return "".join(state.tokens)
