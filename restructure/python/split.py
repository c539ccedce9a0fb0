"""Split one module into a package of files, per the groups a plan declares.

Every top-level definition lands in exactly one new file, unchanged; module-level
statements go where they are used and after what they refer to; each new file imports
exactly the names its code reads (names used only in string annotations under
``if TYPE_CHECKING:``); the runtime import graph of the new files is checked for cycles
before anything is returned. ``APIRouter`` objects are the one exception to "exactly one
file": every file holding routes of a router gets its own router object built with the
same arguments, and ``routers/__init__.py`` puts them back together.

Nothing here touches the disk: :func:`split_module` returns the texts of the new files
and where every name went.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import libcst as cst

from restructure.placement import ENUMS, Decision, Hints, PlacementError, Placer, Targets, sections
from restructure.python.compose import generated_module, is_definition, separated
from restructure.python.import_style import Import, ImportStyle
from restructure.python.modules import ModuleLocation
from restructure.python.routes import Route, RouterObject, function_routes, router_objects
from restructure.python.statement_text import BodiesCut, module_code, source_statements
from restructure.python.symbols import ImportBinding, ModuleSymbols, Statement, analyse, is_docstring

MOST_REFERENCED = "most-referenced"


class SplitError(ValueError):
    """A split that cannot be done as planned (unknown symbol, import cycle, ...)."""

    def __init__(self, message: str, cycle: list[str] | None = None) -> None:
        super().__init__(message)
        self.cycle = cycle or []


@dataclass
class GroupSpec:
    """What a plan says about one target file: nothing (placement is inferred) or hints."""

    symbols: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    routers: list[str] = field(default_factory=list)


@dataclass
class SplitSpec:
    groups: dict[str, GroupSpec]
    kind_rules: dict[str, str] = field(default_factory=dict)  # kind ("enum") -> group
    fallback: str = MOST_REFERENCED
    helpers: str | None = None
    keep_all_exports: bool = True  # write __init__.py re-exporting every public name
    symbols: dict[str, str] = field(default_factory=dict)  # the plan's overrides: symbol -> group
    service: str | None = None  # the service's short name (a target named after it takes the rest)
    patched: set[str] = field(default_factory=set)  # names the repository's tests patch in the module
    entities: dict[str, str] = field(default_factory=dict)  # model class -> its file in the models package

    @classmethod
    def from_args(cls, args: dict[str, Any], service: str | None = None) -> SplitSpec:
        """``groups`` is a list of target names (placement inferred) or a mapping of a name to
        its member list or hints; a group named ``enums`` receives the enum classes."""
        groups: dict[str, GroupSpec] = {}
        raw = args.get("groups") or {}
        if isinstance(raw, list):
            raw = {str(name): None for name in raw}
        for name, spec in raw.items():
            if isinstance(spec, list):
                groups[name] = GroupSpec(symbols=[str(s) for s in spec])
            else:
                spec = spec or {}
                groups[name] = GroupSpec(
                    symbols=list(spec.get("symbols", [])),
                    prefixes=list(spec.get("prefixes", [])),
                    paths=list(spec.get("paths", [])),
                    routers=list(spec.get("routers", [])),
                )
        rules = {str(r["kind"]): str(r["to"]) for r in args.get("rules", []) or []}
        if ENUMS in groups and "enum" not in rules:
            rules["enum"] = ENUMS
        if rules.get("enum") in groups:
            groups.pop(rules["enum"])  # listed last in the files, like a rule's target
        symbols = {str(k): str(v) for k, v in (args.get("symbols") or {}).items()}
        return cls(groups, rules, str(args.get("fallback", MOST_REFERENCED)), args.get("helpers"), True, symbols,
                   service)  # fmt: skip

    def targets(self) -> Targets:
        """The split's targets for :class:`~restructure.placement.Placer`, in file order."""
        names = [*self.groups, *([self.helpers] if self.helpers else []), *self.kind_rules.values()]
        hints = {g: Hints(s.symbols, s.prefixes, s.paths, s.routers) for g, s in self.groups.items()}
        default = self.fallback if self.fallback != MOST_REFERENCED else None
        return Targets(list(dict.fromkeys(names)), hints, dict(self.symbols), self.kind_rules.get("enum"),
                       self.helpers, default, self.service, set(self.patched), dict(self.entities))  # fmt: skip


@dataclass
class SplitResult:
    """New files (path relative to the package directory -> text) and where names went."""

    files: dict[str, str]
    homes: dict[str, str]  # every name defined by the old module -> new module (dotted)
    placements: list[Decision]  # one per placed statement, with its reason
    routers: dict[str, list[str]]  # new module -> router variables it defines
    routes: dict[str, list[Route]]  # new module -> routes in registration order
    readers: dict[str, set[str]]  # name -> new modules whose code reads it
    public: list[str]
    line_counts: dict[str, int] = field(default_factory=dict)
    modules: dict[str, cst.Module] = field(default_factory=dict)  # the files built as modules (not __init__)
    reexports: list[Reexport] = field(default_factory=list)  # imported names the package __init__ keeps
    empty_groups: list[str] = field(default_factory=list)  # groups of the plan that received nothing
    route_paths: dict[str, list[str]] = field(default_factory=dict)  # new module -> its routes' full paths


@dataclass(frozen=True)
class Reexport:
    """A name the old module only imported, which the new package ``__init__`` must import too.

    ``statement`` is the import that binds it, pointed from the package ``__init__``;
    ``in_all`` is True when the old module listed the name in its own ``__all__``.
    """

    name: str
    statement: Import
    in_all: bool
    type_checking: bool


class _Planner:
    def __init__(self, ms: ModuleSymbols, spec: SplitSpec, routers: dict[str, RouterObject]) -> None:
        self.ms = ms
        self.spec = spec
        self.routers = routers
        self.group_of: dict[int, str] = {}
        self.placements: list[Decision] = []
        self.definer = ms.definer()
        self.router_statements = {r.statement for r in routers.values()}
        self.units = [
            st
            for st in ms.statements
            if st.kind not in {"import", "type-checking"}
            and st.index not in self.router_statements
            and not (st.kind == "expr" and is_docstring(st))
            and "__all__" not in st.defines
        ]
        # ``X.model_rebuild()`` resolves X's forward references: it needs them at runtime
        self.rebuild_only: dict[int, set[str]] = {}  # names a rebuild needs that its code does not name
        for st in self.units:
            target = _rebuilt_class(st)
            if target is not None and target in self.definer:
                forward = ms.statements[self.definer[target]].hint_uses
                needed = {n for n in forward if n in self.definer}
                self.rebuild_only[st.index] = needed - st.uses
                st.uses |= needed
        self.routes: dict[int, list[Route]] = {}
        for st in self.units:
            if isinstance(st.node, cst.FunctionDef):
                found = function_routes(st.node, routers, st.line)
                if found:
                    self.routes[st.index] = found

    def place(self) -> None:
        targets = self.spec.targets()
        placer = Placer(self.units, self.definer, self.routes, self.routers, targets, sections(self.ms.statements))
        try:
            placer.place()
        except PlacementError as exc:
            raise SplitError(str(exc)) from exc
        self.group_of = placer.group_of
        self.placements = placer.decisions


def _rebuilt_class(st: Statement) -> str | None:
    """``X`` for a ``X.model_rebuild(...)`` expression statement."""
    node = st.node
    if st.kind != "expr" or not isinstance(node, cst.SimpleStatementLine):
        return None
    expr = node.body[0]
    call = expr.value if isinstance(expr, cst.Expr) else None
    if (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "model_rebuild"
        and isinstance(call.func.value, cst.Name)
    ):
        return call.func.value.value
    return None


@dataclass
class _File:
    group: str
    units: list[Statement] = field(default_factory=list)
    routers: list[str] = field(default_factory=list)


def split_module(
    source: str,
    old_path: str,
    package_dir: str,
    spec: SplitSpec,
    *,
    init: bool = True,
    module: cst.Module | None = None,
    style: ImportStyle | None = None,
    repo_imports: set[str] | None = None,
    bodies_cut: bool = False,
) -> SplitResult:
    """Split ``source`` (the file at ``old_path``) into files under ``package_dir``.

    Returns the new files' texts keyed by path relative to ``package_dir`` (``cohort.py``,
    ``__init__.py``). Raises :class:`SplitError` for an unknown symbol or an import cycle
    between the new files. ``repo_imports`` holds the names other files of the repository
    import from the old module: those the old module only imported, and its private names,
    are re-exported by the package ``__init__`` (see :func:`imported_reexports`), so those
    importers keep working unchanged.

    Imports, ``__all__`` and the docstring of the old module are regenerated, not moved; a
    comment in or above one of them goes above the next statement that moves
    (:func:`carry_comments`), and the old module's header comments head every new file.

    ``bodies_cut``: ``module`` is the parse of ``source`` with its top-level functions' and
    classes' bodies cut (:meth:`ParsedFiles.bodies_cut`): every function and class then moves
    as the text cut from ``source``; raises :class:`BodiesCut` when one would not (the caller parses
    the whole file and splits again). The result's :attr:`SplitResult.modules` are then
    outlines of the new files, not their parses.
    """
    module = module if module is not None else cst.parse_module(source)
    ms = analyse(module, source)
    routers = router_objects(module)
    planner = _Planner(ms, spec, routers)
    planner.place()
    package = ModuleLocation.of(package_dir.rstrip("/") + "/__init__.py")
    old = ModuleLocation.of(old_path)
    if package is None or old is None:
        raise SplitError(f"{old_path}: cannot split into {package_dir}: not an importable Python package path")
    files: dict[str, _File] = {}
    order = [*spec.groups, *([spec.helpers] if spec.helpers else []), *spec.kind_rules.values()]
    for st in planner.units:
        group = planner.group_of[st.index]
        if group not in order:
            order.append(group)
        files.setdefault(group, _File(group)).units.append(st)
    # each file that registers routes on (or otherwise reads) a router gets its own router object
    for f in files.values():
        used = set().union(*(u.uses for u in f.units)) if f.units else set()
        f.routers = [r.name for r in sorted(routers.values(), key=lambda r: r.statement) if r.name in used]
    homes: dict[str, str] = {}
    for f in files.values():
        for st in f.units:
            for name in st.defines:
                homes.setdefault(name, f"{package.name}.{f.group}")
    _check_cycles(files, ms, planner.definer, planner.group_of, routers)
    kept = {st.index for f in files.values() for st in f.units}
    kept |= {routers[r].statement for f in files.values() for r in f.routers}
    known = source_statements(module, source)  # before comments are carried: cut from the source as parsed
    if bodies_cut and any(is_definition(st.node) and st.index not in kept for st in ms.statements):
        raise BodiesCut("a definition that does not move would give its comments to the next statement")
    left = carry_comments(ms.statements, kept)
    last_group = planner.group_of[max(st.index for st in planner.units)] if planner.units else None
    out: dict[str, str] = {}
    modules: dict[str, cst.Module] = {}
    readers: dict[str, set[str]] = {}
    routes_by_module: dict[str, list[Route]] = {}
    routers_by_module: dict[str, list[str]] = {}
    for group in order:
        f = files.get(group)
        if f is None:
            continue
        new_mod = f"{package.name}.{group}"
        new_module, read = _emit(
            f, ms, planner, routers, package.name, old, ModuleLocation(new_mod, False), old_path, style or ImportStyle()
        )
        if group == last_group and (left or ms.module.footer):
            new_module = new_module.with_changes(footer=[*new_module.footer, *left, *ms.module.footer])
        modules[f"{group}.py"] = new_module
        out[f"{group}.py"] = module_code(new_module, known, bodies_cut)
        for name in read:
            readers.setdefault(name, set()).add(new_mod)
        routes_by_module[new_mod] = [r for st in f.units for r in planner.routes.get(st.index, [])]
        routers_by_module[new_mod] = f.routers
    public = [
        name
        for group in order
        if group in files
        for st in files[group].units
        for name in st.defines
        if not name.startswith("_") and st.kind in {"class", "function", "assign"}
    ]
    reexports = imported_reexports(ms, old, ModuleLocation(package.name, True), repo_imports or set())
    # a private (or not plainly assigned) name that another file imports from the old module
    reexports += [
        Reexport(name, Import(home.rsplit(".", 1)[1], 1, ((name, None),)), False, False)
        for name, home in homes.items()
        if name not in public and name in (repo_imports or set())
    ]
    if init:
        out["__init__.py"] = _init_text(old_path, files, order, public, reexports, style or ImportStyle())
    return SplitResult(
        out,
        homes,
        planner.placements,
        routers_by_module,
        routes_by_module,
        readers,
        public,
        {k: v.count("\n") for k, v in out.items()},
        modules,
        reexports,
        [g for g in spec.groups if g not in files],
        {m: [routers[r.router].prefix + r.path for r in found] for m, found in routes_by_module.items()},
    )


def _check_cycles(
    files: dict[str, _File],
    ms: ModuleSymbols,
    definer: dict[str, int],
    group_of: dict[int, str],
    routers: dict[str, RouterObject],
) -> None:
    """Refuse a split whose new files would import each other at runtime."""
    router_names = set(routers)
    edges: dict[str, dict[str, str]] = {g: {} for g in files}
    for group, f in files.items():
        for st in f.units:
            for name in sorted(st.uses):
                if name in router_names or name not in definer or name in st.defines:
                    continue
                other = group_of.get(definer[name])
                if other is not None and other != group:
                    edges[group].setdefault(other, f"{st.name or st.defines or st.line} uses {name}")
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                why = "; ".join(edges[a][b] for a, b in pairwise(cycle))
                raise SplitError(f"the split would create an import cycle {' -> '.join(cycle)} ({why})", cycle)
            if state.get(nxt) is None:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if state.get(node) is None:
            visit(node)


def _emit(
    f: _File,
    ms: ModuleSymbols,
    planner: _Planner,
    routers: dict[str, RouterObject],
    package: str,
    old: ModuleLocation,
    new: ModuleLocation,
    old_path: str,
    style: ImportStyle,
) -> tuple[cst.Module, set[str]]:
    """One new file (its generated imports, then the source's own statements), and the names its code reads."""
    defined = {name for st in f.units for name in st.defines} | set(f.routers)
    runtime: set[str] = set()
    hints: set[str] = set()
    router_units = [ms.statements[routers[r].statement] for r in f.routers]
    for st in [*router_units, *f.units]:
        runtime |= st.uses
        hints |= st.hint_uses
    hints -= runtime
    named = set().union(*(st.uses - planner.rebuild_only.get(st.index, set()) for st in [*router_units, *f.units]))
    on_purpose = set().union(*(planner.rebuild_only.get(st.index, set()) for st in f.units)) - named - hints
    needed_runtime = sorted(runtime - defined)
    needed_hints = sorted(hints - defined)
    imports_rt: list[Import] = []
    imports_tc: list[Import] = []
    read = set(runtime | hints)

    def add(name: str, type_checking: bool) -> None:
        binding = ms.imports.get(name)
        if binding is not None:
            tc = type_checking or binding.type_checking
            (imports_tc if tc else imports_rt).append(_import_of(binding, old, new))
            return
        index = planner.definer.get(name)
        if index is None or index not in planner.group_of:
            return
        other = planner.group_of[index]
        silent = frozenset({name} & on_purpose)
        target = Import(f"{package}.{other}", names=((name, None),), unused_on_purpose=silent)
        (imports_tc if type_checking else imports_rt).append(target)

    for name in needed_runtime:
        add(name, False)
    for name in needed_hints:
        add(name, True)
    if imports_tc and "TYPE_CHECKING" not in runtime:
        imports_rt.append(Import("typing", names=(("TYPE_CHECKING", None),)))
    if ms.future_imports:
        imports_rt.append(Import("__future__", names=tuple((n, None) for n in ms.future_imports)))
    body: list[Statement] = sorted([*router_units, *f.units], key=lambda s: s.index)
    nodes = [
        separated(st.node) if i and body[i - 1].index != st.index - 1 and _needs_gap(body[i - 1], st) else st.node
        for i, st in enumerate(body)
    ]
    docstring = f'"""{_docstring(f, old_path, style.line_length)}"""'
    header = _header_text(ms.module)
    return generated_module(docstring, imports_rt, imports_tc, nodes, ms.module, style, header), read


def _needs_gap(before: Statement, after: Statement) -> bool:
    """Two statements that were not neighbours in the source: a definition next to them
    needs the blank lines a formatter puts around definitions."""
    return is_definition(before.node) or is_definition(after.node)


def _docstring(f: _File, old_path: str, limit: int) -> str:
    """What the file holds, in one line that fits the target's line length (quotes included)."""
    names = [st.name for st in f.units if st.name and not st.name.startswith("_")]
    source = old_path.rsplit("/", 1)[-1]
    if not names:
        return f"Split from {source}: helpers shared by several files."
    for count in range(min(4, len(names)), 0, -1):
        shown = ", ".join(names[:count]) + (f" and {len(names) - count} more" if len(names) > count else "")
        text = f"Split from {source}: {shown}."
        if len(text) + 6 <= limit:
            return text
    return f"Split from {source}."


def _import_of(binding: ImportBinding, old: ModuleLocation, new: ModuleLocation) -> Import:
    """The import that binds ``binding``'s name in the new module (relative imports re-based)."""
    if binding.name is None:
        module = binding.module or ""
        alias = binding.bound if binding.bound != module.split(".")[0] else None
        return Import(module, alias=alias)
    member = (binding.name, None if binding.bound == binding.name else binding.bound)
    if binding.level:
        target = old.resolve(binding.level, binding.module)
        rel = new.relativize(target) if target else None
        if target and rel is not None:
            level, module = rel
            return Import(module or "", level, (member,))
        return Import(target or binding.module or "", 0, (member,))
    return Import(binding.module or "", 0, (member,))


def _init_text(
    old_path: str,
    files: dict[str, _File],
    order: list[str],
    public: list[str],
    reexports: Sequence[Reexport],
    style: ImportStyle,
) -> str:
    source = old_path.rsplit("/", 1)[-1]
    exports = []
    for group in order:
        f = files.get(group)
        names = [n for st in f.units for n in st.defines if n in public] if f else []
        if names:
            exports.append(Import(group, 1, tuple((n, None) for n in names)))
    docstring = f'"""Re-exports every public name of the package (it was the single module {source})."""'
    listed = sorted({*public, *(r.name for r in reexports if r.in_all)})
    return reexport_module(docstring, exports, reexports, listed, style)


def reexport_module(
    docstring: str, exports: list[Import], reexports: Sequence[Reexport], listed: list[str], style: ImportStyle
) -> str:
    """A package ``__init__`` the tool writes whole: its imports in the target's import style,
    then ``__all__`` with the target's quotes."""
    text = docstring + "\n\n" + "".join(render_reexports(reexports, style, exports=exports))
    entries = "".join(f"    {style.string(name)},\n" for name in listed)
    return text + "\n" * style.blank_lines_after(False) + f"__all__ = [\n{entries}]\n"


def render_reexports(
    reexports: Sequence[Reexport], style: ImportStyle, skip: set[str] | None = None, exports: Sequence[Import] = ()
) -> list[str]:
    """Import lines of a package ``__init__``: ``exports`` and the imported names it re-exports
    (those not yet bound: ``skip``), sorted as the target's isort would."""
    runtime = [*exports]
    checking = []
    for r in reexports:
        if skip and r.name in skip:
            continue
        statement = r.statement
        if not r.in_all and statement.names:  # ``X as X``: an explicit re-export, not an unused import
            names = tuple((n, n if a is None else a) for n, a in statement.names)
            statement = Import(statement.module, statement.level, names)
        (checking if r.type_checking else runtime).append(statement)
    if checking:
        runtime.append(Import("typing", names=(("TYPE_CHECKING", None),)))
    out = [style.render(runtime)] if runtime else []
    if checking:
        out.append("\nif TYPE_CHECKING:\n" + style.render(checking, indent=style.indent))
    return out


def declared_all(ms: ModuleSymbols) -> list[str]:
    """The names a module lists in its own ``__all__`` (literal lists and tuples only)."""
    names: list[str] = []
    for st in ms.statements:
        if "__all__" not in st.defines:
            continue
        for node in ast.parse(ms.module.code_for_node(st.node).strip()).body:
            value = node.value if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) else None
            try:
                found = ast.literal_eval(value) if value is not None else []
            except ValueError:
                continue
            names.extend(n for n in found if isinstance(n, str) and n not in names)
    return names


def imported_reexports(
    ms: ModuleSymbols, old: ModuleLocation, package: ModuleLocation, repo_imports: set[str]
) -> list[Reexport]:
    """Names the old module only imported that must stay importable from its dotted name.

    A name qualifies when some file of the repository imports it from the old module, or
    when the old module listed it in its own ``__all__``. Only the latter go into the new
    ``__all__``: ``__all__`` is what ``from package import *`` binds and what the package
    declares as its own API. The old module, when it had no ``__all__``, leaked every imported
    name to a star import (``Mapped``, ``datetime``, ...); writing them all into ``__all__``
    would declare a library's names as the package's API, and writing only the ones some
    file imports explicitly would make ``__all__`` depend on today's importers. An explicit
    ``from package import Name`` works without ``__all__``, so the import line alone keeps
    it importable.
    """
    listed = set(declared_all(ms))
    definer = ms.definer()
    out: list[Reexport] = []
    for name, binding in ms.imports.items():
        if name in definer or (name not in repo_imports and name not in listed):
            continue
        out.append(Reexport(name, _import_of(binding, old, package), name in listed, binding.type_checking))
    return out


PRAGMA = re.compile(r"#\s*(noqa\b|type:\s*ignore|isort:|pragma:|fmt:|pylint:|mypy:|pyright:|ruff:|nosec\b)")


class _Comments(cst.CSTVisitor):
    """Every comment of a statement in source order: own lines, and end-of-line ones that are not pragmas."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        if node.comment is not None:
            self.found.append(node.comment.value)

    def visit_TrailingWhitespace(self, node: cst.TrailingWhitespace) -> None:
        # a pragma speaks about its own line, which is not written again
        if node.comment is not None and not PRAGMA.match(node.comment.value):
            self.found.append(node.comment.value)


def dropped_comments(node: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The comments of a statement the tool regenerates instead of moving, as comment lines."""
    visitor = _Comments()
    node.visit(visitor)
    return [cst.EmptyLine(indent=True, comment=cst.Comment(text)) for text in visitor.found]


def with_comments_above(node: cst.BaseStatement, comments: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
    """``node`` with ``comments`` right above its own leading comments (after its blank lines).

    The statement's own text is untouched: the comments join the lines in front of it.
    """
    leading = list(node.leading_lines)
    blank = 0
    while blank < len(leading) and leading[blank].comment is None:
        blank += 1
    return node.with_changes(leading_lines=[*leading[:blank], *comments, *leading[blank:]])


def carry_comments(statements: Sequence[Statement], kept: set[int]) -> list[cst.EmptyLine]:
    """Give the comments of statements not kept (``kept``: indexes) to the next kept statement.

    Updates the ``node`` of the kept statements that receive comments; returns the comments
    of dropped statements after the last kept one (they go to the end of a new file).
    """
    pending: list[cst.EmptyLine] = []
    for st in statements:
        if st.index not in kept:
            pending.extend(dropped_comments(st.node))
        elif pending:
            st.node = with_comments_above(st.node, pending)
            pending = []
    return pending


def _header_text(module: cst.Module) -> str:
    """The comment lines above a module's first statement (shebang, licence, coding), if any."""
    if not any(line.comment is not None for line in module.header):
        return ""
    return cst.Module(body=[], header=module.header, default_newline=module.default_newline).code
