"""One LibCST pass over a Python file applying a relocation map to every kind of reference.

Imports (module level and inside functions, which stay where they are), attribute chains
after ``import pkg.mod``, dotted strings (patch targets, app strings) and the prose of
comments and docstrings. The file is parsed once; counts are kept by kind for the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from restructure.python.imports import ImportContext, dotted_expr, rewrite_import, rewrite_import_from
from restructure.python.modules import ModuleLocation
from restructure.python.patch_targets import Ambiguous, find_lines, retarget
from restructure.python.strings import rewrite_dotted_string, string_kind
from restructure.relocation import RelocationMap
from restructure.text.references import TextRewriter


@dataclass
class Ambiguity:
    """A reference the tool leaves for a human, with where it is."""

    path: str
    line: int
    text: str
    reason: str


@dataclass
class RewriteResult:
    code: str
    counts: Counter[str] = field(default_factory=Counter)
    ambiguities: list[Ambiguity] = field(default_factory=list)


class ReferenceRewriter(cst.CSTTransformer):
    def __init__(self, path: str, ctx: ImportContext, text: TextRewriter) -> None:
        super().__init__()
        self.path = path
        self.ctx = ctx
        self.text = text
        self.counts: Counter[str] = Counter()
        self.calls: list[str | None] = []
        self.function_depth = 0
        self.imported_modules: set[str] = set()
        self.ambiguous: list[Ambiguous] = []

    # imports -----------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            if alias.asname is None:
                self.imported_modules.add(get_full_name_for_node(alias.name) or "")
        return False

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        new = rewrite_import(updated_node, self.ctx)
        if new is None:
            return updated_node
        self.counts[self._import_kind("import-absolute")] += 1
        return new

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if not any(isinstance(s, cst.ImportFrom) for s in updated_node.body):
            return updated_node
        lines: list[cst.SimpleStatementLine] = []
        body: list[cst.BaseSmallStatement] = []
        for statement in updated_node.body:
            if not isinstance(statement, cst.ImportFrom):
                body.append(statement)
                continue
            replaced = rewrite_import_from(statement, self.ctx)
            if replaced is None or (len(replaced) == 1 and replaced[0].deep_equals(statement)):
                body.append(statement)  # e.g. ``from .. import main`` when both ends moved alike
                continue
            kind = "import-relative" if statement.relative else "import-absolute"
            if isinstance(statement.names, list | tuple) and any(
                self.ctx.relocation.map_module(f"{self._target(statement)}.{get_full_name_for_node(a.name)}")
                for a in statement.names
            ):
                kind = "import-package-attribute"
            self.counts[self._import_kind(kind)] += 1
            if len(replaced) == 1:
                body.append(replaced[0])
            else:
                body.append(replaced[0])
                lines.extend(cst.SimpleStatementLine(body=[extra]) for extra in replaced[1:])
        first = updated_node.with_changes(body=body)
        if not lines:
            return first
        return cst.FlattenSentinel([first, *lines])

    def _target(self, node: cst.ImportFrom) -> str:
        from restructure.python.imports import absolute_target

        return absolute_target(node, self.ctx) or ""

    def _import_kind(self, kind: str) -> str:
        return f"{kind} (in function)" if self.function_depth else kind

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.function_depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.function_depth -= 1
        return updated_node

    # attribute chains after ``import services.x.app.main`` ---------------------
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        dotted = get_full_name_for_node(updated_node)
        if not dotted or not any(dotted == m or dotted.startswith(m + ".") for m in self.imported_modules):
            return updated_node
        new = self.ctx.relocation.map_module(dotted)
        if new is None or new == dotted:
            return updated_node
        self.counts["attribute-chain"] += 1
        return dotted_expr(new)

    # strings -----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(get_full_name_for_node(node.func))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        self.calls.pop()
        return updated_node

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        try:
            value = updated_node.evaluated_value
        except Exception:
            return updated_node
        if not isinstance(value, str):
            return updated_node
        target = retarget(value, self.ctx.relocation)
        if isinstance(target, Ambiguous):
            self.ambiguous.append(target)
            return updated_node
        new = target if target is not None else rewrite_dotted_string(value, self.ctx.relocation)
        if new is not None:
            self.counts[string_kind(value, self.calls[-1] if self.calls else None)] += 1
            quote = updated_node.quote
            return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{new}{quote}")
        rewritten = self.text.rewrite(updated_node.value, self.path, self.counts, "python-prose")
        return updated_node.with_changes(value=rewritten) if rewritten != updated_node.value else updated_node

    def leave_FormattedStringText(
        self, original_node: cst.FormattedStringText, updated_node: cst.FormattedStringText
    ) -> cst.FormattedStringText:
        rewritten = self.text.rewrite(updated_node.value, self.path, self.counts, "python-prose")
        return updated_node.with_changes(value=rewritten) if rewritten != updated_node.value else updated_node

    def leave_Comment(self, original_node: cst.Comment, updated_node: cst.Comment) -> cst.Comment:
        rewritten = self.text.rewrite(updated_node.value, self.path, self.counts, "python-comment")
        return updated_node.with_changes(value=rewritten) if rewritten != updated_node.value else updated_node


def rewrite_python(
    module: cst.Module,
    old_path: str,
    new_path: str,
    relocation: RelocationMap,
    text: TextRewriter,
) -> RewriteResult:
    """Apply ``relocation`` to an already parsed module that moves from ``old_path`` to ``new_path``."""
    ctx = ImportContext(relocation, ModuleLocation.of(old_path), ModuleLocation.of(new_path))
    rewriter = ReferenceRewriter(new_path, ctx, text)
    new_module = module.visit(rewriter)
    ambiguities = [
        Ambiguity(new_path, line, a.value, f"patch target read by several new modules: {', '.join(a.candidates)}")
        for a in {x.value: x for x in rewriter.ambiguous}.values()
        for line in find_lines(module.code, a.value) or [0]
    ]
    return RewriteResult(new_module.code, rewriter.counts, ambiguities)
