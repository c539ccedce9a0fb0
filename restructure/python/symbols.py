"""The top-level statements of a module: what each defines, and which module names it uses.

A split moves statements between files, so it must know, for every statement, the names
it binds and the module-level names its code reads. Uses are split in two kinds:

* runtime uses: anything the code reads when it runs, at import time or at call time
  (annotations that are not string literals count too: Pydantic, SQLAlchemy and FastAPI
  evaluate them);
* hint uses: names that appear only inside string annotations such as ``Mapped["Cohort"]``.
  SQLAlchemy resolves those through its class registry, so the new file needs them only
  under ``if TYPE_CHECKING:`` (and the strings stay strings).

Names are resolved with the scope rules of :mod:`restructure.python.scopes`, so a local
variable that shadows a module-level name is not mistaken for a use of it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node

from restructure.python import syntax
from restructure.python.scopes import statement_names

ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}


@dataclass(frozen=True)
class ImportBinding:
    """One name bound by an import statement: ``from module import name as bound``."""

    bound: str
    module: str | None  # dotted module after the dots (None for ``from . import x``)
    name: str | None  # imported attribute; None for ``import module``
    level: int  # leading dots of a relative import
    type_checking: bool  # bound only under ``if TYPE_CHECKING:``
    statement: int


@dataclass
class Statement:
    """A top-level statement with the names it binds and uses."""

    index: int
    node: cst.BaseStatement
    kind: str  # class | function | import | assign | expr | type-checking | other
    line: int
    defines: list[str] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)
    hint_uses: set[str] = field(default_factory=set)
    # a model class: its ``__tablename__`` (one at most), and the tables its ``ForeignKey``s
    # point at; read from the stdlib parse, so that a parse with class bodies cut serves a split
    tables: set[str] = field(default_factory=set)
    foreign_tables: set[str] = field(default_factory=set)

    @property
    def name(self) -> str | None:
        """The defined name of a class or function."""
        return self.defines[0] if self.kind in {"class", "function"} and self.defines else None


@dataclass
class ModuleSymbols:
    """Everything :mod:`split` needs to know about one parsed module."""

    module: cst.Module
    statements: list[Statement]
    imports: dict[str, ImportBinding]
    future_imports: list[str]
    docstring: str | None

    def definer(self) -> dict[str, int]:
        """Name -> index of the statement that defines it at module level (imports excluded)."""
        found: dict[str, int] = {}
        for st in self.statements:
            if st.kind in {"import", "type-checking"}:
                continue
            for name in st.defines:
                found.setdefault(name, st.index)
        return found

    def definitions(self) -> list[Statement]:
        return [st for st in self.statements if st.kind in {"class", "function"}]


def is_type_checking_if(node: cst.BaseStatement) -> bool:
    if not isinstance(node, cst.If):
        return False
    return get_full_name_for_node(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def is_enum_class(node: cst.ClassDef) -> bool:
    """``class X(str, enum.Enum)`` and friends."""
    for arg in node.bases:
        name = get_full_name_for_node(arg.value) or ""
        if name.rsplit(".", 1)[-1] in ENUM_BASES:
            return True
    return False


def decorator_names(node: cst.FunctionDef | cst.ClassDef) -> list[str]:
    out = []
    for dec in node.decorators:
        expr = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
        out.append(get_full_name_for_node(expr) or "")
    return out


def _import_bindings(node: cst.BaseSmallStatement, index: int, type_checking: bool) -> list[ImportBinding]:
    out: list[ImportBinding] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            if alias.asname is not None:
                bound = get_full_name_for_node(alias.asname.name) or dotted
                out.append(ImportBinding(bound, dotted, None, 0, type_checking, index))
            else:
                out.append(ImportBinding(dotted.split(".")[0], dotted, None, 0, type_checking, index))
    elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        module = get_full_name_for_node(node.module) if node.module is not None else None
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            bound = get_full_name_for_node(alias.asname.name) if alias.asname is not None else name
            out.append(ImportBinding(bound or name, module, name, len(node.relative), type_checking, index))
    return out


def import_bindings(module: cst.Module) -> dict[str, ImportBinding]:
    """Names bound by top-level imports (and ``if TYPE_CHECKING:`` imports), without scope analysis."""
    found: dict[str, ImportBinding] = {}
    for index, node in enumerate(module.body):
        if isinstance(node, cst.SimpleStatementLine):
            smalls: list[tuple[cst.BaseSmallStatement, bool]] = [(small, False) for small in node.body]
        elif is_type_checking_if(node):
            smalls = [
                (small, True)
                for inner in node.body.body  # type: ignore[attr-defined]
                if isinstance(inner, cst.SimpleStatementLine)
                for small in inner.body
            ]
        else:
            continue
        for small, type_checking in smalls:
            if isinstance(small, cst.ImportFrom) and get_full_name_for_node(small.module) == "__future__":
                continue
            for binding in _import_bindings(small, index, type_checking):
                found.setdefault(binding.bound, binding)
    return found


def top_level_names(module: cst.Module) -> list[tuple[str, str]]:
    """(kind, name) of every class, function and assigned name at module level, in order."""
    out: list[tuple[str, str]] = []
    for node in module.body:
        if isinstance(node, cst.ClassDef):
            out.append(("class", node.name.value))
        elif isinstance(node, cst.FunctionDef):
            out.append(("function", node.name.value))
        elif isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                targets: list[cst.BaseExpression] = []
                if isinstance(small, cst.Assign):
                    targets = [t.target for t in small.targets]
                elif isinstance(small, cst.AnnAssign):
                    targets = [small.target]
                for target in targets:
                    elements = target.elements if isinstance(target, cst.Tuple | cst.List) else [target]
                    for element in elements:
                        value = element.value if isinstance(element, cst.Element) else element
                        if isinstance(value, cst.Name):
                            out.append(("assign", value.value))
    return out


def _statement_kind(node: cst.BaseStatement) -> str:
    if isinstance(node, cst.ClassDef):
        return "class"
    if isinstance(node, cst.FunctionDef):
        return "function"
    if is_type_checking_if(node):
        return "type-checking"
    if isinstance(node, cst.SimpleStatementLine):
        smalls = node.body
        if smalls and all(isinstance(s, cst.Import | cst.ImportFrom) for s in smalls):
            return "import"
        if smalls and all(isinstance(s, cst.Assign | cst.AnnAssign | cst.AugAssign) for s in smalls):
            return "assign"
        if smalls and all(isinstance(s, cst.Expr) for s in smalls):
            return "expr"
    return "other"


def ast_statement_count(node: cst.BaseStatement) -> int:
    """How many ``ast`` statements one LibCST top-level statement is (``a = 1; b = 2`` is two)."""
    return len(node.body) if isinstance(node, cst.SimpleStatementLine) else 1


def analyse(module: cst.Module, source: str | None = None) -> ModuleSymbols:
    """Statements, import bindings and name uses of a parsed module.

    ``source`` is the module's text when the caller has it (it saves generating it).
    Names are resolved by :mod:`restructure.python.scopes` on CPython's own parse of the
    same text, statement by statement.
    """
    source = module.code if source is None else source
    tree = syntax.parse(source)
    names = statement_names(tree)
    if sum(ast_statement_count(node) for node in module.body) != len(names):  # pragma: no cover - both parse one text
        raise ValueError("LibCST and ast disagree about the module's top-level statements")
    statements: list[Statement] = []
    imports: dict[str, ImportBinding] = {}
    futures: list[str] = []
    position = 0
    for index, node in enumerate(module.body):
        parts = names[position : position + ast_statement_count(node)]
        first = tree.body[position]
        position += len(parts)
        kind = _statement_kind(node)
        st = Statement(index, node, kind, parts[0].line)
        if isinstance(first, ast.ClassDef):
            st.tables, st.foreign_tables = model_tables(first), foreign_key_tables(first)
        if kind == "import":
            assert isinstance(node, cst.SimpleStatementLine)
            for small in node.body:
                if isinstance(small, cst.ImportFrom) and get_full_name_for_node(small.module) == "__future__":
                    futures.extend(
                        get_full_name_for_node(a.name) or ""
                        for a in small.names
                        if isinstance(small.names, tuple | list)
                    )
                    continue
                for binding in _import_bindings(small, index, False):
                    imports.setdefault(binding.bound, binding)
                    st.defines.append(binding.bound)
        elif kind == "type-checking":
            assert isinstance(node, cst.If)
            for inner in node.body.body:
                if isinstance(inner, cst.SimpleStatementLine):
                    for small in inner.body:
                        for binding in _import_bindings(small, index, True):
                            imports.setdefault(binding.bound, binding)
                            st.defines.append(binding.bound)
        for part in parts:
            if kind not in {"import", "type-checking"}:
                st.defines.extend(n for n in part.defines if n not in st.defines)
            st.uses |= part.uses
            st.hint_uses |= part.hint_uses
        statements.append(st)
    for st in statements:
        st.hint_uses -= st.uses
        if st.kind in {"class", "function"}:
            # the defined name itself is bound here, not used
            st.uses.discard(st.defines[0]) if st.defines else None
    docstring = module.get_docstring(clean=False)
    return ModuleSymbols(module, statements, imports, futures, docstring)


def model_tables(node: ast.ClassDef) -> set[str]:
    """``__tablename__`` of a model class (one at most): a string assigned in the class body."""
    found: set[str] = set()
    for stmt in node.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in stmt.targets)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            found.add(stmt.value.value)
    return found


def foreign_key_tables(node: ast.ClassDef) -> set[str]:
    """Tables a model class points at with ``ForeignKey("table.column")`` (or
    ``ForeignKey("schema.table.column")``), anywhere in the class."""
    tables: set[str] = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        first = call.args[0] if call.args else call.keywords[0].value if call.keywords else None
        value = first.value if isinstance(first, ast.Constant) else None
        if name == "ForeignKey" and isinstance(value, str) and "." in value:
            tables.add(value.rsplit(".", 1)[0].rsplit(".", 1)[-1])
    return tables


def is_docstring(st: Statement) -> bool:
    """The module docstring: a bare string as the first statement."""
    node = st.node
    return (
        st.index == 0
        and isinstance(node, cst.SimpleStatementLine)
        and isinstance(node.body[0], cst.Expr)
        and isinstance(node.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )
