"""One LibCST pass over a Python file applying a relocation map to every kind of reference.

Imports (module level and inside functions, which stay where they are), attribute chains
after ``import pkg.mod``, dotted strings (patch targets, app strings) and the prose of
comments and docstrings. The file is parsed once; counts are kept by kind for the report.

Only the top-level statements that can hold a reference are visited: those whose lines
mention one of the relocation's needles or an ``import``. Finding them costs a stdlib
``ast`` parse (a fraction of a LibCST one); transforming every node of a large module
costs more than parsing it. A file no earlier step of the phase parsed is not parsed whole
at all: each such statement is parsed by LibCST on its own and put back in place
(:func:`rewrite_python_source`). A file parsed whole gets new text only for the statements
that changed (:func:`_spliced`), not a code generation of the whole module. A file where
nothing changed keeps its text as it was.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from restructure.python import syntax
from restructure.python.imports import ImportContext, dotted_expr, left_alone, rewrite_import, rewrite_import_from
from restructure.python.modules import ModuleLocation
from restructure.python.patch_targets import Ambiguous, find_lines, from_evidence, retarget
from restructure.python.reference_sites import import_statements
from restructure.python.scopes import first_line
from restructure.python.statement_text import last_line, source_lines, statement_spans
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
    fragments: int = 0  # parts of the file parsed on their own


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
        self.functions: list[cst.FunctionDef] = []
        self.bare_strings = 0  # inside a string that is a statement of its own (a docstring)
        self.class_depth = 0

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
        self.functions.append(node)  # the test a patch string is in: evidence for an ambiguous one

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.function_depth -= 1
        self.functions.pop()
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.class_depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.class_depth -= 1
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
            site = from_evidence(target, self.functions[-1] if self.functions else None, self.ctx.relocation)
            if site is None:
                self.ambiguous.append(target)
                return updated_node
            target = target.resolved(site)
            self.counts["patch-target (settled by the test's calls)"] += 1
            quote = updated_node.quote
            return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{target}{quote}")
        new = target if target is not None else rewrite_dotted_string(value, self.ctx.relocation)
        if new is not None:
            self.counts[string_kind(value, self.calls[-1] if self.calls else None)] += 1
            quote = updated_node.quote
            return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{new}{quote}")
        prose = self.bare_strings > 0  # a docstring (or a string standing as a comment), not data
        if prose and (self.class_depth or self.function_depth):
            # a class's or function's ``__doc__`` reaches the app: a model's schema description,
            # a route's OpenAPI description. Only module docstrings and comments are prose to edit.
            return updated_node
        rewritten = self._data_or_prose(updated_node.value, prose)
        return updated_node.with_changes(value=rewritten) if rewritten != updated_node.value else updated_node

    def _data_or_prose(self, text: str, prose: bool) -> str:
        """``text`` with its path mentions rewritten, except in a sentence that is data: a
        string value with words in it whose only changes would be bare file names (``"see
        scoring.py"`` in a ``Field(description=...)`` reaches the OpenAPI document; a path
        with a directory in a command string is a real reference and is rewritten)."""
        counts: Counter[str] = Counter()
        rewritten = self.text.rewrite(text, self.path, counts, "python-prose", prose=prose)
        if rewritten != text and not prose and re.search(r"\s", text):
            before, after = text.split(), rewritten.split()
            changed = [old for old, new in zip(before, after, strict=False) if old != new]
            bare = all(_BARE_FILE.match(old.strip("()[],;:'\"`")) for old in changed)
            if len(before) == len(after) and changed and bare:
                return text
        self.counts.update(counts)
        return rewritten

    def visit_Expr(self, node: cst.Expr) -> None:
        self.bare_strings += isinstance(node.value, cst.SimpleString | cst.ConcatenatedString)

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.Expr:
        self.bare_strings -= isinstance(original_node.value, cst.SimpleString | cst.ConcatenatedString)
        return updated_node

    def leave_FormattedStringText(
        self, original_node: cst.FormattedStringText, updated_node: cst.FormattedStringText
    ) -> cst.FormattedStringText:
        rewritten = self._data_or_prose(updated_node.value, prose=False)
        return updated_node.with_changes(value=rewritten) if rewritten != updated_node.value else updated_node

    def leave_Comment(self, original_node: cst.Comment, updated_node: cst.Comment) -> cst.Comment:
        rewritten = self.text.rewrite(updated_node.value, self.path, self.counts, "python-comment")
        return updated_node.with_changes(value=rewritten) if rewritten != updated_node.value else updated_node


IMPORT_WORD = re.compile(r"\bimport\b")
_BARE_FILE = re.compile(r"^[\w-]+\.[A-Za-z]\w*$")  # ``scoring.py``: a file name without a directory


def _hit_lines(source: str, needles: Iterable[str]) -> list[int]:
    """Sorted 1-based numbers of the lines that mention a needle or the word ``import``."""
    starts = [0]
    position = source.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = source.find("\n", position + 1)
    offsets = {m.start() for m in IMPORT_WORD.finditer(source)}
    for needle in needles:
        position = source.find(needle)
        while position != -1:
            offsets.add(position)
            position = source.find(needle, position + 1)
    return sorted({bisect.bisect_right(starts, offset) for offset in offsets})


def _relevant_statements(spans: list[tuple[int, int]] | None, hits: list[int]) -> set[int] | None:
    """Indexes of the top-level statements (their ``spans``) whose lines, or the comment lines
    around them, hold one of the ``hits``.

    None when the statements cannot be lined up with ``ast`` (then every statement is visited).
    """
    if not hits:
        return set()
    if spans is None:
        return None
    marked: set[int] = set()
    starts = [s for s, _ in spans]
    for line in hits:
        index = bisect.bisect_right(starts, line) - 1
        if index < 0:  # module header comments; the first statement's leading lines too
            marked.add(0)
        elif line <= spans[index][1]:
            marked.add(index)
        else:  # a comment between statements: a block's footer or the next one's leading lines
            marked.update(i for i in (index, index + 1) if i < len(spans))
    return marked


def _spliced(
    module: cst.Module,
    source: str,
    changed: dict[int, cst.BaseStatement],
    spans: list[tuple[int, int]] | None = None,
) -> str | None:
    """``source`` with each changed top-level statement's text replaced by its new code, the
    rest of the file untouched: the same text as generating the whole new module, for the
    cost of the statements that changed. Each old statement's place is taken from ``ast``
    (its first line, less its leading comment and blank lines) and its text checked against
    LibCST's code for it; None when any check fails (the caller generates the whole module).
    ``spans``: :func:`~restructure.python.statement_text.statement_spans` of the module when the caller has them."""
    spans = spans if spans is not None else statement_spans(module, source)
    if spans is None:
        return None
    lines = source_lines(source)
    out: list[str] = []
    done = 0  # lines of ``source`` already copied or replaced
    for index in sorted(changed):
        old = module.body[index]
        start = spans[index][0] - len(old.leading_lines) - 1  # 0-based first line of its text
        old_code = module.code_for_node(old)
        count = old_code.count("\n") + (0 if old_code.endswith("\n") else 1)
        if start < done or "".join(lines[start : start + count]) != old_code:
            return None
        out.append("".join(lines[done:start]))
        out.append(module.code_for_node(changed[index]))
        done = start + count
    out.append("".join(lines[done:]))
    return "".join(out)


def _visit_statements(module: cst.Module, rewriter: ReferenceRewriter, marked: set[int]) -> cst.Module:
    body: list[cst.BaseStatement] = []
    for index, node in enumerate(module.body):
        if index not in marked:
            body.append(node)
            continue
        new = node.visit(rewriter)
        if isinstance(new, cst.FlattenSentinel):
            body.extend(new.nodes)
        elif not isinstance(new, cst.RemovalSentinel):
            body.append(new)
    header = [line.visit(rewriter) for line in module.header]
    footer = [line.visit(rewriter) for line in module.footer]
    return module.with_changes(body=body, header=header, footer=footer)


def _regions(source: str, tree: ast.Module) -> list[tuple[int, int]]:
    """The file cut at top-level statement boundaries: statements (``a; b`` together) and the
    comment and blank lines between them, as (first, last) line numbers covering every line."""
    groups: list[list[int]] = []
    for node in tree.body:
        start, end = first_line(node), last_line(node)
        if groups and start <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], end)
        else:
            groups.append([start, end])
    last = source.count("\n") + (0 if source.endswith("\n") else 1)
    regions: list[tuple[int, int]] = []
    line = 1
    for start, end in groups:
        if start > line:
            regions.append((line, start - 1))
        regions.append((start, end))
        line = end + 1
    if line <= last:
        regions.append((line, last))
    return regions


def rewrite_python_source(
    source: str,
    old_path: str,
    new_path: str,
    relocation: RelocationMap,
    text: TextRewriter,
    needles: Iterable[str],
) -> RewriteResult | None:
    """Like :func:`rewrite_python` for a file the phase has not parsed: only the top-level
    statements (and comment lines) that mention a needle or an ``import`` are parsed, each on
    its own, rewritten and put back in place; every other line stays as it was. Of those, a
    run that names no needle and whose imports the relocation leaves alone (decided on the
    ``ast`` tree: :func:`~restructure.python.imports.left_alone`) is kept without a parse.

    None when the file cannot be cut safely (a syntax error, a lone carriage return, a byte
    order mark): the caller then parses it whole.
    """
    if "\r" in source or source.startswith("\ufeff"):
        return None
    try:
        tree = syntax.parse(source)
    except SyntaxError:
        return None
    needles = tuple(needles)
    hits = _hit_lines(source, needles)
    if not hits:
        return RewriteResult(source, Counter(), [])
    lines = source_lines(source)
    ctx = ImportContext(relocation, ModuleLocation.of(old_path), ModuleLocation.of(new_path))
    rewriter = ReferenceRewriter(new_path, ctx, text)
    out: list[str] = []
    regions = _regions(source, tree)
    starts = [start for start, _ in regions]
    marked = {bisect.bisect_right(starts, line) - 1 for line in hits}
    parsed = 0
    statement_starts = [first_line(n) for n in tree.body]
    for first, last, hit in _runs(regions, marked, set(statement_starts)):
        fragment = "".join(lines[first - 1 : last])
        if not hit:
            out.append(fragment)
            continue
        inside = tree.body[bisect.bisect_left(statement_starts, first) : bisect.bisect_right(statement_starts, last)]
        imports = [i for n in inside for i in import_statements(n)]
        if _left_alone(imports, fragment, needles, ctx):
            # what visiting them would have recorded: the modules later attribute chains start from
            rewriter.imported_modules.update(
                a.name for n in imports if isinstance(n, ast.Import) for a in n.names if a.asname is None
            )
            out.append(fragment)
            continue
        try:
            module = cst.parse_module(fragment)
        except cst.ParserSyntaxError:
            return None
        parsed += 1
        before = sum(rewriter.counts.values())
        new = module.visit(rewriter)
        out.append(new.code if sum(rewriter.counts.values()) != before else fragment)
    result = "".join(out)
    return RewriteResult(result, rewriter.counts, _ambiguities(rewriter, new_path, source), parsed)


def _left_alone(
    imports: list[ast.Import | ast.ImportFrom], fragment: str, needles: Iterable[str], ctx: ImportContext
) -> bool:
    """A run of statements the rewriter would leave as it is: no needle in its text (a
    comment, a string, a dotted name or an attribute chain changes only where one is) and no
    import in it, at any depth, that the relocation maps (``imports``: all of them)."""
    return not any(n in fragment for n in needles) and all(left_alone(n, ctx) for n in imports)


def _runs(regions: list[tuple[int, int]], marked: set[int], statement_starts: set[int]) -> list[tuple[int, int, bool]]:
    """Consecutive regions joined into (first line, last line, has a hit) runs. A run with a
    hit holds marked statements and the comment or blank lines between them, so a block of
    imports is parsed once rather than statement by statement; unmarked lines run together."""
    runs: list[tuple[int, int, bool]] = []
    for index, (start, end) in enumerate(regions):
        hit = index in marked
        between = start not in statement_starts  # only comment or blank lines
        joins = runs and ((hit or between) if runs[-1][2] else not hit)
        if joins:
            runs[-1] = (runs[-1][0], end, runs[-1][2])
        else:
            runs.append((start, end, hit))
    return runs


def _ambiguities(rewriter: ReferenceRewriter, path: str, source: str) -> list[Ambiguity]:
    return [
        Ambiguity(path, line, a.value, f"patch target read by several new modules: {', '.join(a.candidates)}")
        for a in {x.value: x for x in rewriter.ambiguous}.values()
        for line in find_lines(source, a.value) or [0]
    ]


def rewrite_python(
    module: cst.Module,
    old_path: str,
    new_path: str,
    relocation: RelocationMap,
    text: TextRewriter,
    source: str | None = None,
    needles: Iterable[str] | None = None,
) -> RewriteResult:
    """Apply ``relocation`` to an already parsed module that moves from ``old_path`` to ``new_path``.

    With the module's ``source`` and the relocation's ``needles``, only the statements that
    mention one are visited (see :func:`_relevant_statements`); otherwise all of them.
    """
    ctx = ImportContext(relocation, ModuleLocation.of(old_path), ModuleLocation.of(new_path))
    rewriter = ReferenceRewriter(new_path, ctx, text)
    spans, marked = None, None
    if source is not None and needles is not None:
        hits = _hit_lines(source, needles)
        spans = statement_spans(module, source) if hits else None
        marked = _relevant_statements(spans, hits)
    new_module = module.visit(rewriter) if marked is None else _visit_statements(module, rewriter, marked)
    original = source if source is not None else module.code
    # every rewrite is counted: no count, no change, and no need to generate the code again
    code = original
    if rewriter.counts:
        changed = _changed_statements(module, new_module) if marked else None
        spliced = _spliced(module, original, changed, spans) if changed is not None else None
        code = spliced if spliced is not None else new_module.code
    return RewriteResult(code, rewriter.counts, _ambiguities(rewriter, new_path, original))


def _changed_statements(module: cst.Module, new_module: cst.Module) -> dict[int, cst.BaseStatement] | None:
    """The top-level statements the visit replaced, by index; None when the visit changed the
    header or the footer or the number of statements (then only the whole module will do)."""

    def same(a: Sequence[cst.CSTNode], b: Sequence[cst.CSTNode]) -> bool:
        return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))

    if len(new_module.body) != len(module.body) or not same(new_module.header, module.header):
        return None
    if not same(new_module.footer, module.footer):
        return None
    return {i: new for i, (old, new) in enumerate(zip(module.body, new_module.body, strict=True)) if new is not old}
