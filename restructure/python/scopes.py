"""Which module-level names each top-level statement binds and reads, from CPython's parser.

A split needs, per top-level statement, the module-level names it defines, the ones its
code reads (at import time or call time) and the ones it names only inside string
annotations. LibCST's ``ScopeProvider`` answers that, but with the positions it needs to
attribute a use to a statement it costs about ten LibCST parses of the file; on a
repository-wide run that dominated the whole phase. The stdlib ``ast`` parses the same
text in a fraction of one LibCST parse, and each top-level statement is walked on its own,
so no position is needed at all.

The rules are LibCST's, so the answers are the same (``tests/test_scopes.py`` compares both
on every file of the fixtures):

* a name resolves in the innermost function, lambda or comprehension scope that binds it,
  then outwards; class bodies are visible only to their own statements; ``global`` and
  ``nonlocal`` declarations are honoured; a comprehension's first iterable, a function's
  decorators, defaults and annotations and a class's bases are read in the enclosing scope;
* a use counts when it resolves to the module scope, or to nothing at all; a builtin that
  the module does not rebind is not a use;
* a string inside an annotation (or in a ``typing`` subscript, the bound of a ``TypeVar``,
  the first argument of ``cast``) is parsed and its names are *hint* uses, except inside
  ``Literal[...]``.
"""

from __future__ import annotations

import ast
import builtins
import functools
from dataclasses import dataclass, field

BUILTINS = frozenset(dir(builtins))
TYPING_MODULES = ("typing", "typing_extensions")


@dataclass
class StatementNames:
    """What one top-level ``ast`` statement binds at module level and reads from it."""

    line: int
    defines: list[str] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)
    hint_uses: set[str] = field(default_factory=set)


@dataclass
class _Scope:
    kind: str  # module | class | function | comprehension
    parent: _Scope | None
    bound: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)


@dataclass
class _Access:
    name: str
    scope: _Scope
    statement: int
    hint: bool


def _is_global(access: _Access) -> bool:
    """True when ``access.name`` is read from the module scope (or is bound nowhere)."""
    scope: _Scope | None = access.scope
    own = True
    while scope is not None:
        name = access.name
        if scope.kind == "module" or name in scope.declared_global:
            return True
        if name in scope.declared_nonlocal:
            return False
        if (own or scope.kind != "class") and name in scope.bound:
            return False
        scope, own = scope.parent, False
    return True


class _Collector(ast.NodeVisitor):
    """Records bindings per scope and every name read, with the top-level statement it is in."""

    def __init__(self) -> None:
        self.module = _Scope("module", None)
        self.scope = self.module
        self.statement = 0
        self.typing_names: dict[str, str] = {}  # name bound by ``from typing import X`` -> "typing.X"
        self.accesses: list[_Access] = []
        self.module_binds: list[tuple[int, str]] = []  # (statement, name) in binding order
        self.annotation = 0  # inside an annotation
        self.type_hint = [False]  # inside a typing subscript / TypeVar bound / cast type
        self.literal = 0  # inside Literal[...]

    # bindings ------------------------------------------------------------------------
    def bind(self, name: str, scope: _Scope | None = None) -> None:
        scope = scope or self.scope
        if scope is not self.module and name in scope.declared_global:
            self.module.bound.add(name)
            self.module_binds.append((self.statement, name))
            return
        scope.bound.add(name)
        if scope is self.module:
            self.module_binds.append((self.statement, name))

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.bind(node.id)
        else:  # Load, and Del (which LibCST also counts as a use)
            self.accesses.append(_Access(node.id, self.scope, self.statement, False))

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.declared_global.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.declared_nonlocal.update(node.names)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.bind(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        typing = node.module in TYPING_MODULES and not node.level
        for alias in node.names:
            if alias.name != "*":
                self.bind(alias.asname or alias.name)
                if typing:  # known from here on, as LibCST resolves qualified names while it visits
                    self.typing_names[alias.asname or alias.name] = f"typing.{alias.name}"

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bind(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        self.generic_visit(node)
        if node.name:
            self.bind(node.name)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bind(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.generic_visit(node)
        if node.rest:
            self.bind(node.rest)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        scope = self.scope
        while scope.kind == "comprehension" and scope.parent is not None:
            scope = scope.parent
        if isinstance(node.target, ast.Name):
            self.bind(node.target.id, scope)

    # scopes --------------------------------------------------------------------------
    def _new_scope(self, kind: str) -> _Scope:
        return _Scope(kind, self.scope)

    def _arguments_outside(self, args: ast.arguments) -> None:
        """Defaults and annotations are evaluated where the function is defined."""
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(default)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                self.visit_annotation(arg.annotation)

    def _parameters(self, args: ast.arguments) -> list[str]:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        return [a.arg for a in every if a is not None]

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._arguments_outside(node.args)
        if node.returns is not None:
            self.visit_annotation(node.returns)
        self.bind(node.name)
        outer, self.scope = self.scope, self._new_scope("function")
        self.scope.bound.update(self._parameters(node.args))
        for statement in node.body:
            self.visit(statement)
        self.scope = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._arguments_outside(node.args)
        outer, self.scope = self.scope, self._new_scope("function")
        self.scope.bound.update(self._parameters(node.args))
        self.visit(node.body)
        self.scope = outer

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        for base in node.bases:
            self.visit(base)
        for keyword in node.keywords:
            self.visit(keyword.value)
        self.bind(node.name)
        outer, self.scope = self.scope, self._new_scope("class")
        for statement in node.body:
            self.visit(statement)
        self.scope = outer

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        generators = node.generators
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        outer, self.scope = self.scope, self._new_scope("comprehension")
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self.scope = outer

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    # annotations and type hints ------------------------------------------------------
    def visit_annotation(self, node: ast.expr) -> None:
        self.annotation += 1
        self.visit(node)
        self.annotation -= 1

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit_annotation(node.annotation)
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.target)

    def _typing_name(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.typing_names.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in TYPING_MODULES:
            return f"typing.{node.attr}"
        return None

    def visit_Subscript(self, node: ast.Subscript) -> None:
        qualified = self.typing_names.get(node.value.id) if isinstance(node.value, ast.Name) else None
        literal = qualified == "typing.Literal"
        self.literal += literal
        self.type_hint.append(qualified is not None)
        self.generic_visit(node)
        self.type_hint.pop()
        self.literal -= literal

    def visit_Call(self, node: ast.Call) -> None:
        qualified = self._typing_name(node.func)
        self.type_hint.append(False)
        if qualified in {"typing.TypeVar", "typing.NewType"}:
            self.visit(node.func)
            self.type_hint[-1] = True
            for value in [*node.args[1:], *(k.value for k in node.keywords)]:
                self.visit(value)
        elif qualified == "typing.cast" and node.args:
            self.visit(node.func)
            self.type_hint.append(True)
            self.visit(node.args[0])
            self.type_hint.pop()
            for value in [*node.args[1:], *(k.value for k in node.keywords)]:
                self.visit(value)
        else:
            self.generic_visit(node)
        self.type_hint.pop()

    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, str) or not node.value or self.literal:
            return
        if not (self.annotation or self.type_hint[-1]):
            return
        for name in _annotation_names(node.value):
            self.accesses.append(_Access(name, self.scope, self.statement, True))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value)


def first_line(node: ast.stmt) -> int:
    """Where a statement starts: its first decorator, if it has one."""
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


@functools.lru_cache(maxsize=4096)
def _annotation_names(text: str) -> tuple[str, ...]:
    """The names a string annotation reads (``"list[Cohort] | None"`` -> list, Cohort); the same
    few strings recur in every model of a service, so each is parsed once."""
    try:
        parsed = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return ()  # not an annotation after all; CPython ignores it too
    return tuple(inner.id for inner in ast.walk(parsed) if isinstance(inner, ast.Name))


def statement_names(tree: ast.Module) -> list[StatementNames]:
    """One entry per statement of ``tree.body``, in order."""
    collector = _Collector()
    out: list[StatementNames] = []
    for index, node in enumerate(tree.body):
        out.append(StatementNames(first_line(node)))
        collector.statement = index
        collector.visit(node)
    module_level = collector.module.bound
    for index, name in collector.module_binds:
        if name not in out[index].defines:
            out[index].defines.append(name)
    for access in collector.accesses:
        if not _is_global(access) or (access.name in BUILTINS and access.name not in module_level):
            continue
        names = out[access.statement]
        (names.hint_uses if access.hint else names.uses).add(access.name)
    return out
