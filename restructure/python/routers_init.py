"""Assemble ``routers/__init__.py`` from the includes of ``main.py``, keeping route order.

main.py includes routers one by one, each with its own prefix, tags and dependencies, in
an order that matters (``/x/templates`` before ``/x/{id}``). After a split one old router
can be several router objects in several files. This module builds ``api_router`` in
``routers/__init__.py``: one ``include_router`` per piece, with the include's prefix
(minus the part all includes share), tags and dependencies, in an order that keeps every
overlapping literal-before-parameter pair and otherwise moves as few routes as it can (see
:func:`~restructure.python.routes.order_pieces`), and makes main.py include ``api_router``
once with the shared prefix. Routers main.py does not include (a router left unmounted on
purpose) stay unmounted.

Each include line is main.py's own statement with the receiver, router and prefix changed,
so the comments above, inside and after it travel with it (with the first piece when the
router became several); no comment of main.py may get lost, which is checked. Routes that
still change place are reported one per line, and a committed OpenAPI document whose
``paths`` order changes is named with the command that regenerates it.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import tokenize
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol

import libcst as cst
import yaml
from libcst.helpers import get_full_name_for_node

from restructure.editset import VirtualTree
from restructure.python import syntax
from restructure.python.import_blocks import blocks, keep_blocks_sorted
from restructure.python.import_style import Import, ImportStyle, line_width
from restructure.python.modules import ModuleLocation
from restructure.python.routes import Placed, function_routes, order_pieces, router_objects
from restructure.python.symbols import ImportBinding, analyse, import_bindings, top_level_names
from restructure.relocation import RelocationMap, module_of
from restructure.text.yaml_load import SAFE

ASSEMBLED = "api_router"


class _Piece(Protocol):
    module: str
    var: str


@dataclass
class Include:
    """One ``app.include_router(...)`` statement of main.py."""

    statement: cst.SimpleStatementLine
    app: str
    expr: cst.BaseExpression
    prefix: str
    targets: list[tuple[str, str]] = field(default_factory=list)  # (module, var) pieces


def _file_of(tree: VirtualTree, module: str) -> str | None:
    base = module.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if tree.exists(candidate):
            return candidate
    return None


def _bindings(module: cst.Module) -> dict[str, ImportBinding]:
    """Import bindings at module level and inside top-level functions (lazy imports)."""
    found = import_bindings(module)
    for node in module.body:
        if isinstance(node, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock):
            inner = cst.Module(body=list(node.body.body))
            for name, binding in import_bindings(inner).items():
                found.setdefault(name, binding)
    return found


class _Resolver:
    def __init__(
        self,
        tree: VirtualTree,
        relocation: RelocationMap,
        pieces: dict[tuple[str, str], list[Any]],
        parse: Callable[[str], cst.Module],
    ) -> None:
        self.tree = tree
        self.relocation = relocation
        self.pieces = pieces
        self.module = parse

    def resolve(self, module: str, var: str, depth: int = 0) -> list[tuple[str, str]]:
        """The router objects (module, variable) that ``module.var`` stands for now."""
        if (module, var) in self.pieces:
            return [(p.module, p.var) for p in self.pieces[(module, var)]]
        if depth > 8:
            return []
        path = _file_of(self.tree, module)
        if path is None:
            moved = self.relocation.map_dotted_path(f"{module}.{var}")
            if moved and moved != f"{module}.{var}":
                new_module, _, new_var = moved.rpartition(".")
                return self.resolve(new_module, new_var, depth + 1)
            return []
        parsed = self.module(path)
        if var in router_objects(parsed):
            return [(module, var)]
        alias = _alias_of(parsed, var)
        if alias is not None:  # ``router = members_router``: a second name for another router
            return self.resolve(module, alias, depth + 1)
        if ("assign", var) in top_level_names(parsed):
            return [(module, var)]
        binding = import_bindings(parsed).get(var)
        if binding is None or binding.name is None:
            return []
        location = ModuleLocation.of(path)
        target = location.resolve(binding.level, binding.module) if binding.level and location else binding.module
        return self.resolve(target or "", binding.name, depth + 1) if target else []

    def routes(self, module: str, var: str, prefix: str, depth: int = 0) -> list[tuple[frozenset[str], str, str]]:
        """(methods, full path, function) of a router object, nested includes followed."""
        path = _file_of(self.tree, module)
        if path is None or depth > 8:
            return []
        parsed = self.module(path)
        routers = router_objects(parsed)
        own = routers.get(var)
        full_prefix = prefix + (own.prefix if own else "")
        out: list[tuple[frozenset[str], str, str]] = []
        bindings = import_bindings(parsed)
        location = ModuleLocation.of(path)
        for node in parsed.body:
            if isinstance(node, cst.FunctionDef):
                for route in function_routes(node, routers, 0):
                    if route.router == var:
                        out.append((route.methods, full_prefix + route.path, route.function))
            elif isinstance(node, cst.SimpleStatementLine):
                call = _include_call(node)
                if call is None or get_full_name_for_node(call.func.value) != var:  # type: ignore[attr-defined]
                    continue
                child = _expr_target(call.args[0].value, bindings, location)
                prefix_arg = _kw(call, "prefix")
                child_prefix = _string(prefix_arg.value) if prefix_arg else ""
                if child:
                    for cm, cv in self.resolve(*child):
                        out.extend(self.routes(cm, cv, full_prefix + (child_prefix or ""), depth + 1))
        return out


def _alias_of(module: cst.Module, var: str) -> str | None:
    """``other`` when the module's last top-level binding of ``var`` is the plain ``var = other``."""
    found: str | None = None
    for node in module.body:
        if not isinstance(node, cst.SimpleStatementLine):
            continue
        for small in node.body:
            if isinstance(small, cst.Assign) and any(
                isinstance(t.target, cst.Name) and t.target.value == var for t in small.targets
            ):
                value = small.value
                found = value.value if isinstance(value, cst.Name) and value.value != var else None
    return found


def _string(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _kw(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _include_call(node: cst.SimpleStatementLine) -> cst.Call | None:
    if len(node.body) != 1 or not isinstance(node.body[0], cst.Expr):
        return None
    call = node.body[0].value
    if (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "include_router"
        and call.args
    ):
        return call
    return None


def _expr_target(
    expr: cst.BaseExpression, bindings: dict[str, ImportBinding], location: ModuleLocation | None
) -> tuple[str, str] | None:
    def absolute(binding: ImportBinding) -> str | None:
        if binding.level and location is not None:
            return location.resolve(binding.level, binding.module)
        return binding.module

    if isinstance(expr, cst.Name):
        binding = bindings.get(expr.value)
        if binding is None or binding.name is None:
            return None
        module = absolute(binding)
        return (module, binding.name) if module else None
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
        binding = bindings.get(expr.value.value)
        if binding is None:
            return None
        module = absolute(binding)
        if binding.name is not None:
            module = f"{module}.{binding.name}" if module else binding.name
        return (module, expr.attr.value) if module else None
    return None


def _common_prefix(prefixes: list[str]) -> str:
    split = [p.rstrip("/").split("/") for p in prefixes]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if all(p == parts[0] for p in parts):
            common.append(parts[0])
        else:
            break
    return "/".join(common)


def _main_includes(module: cst.Module) -> list[tuple[list[cst.BaseStatement], Include]]:
    found = []
    bodies: list[list[cst.BaseStatement]] = [list(module.body)]
    for node in module.body:
        if isinstance(node, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock):
            bodies.append(list(node.body.body))
    for body in bodies:
        for node in body:
            if not isinstance(node, cst.SimpleStatementLine):
                continue
            call = _include_call(node)
            if call is None:
                continue
            prefix_arg = _kw(call, "prefix")
            prefix = (_string(prefix_arg.value) or "") if prefix_arg else ""
            app = get_full_name_for_node(call.func.value) or "app"  # type: ignore[attr-defined]
            found.append((body, Include(node, app, call.args[0].value, prefix)))
    return found


def assemble(
    tree: VirtualTree,
    relocation: RelocationMap,
    main_path: str,
    package_dir: str,
    pieces: dict[tuple[str, str], list[Any]],
    parse: Callable[[str], cst.Module],
    style: ImportStyle | None = None,
    outline: Callable[[str], cst.Module] | None = None,
) -> Assembly | None:
    """New texts of ``routers/__init__.py`` and ``main.py`` and what the report says; None if
    already done.

    ``parse`` returns the parsed module of a path in ``tree`` (the phase's shared parses);
    ``style`` is the target's import style, which the assembled module's imports follow;
    ``outline`` (default ``parse``) returns a module good for its module-level statements and
    its definitions' heads only (:mod:`restructure.python.outline`): all that following the
    routers through the modules that define them reads.
    """
    package = module_of(f"{package_dir}/__init__.py") or ""
    main_module = parse(main_path)
    bindings = _bindings(main_module)
    location = ModuleLocation.of(main_path)
    resolver = _Resolver(tree, relocation, pieces, outline or parse)
    includes = _main_includes(main_module)
    chosen: list[Include] = []
    body_of: list[list[cst.BaseStatement]] = []
    for body, include in includes:
        target = _expr_target(include.expr, bindings, location)
        if target is None:
            continue
        include.targets = resolver.resolve(*target)
        if include.targets and all(m == package or m.startswith(package + ".") for m, _ in include.targets):
            chosen.append(include)
            body_of.append(body)
    if not chosen:
        return None
    if len(chosen) == 1 and chosen[0].targets == [(package, ASSEMBLED)]:
        return None
    body = body_of[0]
    if any(b is not body for b in body_of):
        raise ValueError(f"{main_path}: the routers to assemble are included from different functions")
    positions = [body.index(i.statement) for i in chosen]
    between = [
        body[k]
        for k in range(positions[0], positions[-1] + 1)
        if k not in positions and _include_call(body[k]) is not None  # type: ignore[arg-type]
    ]
    if between:
        raise ValueError(
            f"{main_path}: another router is included between the service's routers; "
            "assembling them would change the route order"
        )
    common = _common_prefix([i.prefix for i in chosen])
    # pieces in main.py's order; each keeps its include's remaining prefix and other arguments
    labels: list[str] = []
    piece_include: list[Include] = []
    piece_target: list[tuple[str, str]] = []
    raw: list[tuple[tuple[int, int, int], str, frozenset[str], str, int]] = []
    split_lines = {(p.module, p.var): p.lines for group in pieces.values() for p in group}
    for number, include in enumerate(chosen):
        for module, var in include.targets:
            index = len(labels)
            labels.append(f"{module.rsplit('.', 1)[-1]}.{var}")
            piece_include.append(include)
            piece_target.append((module, var))
            lines = split_lines.get((module, var), {})
            for seq, (methods, path, function) in enumerate(resolver.routes(module, var, include.prefix)):
                # routes of a split router keep their place in the old module
                key = (number, lines.get(function, 0), seq if not lines else 0)
                raw.append((key, path, methods, function, index))
    # position: place in the old registration sequence; the list keeps each piece's file order
    rank = {i: n for n, i in enumerate(sorted(range(len(raw)), key=lambda i: raw[i][0]))}
    placed = [
        Placed(path, methods, function, index, rank[i]) for i, (_, path, methods, function, index) in enumerate(raw)
    ]
    try:
        order = order_pieces(placed, labels)
    except ValueError as exc:
        raise ValueError(f"{main_path}: cannot assemble {package_dir}/__init__.py: {exc}") from exc
    init_path = f"{package_dir}/__init__.py"
    try:
        init_text = _init_text(tree, init_path, package, main_module, bindings, location, chosen, common,
                               order.order, piece_include, piece_target, parse, style or ImportStyle())  # fmt: skip
    except ValueError as exc:  # an include argument main.py binds only in a function
        raise ValueError(f"{main_path}: {exc}") from exc
    new_main = _main_module(main_module, chosen, common, package)
    # an import block main.py kept sorted stays sorted with the assembled router's import in it
    sorted_code = keep_blocks_sorted(main_module.code, new_main.code, style or ImportStyle())
    if sorted_code != new_main.code:
        new_main = cst.parse_module(sorted_code)
    _check_comments(main_path, main_module.code, new_main.code, init_path, init_text, tree)
    summary = f"{len(labels)} router(s) in {len(order.constraints)} ordered pair(s); main.py includes {ASSEMBLED}"
    if order.displaced:
        summary += f"; {len(order.displaced)} of {len(placed)} route(s) change place"
    notes = [
        f"{init_path}: route order: {'/'.join(sorted(route.methods))} {route.full_path}"
        f" #{route.position + 1} -> #{new + 1} of the {len(placed)} routes {ASSEMBLED} registers"
        for route, new in order.displaced
    ]
    documents = openapi_documents(tree, placed, order.sequence)
    return Assembly({init_path: init_text, main_path: new_main.code}, summary, {main_path: new_main}, notes, documents)


@dataclass
class Assembly:
    """What :func:`assemble` produced: new texts, a one-line summary, main.py's new module,
    one report note per route that changes place, and committed OpenAPI documents to regenerate
    as (path, command)."""

    texts: dict[str, str]
    summary: str
    modules: dict[str, cst.Module]
    notes: list[str] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)


def _comments(text: str) -> Counter[str]:
    """Every comment token of a Python text (the text tokenizes: it parsed)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(t.string.rstrip() for t in tokens if t.type == tokenize.COMMENT)


def _check_comments(main_path: str, old_main: str, new_main: str, init_path: str, init_text: str,
                    tree: VirtualTree) -> None:  # fmt: skip
    """Refuse to lose a comment of main.py: each one is in the new main.py or the assembled module."""
    before_init = _comments(tree.read(init_path)) if tree.exists(init_path) else Counter()
    kept = _comments(new_main) + (_comments(init_text) - before_init)
    missing = _comments(old_main) - kept
    if missing:
        raise ValueError(
            f"{main_path}: assembling {init_path} would drop the comment {next(iter(missing))!r}; "
            "move it next to a statement that stays, then rerun"
        )


def _init_text(
    tree: VirtualTree,
    init_path: str,
    package: str,
    main_module: cst.Module,
    bindings: dict[str, ImportBinding],
    location: ModuleLocation | None,
    chosen: list[Include],
    common: str,
    order: list[int],
    piece_include: list[Include],
    piece_target: list[tuple[str, str]],
    parse: Callable[[str], cst.Module],
    style: ImportStyle,
) -> str:
    existing = tree.read(init_path) if tree.exists(init_path) else ""
    # only a placeholder docstring (what a split leaves): write the file afresh, no LibCST parse needed
    existing_module = parse(init_path) if _has_code(existing) else None
    submodules = sorted({m.rsplit(".", 1)[-1] for m, _ in piece_target if m != package})
    used_names: set[str] = set()
    lines: list[str] = [f"{ASSEMBLED} = APIRouter()\n"]
    placed_includes: set[int] = set()
    for index in order:
        include = piece_include[index]
        module, var = piece_target[index]
        ref = var if module == package else f"{module.rsplit('.', 1)[-1]}.{var}"
        first = id(include) not in placed_includes  # an include's comments go with its first piece
        placed_includes.add(id(include))
        statement = _assembled_include(include, ref, include.prefix[len(common) :])
        if first:
            lines.extend(_leading_text(include.statement.leading_lines, top=len(lines) == 1))
        else:
            statement = statement.visit(_DropComments())
        lines.append(_fitted(statement, style))
        for arg in include.statement.body[0].value.args[1:]:  # type: ignore[attr-defined]
            used_names |= _names(arg.value)  # a literal prefix names nothing
    constants, needed = _module_constants(main_module, used_names - set(bindings), set(bindings))
    used_names |= needed
    lines[0] = "".join(f"{code}\n" for code in constants) + lines[0]
    after_imports = "\n" * style.blank_lines_after(False)
    imports: list[Import] = [Import("fastapi", names=(("APIRouter", None),))]
    for name in sorted(used_names):
        binding = bindings.get(name)
        if binding is None or binding.name is None:
            continue
        module = location.resolve(binding.level, binding.module) if binding.level and location else binding.module
        alias = None if binding.bound == binding.name else binding.bound
        imports.append(Import(module or "", names=((binding.name, alias),)))
    if submodules:
        imports.append(Import(package, names=tuple((name, None) for name in submodules)))
    if existing_module is None:
        head = f'"""The service\'s routers, assembled into ``{ASSEMBLED}`` in the order main.py used."""\n\n'
        return (
            head + style.render(imports) + after_imports + "".join(lines) + f"\n__all__ = [{style.string(ASSEMBLED)}]\n"
        )
    # keep what the package already assembles; add ours after it
    text = existing if existing.endswith("\n") else existing + "\n"
    body_start = _after_imports(existing_module)
    head, tail = text[:body_start], text[body_start:]
    bound = set(import_bindings(existing_module))
    head = _with_imports(head, [i for i in imports if not {a or n for n, a in i.names} <= bound], style)
    if "__all__ = [" in tail:  # one entry more, in the list's own layout (one line, or one name a line)
        at = tail.index("__all__ = [") + len("__all__ = [")
        name = style.string(ASSEMBLED)
        entry = {"\n": f"\n    {name},", "]": name}.get(tail[at : at + 1], f"{name}, ")
        tail = tail[:at] + entry + tail[at:]
    if "__all__" not in tail:
        tail += f"\n__all__ = [{style.string(ASSEMBLED)}]\n"
    before_all, sep, after_all = tail.partition("__all__")
    kept = before_all.rstrip("\n")  # the package's own statements between its imports and __all__
    return head + (kept + "\n\n" if kept.strip() else after_imports) + "".join(lines) + "\n" + sep + after_all


def _module_constants(module: cst.Module, names: set[str], imported: set[str]) -> tuple[list[str], set[str]]:
    """The module-level assignments of main.py that the include arguments read (``prefix=API``
    with ``API = "/api/v1"`` in main.py), with those they read in turn, as their exact source
    text in main.py's order; and the names of ``imported`` (main.py's imports) they read. The assembled module cannot
    import them from main.py (main.py imports it first), so it carries its own copy.

    Raises ValueError for a name main.py binds only inside a function.
    """
    assigned: dict[str, tuple[int, cst.SimpleStatementLine]] = {}
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else (
                [small.target] if isinstance(small, cst.AnnAssign) and small.value is not None else []
            )  # fmt: skip
            for target in targets:
                if isinstance(target, cst.Name):
                    assigned[target.value] = (index, statement)
    chosen: dict[int, cst.SimpleStatementLine] = {}
    needed: set[str] = set()
    pending = sorted(names)
    while pending:
        name = pending.pop()
        if name in imported:
            needed.add(name)
        elif name in assigned:
            index, statement = assigned[name]
            if index not in chosen:
                chosen[index] = statement
                pending.extend(sorted(_names(statement.body[0]) - {name}))
        elif not hasattr(builtins, name):
            raise ValueError(
                f"an include_router argument reads {name!r}, which main.py does not bind at module level; "
                "define it at module level in main.py (or write the value in the include), then rerun"
            )
    codes = [cst.Module(body=[chosen[i].with_changes(leading_lines=[])]).code for i in sorted(chosen)]
    return codes, needed


def _with_imports(head: str, imports: list[Import], style: ImportStyle) -> str:
    """``head`` (a module's text up to its last import) with ``imports`` added.

    An import block already in the target's isort form takes them in that form (the user's
    lines keep their text, ours go where the sorter puts them); any other block is left as
    written and ours follow it.
    """
    if not imports:
        return head
    found = blocks(head)
    lines = head.splitlines()
    if found:
        last = found[-1]
        block_text = "\n".join(lines[last.first - 1 : last.last]) + "\n"
        if style.render(last.imports, last.indent) == block_text and last.last == len(lines):
            merged = style.render([*last.imports, *imports], last.indent)
            return "\n".join([*lines[: last.first - 1], *merged.splitlines()]) + "\n"
    return head + style.render(imports)


def _leading_text(leading: Sequence[cst.EmptyLine], top: bool) -> list[str]:
    """An include's comment and blank lines above it, as lines of the assembled module.

    Blank lines keep main.py's grouping, except above the first include (it follows
    ``api_router = APIRouter()`` directly).
    """
    out = [f"{line.comment.value}\n" if line.comment is not None else "\n" for line in leading]
    while top and out and out[0] == "\n":
        out.pop(0)
    return out


def _assembled_include(include: Include, ref: str, rest: str) -> cst.SimpleStatementLine:
    """main.py's include statement made into ``api_router.include_router(<piece>, ...)``.

    The statement is edited, not rebuilt, so its layout and every comment inside and after it
    stay: only the receiver, the router argument and the prefix (minus the shared part) change.
    """
    statement = include.statement
    call = statement.body[0].value  # type: ignore[attr-defined]
    args = list(call.args)
    args[0] = args[0].with_changes(value=cst.parse_expression(ref))
    at = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "prefix"), None)
    if at is not None and _string(args[at].value) is None:
        at = None  # a prefix the code computes stays as written (it is not part of the shared prefix)
    if at is not None and rest:
        old = args[at].value
        quote = old.quote if isinstance(old, cst.SimpleString) else '"'
        args[at] = args[at].with_changes(value=cst.SimpleString(f"{quote}{rest}{quote}"))
    elif at is not None and at > 0:
        removed = args.pop(at)
        before = args[at - 1]
        comma = _join_commas(before.comma, removed.comma)
        if at == len(args):  # it was the last argument: what stood before ``)`` stays there
            before = before.with_changes(whitespace_after_arg=removed.whitespace_after_arg)
            if not isinstance(removed.comma, cst.Comma) and not _has_comment(before.comma):
                comma = cst.MaybeSentinel.DEFAULT
        args[at - 1] = before.with_changes(comma=comma)
    func = call.func.with_changes(value=cst.Name(ASSEMBLED))
    new_call = call.with_changes(func=func, args=args)
    return statement.with_changes(body=[statement.body[0].with_changes(value=new_call)], leading_lines=())


def _fitted(statement: cst.SimpleStatementLine, style: ImportStyle) -> str:
    """The assembled include on one line when it fits the target's line length, else wrapped
    as ruff format and black wrap a call: the arguments on one indented line if they fit
    there, else one per line with a trailing comma; a trailing comment stays after ``)``.

    ``api_router.include_router(piece.router, ...)`` is longer than main.py's
    ``app.include_router(router, ...)``: a line that fitted can outgrow the limit. An include
    written over several lines (or with a comment inside) keeps its own layout.
    """
    code = cst.Module(body=[statement]).code
    line = code.rstrip("\n")
    if "\n" in line or line_width(line) <= style.line_length:
        return code
    call = statement.body[0].value  # type: ignore[attr-defined]
    empty = cst.Module(body=[])
    bare = [
        empty.code_for_node(
            a.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace(""))
        )
        for a in call.args
    ]
    magic = bool(call.args) and isinstance(call.args[-1].comma, cst.Comma)
    hugged = style.indent + ", ".join(bare)
    body = (
        f"{hugged}\n"
        if not magic and line_width(hugged) <= style.line_length
        else "".join(f"{style.indent}{a},\n" for a in bare)
    )
    after = empty.code_for_node(statement.trailing_whitespace)
    return f"{empty.code_for_node(call.func)}(\n{body}){after}"


def _join_commas(
    kept: cst.Comma | cst.MaybeSentinel, removed: cst.Comma | cst.MaybeSentinel
) -> cst.Comma | cst.MaybeSentinel:
    """The comma after an argument whose next argument is dropped.

    The dropped argument's comma leads to what follows (the next argument, or ``)`` on its
    own line); comments after either comma stay, in their order.
    """
    if not isinstance(kept, cst.Comma):
        return removed
    if not isinstance(removed, cst.Comma):
        return kept
    before, after = kept.whitespace_after, removed.whitespace_after
    if isinstance(before, cst.ParenthesizedWhitespace) and isinstance(after, cst.ParenthesizedWhitespace):
        comment = after.first_line.comment
        moved = [cst.EmptyLine(indent=before.indent, whitespace=before.last_line, comment=comment)] if comment else []
        lines = [*before.empty_lines, *moved, *after.empty_lines]
        return removed.with_changes(
            whitespace_after=after.with_changes(first_line=before.first_line, empty_lines=lines)
        )
    return kept if _has_comment(kept) else removed


def _has_comment(node: cst.CSTNode) -> bool:
    found = False

    class _V(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            nonlocal found
            found = True

    node.visit(_V())
    return found


class _DropComments(cst.CSTTransformer):
    """Strip comments from a copy of an include (its first piece already carries them)."""

    def leave_TrailingWhitespace(
        self, original_node: cst.TrailingWhitespace, updated_node: cst.TrailingWhitespace
    ) -> cst.TrailingWhitespace:
        return updated_node.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine | cst.RemovalSentinel:
        return cst.RemovalSentinel.REMOVE if updated_node.comment is not None else updated_node


def _after_imports(module: cst.Module) -> int:
    """Character offset just after the last top-level import of ``module``."""
    last = None
    for node in module.body:
        if isinstance(node, cst.SimpleStatementLine) and all(
            isinstance(s, cst.Import | cst.ImportFrom) for s in node.body
        ):
            last = node
    if last is None:
        return 0
    code = module.code
    upto = cst.Module(body=module.body[: module.body.index(last) + 1], header=module.header).code
    return len(upto) if code.startswith(upto) else 0


def _names(expr: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            head = get_full_name_for_node(node)
            if head:
                found.add(head.split(".")[0])
            return False

    expr.visit(_V())
    return found


class _MainRewriter(cst.CSTTransformer):
    def __init__(self, chosen: list[Include], common: str, package: str) -> None:
        self.first = chosen[0].statement
        self.drop = {id(i.statement) for i in chosen[1:]}
        self.chosen_ids = {id(i.statement) for i in chosen}
        self.common = common
        self.package = package
        self.app = chosen[0].app
        self.old_names: set[str] = set()
        for include in chosen:
            # the router and every name its arguments use (``Depends``, a dependency) now live in the
            # assembled module; the pruner drops the imports main.py no longer needs
            for arg in include.statement.body[0].value.args:  # type: ignore[attr-defined]
                self.old_names |= _names(arg.value)
        self.import_added = False
        # the shared prefix is written with the quotes main.py's own prefix strings use
        prefixes = [_kw(i.statement.body[0].value, "prefix") for i in chosen]  # type: ignore[attr-defined]
        literal = next((a.value for a in prefixes if a is not None and isinstance(a.value, cst.SimpleString)), None)
        self.quote = literal.quote if literal is not None else '"'

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if original_node is self.first:
            args = f"{ASSEMBLED}, prefix={self.quote}{self.common}{self.quote}" if self.common else ASSEMBLED
            new = cst.parse_statement(f"{self.app}.include_router({args})\n")
            assert isinstance(new, cst.SimpleStatementLine)
            # the blank lines above the block stay; its comments go with their includes
            blank = []
            for line in original_node.leading_lines:
                if line.comment is not None:
                    break
                blank.append(line)
            return new.with_changes(leading_lines=blank)
        if id(original_node) in self.drop:
            return cst.RemovalSentinel.REMOVE
        return updated_node


def _has_code(text: str) -> bool:
    """True when ``text`` holds more than a module docstring."""
    body = syntax.parse(text).body
    return len(body) > int(bool(body) and ast.get_docstring(ast.Module(body=body[:1], type_ignores=[])) is not None)


def _main_module(module: cst.Module, chosen: list[Include], common: str, package: str) -> cst.Module:
    rewriter = _MainRewriter(chosen, common, package)
    new = module.visit(rewriter)
    used = set().union(*(st.uses | st.hint_uses for st in analyse(new).statements))
    stmt = cst.parse_statement(f"from {package} import {ASSEMBLED}\n")
    assert isinstance(stmt, cst.SimpleStatementLine)
    pruner = _ImportPruner(rewriter.old_names - used, stmt)
    new = new.visit(pruner)
    if pruner.replaced:
        return new
    body = list(new.body)
    last_import = max(
        (i for i, n in enumerate(body) if isinstance(n, cst.SimpleStatementLine)
         and all(isinstance(s, cst.Import | cst.ImportFrom) for s in n.body)),
        default=-1,
    )  # fmt: skip
    body.insert(last_import + 1, stmt)
    return new.with_changes(body=body)


class _ImportPruner(cst.CSTTransformer):
    """Drop import aliases that bound one of ``names`` (now unused) anywhere in the module.

    The first module-level import line that goes entirely becomes ``replacement`` (the import
    of the assembled router takes its place and its group); the comment and blank lines above
    any other import line that goes pass to the statement after it, so none is lost.
    """

    def __init__(self, names: set[str], replacement: cst.SimpleStatementLine) -> None:
        self.names = names
        self.replacement = replacement
        self.replaced = False
        self.emptied: dict[int, cst.SimpleStatementLine] = {}  # placeholders of lines that lost every import

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if updated_node.body:
            return updated_node
        placeholder = updated_node.with_changes(body=[cst.Pass()])  # an empty line would vanish with its comments
        self.emptied[id(placeholder)] = placeholder
        return placeholder

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = [a for a in updated_node.names if _bound(a) not in self.names]
        if not kept:
            return cst.RemovalSentinel.REMOVE
        if len(kept) == len(updated_node.names):
            return updated_node
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body, footer = self._sweep(updated_node.body, replace=False)
        return updated_node.with_changes(body=body, footer=[*footer, *updated_node.footer])

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body, footer = self._sweep(updated_node.body, replace=True)
        return updated_node.with_changes(body=body, footer=[*footer, *updated_node.footer])

    def _sweep(
        self, body: Sequence[cst.BaseStatement], replace: bool
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """``body`` without emptied import lines; what stood above one goes to the next statement."""
        out: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for node in body:
            if id(node) in self.emptied:
                if replace and not self.replaced:
                    out.append(self.replacement.with_changes(leading_lines=[*carried, *node.leading_lines]))
                    self.replaced, carried = True, []
                else:
                    carried.extend(node.leading_lines)
                continue
            if carried:
                own = list(node.leading_lines)  # type: ignore[attr-defined]
                only_blank = all(line.comment is None for line in carried)
                node = node.with_changes(leading_lines=own if own and only_blank else [*carried, *own])
                carried = []
            out.append(node)
        return out, carried


def _bound(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return get_full_name_for_node(alias.asname.name) or ""
    return (get_full_name_for_node(alias.name) or "").split(".")[0]


# --------------------------------------------------------------------------- committed OpenAPI documents

_DOC_SUFFIXES = (".json", ".yaml", ".yml")
_WRITES = ("write_text(", "json.dump(", "yaml.dump(", "yaml.safe_dump(", ".write(")


def _paths_order(routes: list[Placed]) -> list[str]:
    """The ``paths`` keys an OpenAPI document lists for ``routes`` (first registration wins)."""
    seen: dict[str, None] = {}
    for route in routes:
        if route.methods != {"WEBSOCKET"}:
            seen.setdefault(route.full_path, None)
    return list(seen)


def _document_paths(text: str, path: str) -> list[str] | None:
    try:
        data = json.loads(text) if path.endswith(".json") else SAFE.load(text)
    except (ValueError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("paths"), dict):
        return None
    return [str(p) for p in data["paths"]]


def openapi_documents(tree: VirtualTree, before: list[Placed], after: list[Placed]) -> list[tuple[str, str]]:
    """Committed OpenAPI documents whose ``paths`` order the new include order changes, each with
    the command that regenerates it.

    A document counts when it is tracked, named like an OpenAPI document (``openapi`` in its
    name or directory), lists some of the service's paths, and lists them in the old
    registration order (a document written with sorted keys does not change).
    """
    old = _paths_order(sorted(before, key=lambda r: r.position))
    new = _paths_order(after)
    if old == new:
        return []
    found: list[tuple[str, str]] = []
    for path in sorted(tree.files):
        pure = PurePosixPath(path)
        if pure.suffix not in _DOC_SUFFIXES or not any("openapi" in part.lower() for part in pure.parts):
            continue
        listed = _document_paths(tree.read(path), path)
        if not listed:
            continue
        ours = set(listed) & set(old)
        if not ours:
            continue
        in_document = [p for p in listed if p in ours]
        if in_document == [p for p in old if p in ours] and in_document != [p for p in new if p in ours]:
            found.append((path, _regenerate_command(tree, path)))
    return found


def _regenerate_command(tree: VirtualTree, document: str) -> str:
    """The tracked script that writes ``document`` (it calls ``.openapi()`` and writes a file),
    as a command to run from the repository root; "regenerate it from the app" when none does."""
    doc = PurePosixPath(document)
    best: tuple[int, str] | None = None
    for path in sorted(tree.files):
        pure = PurePosixPath(path)
        if pure.suffix not in {".py", ".sh"} or path == document:
            continue
        text = tree.read(path)
        if "openapi" not in text:
            continue
        if pure.suffix == ".py" and ("__main__" not in text or not any(w in text for w in _WRITES)):
            continue
        if not any(call in text for call in (".openapi()", "get_openapi(", "openapi.json", "openapi.yaml")):
            continue
        score = 2 * (doc.name in text) + (f'"{doc.parent.name}"' in text or f"'{doc.parent.name}'" in text)
        score += ".openapi()" in text or "get_openapi(" in text
        if best is None or score > best[0]:
            best = (score, path)
    if best is None:
        return "regenerate it from the app"
    runner = "python" if best[1].endswith(".py") else "sh"
    return f"{runner} {best[1]} (from the repository root)"
