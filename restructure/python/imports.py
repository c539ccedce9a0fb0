"""Rewrite ``import`` and ``from ... import`` statements through a relocation map.

Relative imports stay relative (with a new depth when the file or the target moved) as
long as the target stays inside the same service; ``from pkg import submodule`` keeps
that shape (tests swap ``submodule.attr``), with an ``as`` alias when the module's own
name changes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

from restructure.python.modules import ModuleLocation
from restructure.relocation import RelocationMap


@dataclass(frozen=True)
class ImportContext:
    relocation: RelocationMap
    old: ModuleLocation | None
    new: ModuleLocation | None


def dotted_expr(dotted: str) -> cst.Attribute | cst.Name:
    parts = dotted.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def absolute_target(node: cst.ImportFrom, ctx: ImportContext) -> str | None:
    module = get_full_name_for_node(node.module) if node.module is not None else None
    level = len(node.relative)
    if level == 0:
        return module
    if ctx.old is None:
        return None
    return ctx.old.resolve(level, module)


def _depth_under(package: str, root: str) -> int | None:
    """How many package levels ``package`` lies below the top-level root ``root`` (None: not under it)."""
    if package == root:
        return 0
    return package.count(".") - root.count(".") if package.startswith(root + ".") else None


def _module_fields(target: str, relative: bool, ctx: ImportContext, level: int = 0) -> dict[str, object]:
    """``module`` and ``relative`` fields for importing from ``target`` (``level``: the dots
    of the original import).

    A relative import stays relative while the root the module is imported from (see
    :meth:`RelocationMap.rooted`) makes it part of a package deep enough for it; a module
    that runs top-level (``uvicorn main:app`` in the service folder), or an import that would
    climb out of the root's top package, gets the absolute name that root resolves. Only a
    root under which the original import worked counts: ``from .x import y`` in a module at the
    service folder's top never ran from the service folder, so that root says nothing about it."""
    if relative and ctx.new is not None:
        rel = ctx.new.relativize(target)
        root = ctx.relocation.root_of(ctx.new.name)
        old_depth = _depth_under(ctx.old.package, root) if ctx.old is not None and root is not None else None
        if root is not None and target.startswith(root + ".") and old_depth is not None and old_depth >= level:
            depth = ctx.new.package.count(".") - root.count(".") if ctx.new.package != root else 0
            if rel is None or rel[0] > depth:
                return {"relative": [], "module": dotted_expr(target[len(root) + 1 :])}
        if rel is not None:
            level, module = rel
            return {
                "relative": [cst.Dot()] * level,
                "module": dotted_expr(module) if module else None,
            }
    return {"relative": [], "module": dotted_expr(target)}


def rewrite_import_from(node: cst.ImportFrom, ctx: ImportContext) -> list[cst.ImportFrom] | None:
    """The statements replacing ``node`` (several when its names now live in different
    modules), or None when nothing changes."""
    target = absolute_target(node, ctx)
    if target is None:
        return None
    relocation = ctx.relocation
    new_target = relocation.map_module(target) or target
    relative = len(node.relative) > 0
    file_moved = ctx.old is not None and ctx.new is not None and ctx.old != ctx.new

    if isinstance(node.names, cst.ImportStar):
        if new_target == target and not (relative and file_moved):
            return None
        return [node.with_changes(**_module_fields(new_target, relative, ctx, len(node.relative)))]

    groups: dict[str, list[cst.ImportAlias]] = {}
    changed = new_target != target
    for alias in node.names:
        name = get_full_name_for_node(alias.name) or ""
        full = f"{target}.{name}"
        moved_submodule = relocation.map_module(full)
        symbol_home = relocation.symbols.get(full)
        if moved_submodule is not None:
            parent, _, new_name = moved_submodule.rpartition(".")
            if new_name != name:
                bound = alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
                alias = alias.with_changes(
                    name=cst.Name(new_name),
                    asname=cst.AsName(name=cst.Name(bound)) if bound != new_name else None,
                )
            groups.setdefault(parent, []).append(alias)
            changed = True
        elif symbol_home is not None:
            groups.setdefault(symbol_home, []).append(alias)
            changed = True
        else:
            groups.setdefault(new_target, []).append(alias)
    if not changed and not (relative and file_moved):
        return None
    if relative and file_moved and not changed:
        # Same target; only the depth may differ from the file's new place.
        fields = _module_fields(target, True, ctx, len(node.relative))
        if len(fields["relative"]) == len(node.relative) and _same_module(fields["module"], node.module):  # type: ignore[arg-type]
            return None
    if len(groups) == 1:
        module, aliases = next(iter(groups.items()))
        unchanged = all(a is b for a, b in zip(aliases, node.names, strict=True))
        names = node.names if unchanged else aliases
        return [node.with_changes(names=names, **_module_fields(module, relative, ctx, len(node.relative)))]
    statements = []
    for module, aliases in groups.items():
        aliases = [*aliases[:-1], _last_alias(aliases[-1], node)]
        statements.append(node.with_changes(names=aliases, **_module_fields(module, relative, ctx, len(node.relative))))
    return statements


def _last_alias(alias: cst.ImportAlias, node: cst.ImportFrom) -> cst.ImportAlias:
    """``alias`` as the last name of a statement split off ``node``. In a parenthesized,
    one-name-per-line list it keeps its comma and the comment after it, and the closing
    parenthesis goes on a line of its own; elsewhere a trailing comma is not allowed."""
    comma = alias.comma
    if node.rpar is not None and isinstance(comma, cst.Comma):
        after = comma.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace):
            closing = after.with_changes(empty_lines=[], last_line=cst.SimpleWhitespace(""))
            return alias.with_changes(comma=comma.with_changes(whitespace_after=closing))
    return alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _same_module(a: cst.BaseExpression | None, b: cst.BaseExpression | None) -> bool:
    if a is None or b is None:
        return a is b
    return get_full_name_for_node(a) == get_full_name_for_node(b)


def left_alone(node: ast.Import | ast.ImportFrom, ctx: ImportContext) -> bool:
    """True when :func:`rewrite_import` / :func:`rewrite_import_from` would return None for
    this statement, decided on CPython's parse of it (the same tests, in the same order);
    False also when unsure (a relative import in a moved file: its depth may change)."""
    relocation = ctx.relocation
    if isinstance(node, ast.Import):
        return all(relocation.map_module(alias.name) in (None, alias.name) for alias in node.names)
    if node.level:
        if ctx.old is None:
            return True  # no absolute target: rewrite_import_from leaves it
        if ctx.new is not None and ctx.old != ctx.new:
            return False
        target = ctx.old.resolve(node.level, node.module)
    else:
        target = node.module
    if target is None:
        return True
    if (relocation.map_module(target) or target) != target:
        return False
    names = [f"{target}.{alias.name}" for alias in node.names if alias.name != "*"]
    return all(relocation.map_module(full) is None and relocation.symbols.get(full) is None for full in names)


def rewrite_import(node: cst.Import, ctx: ImportContext) -> cst.Import | None:
    """``import a.b.c [as x]`` with each moved module renamed."""
    changed = False
    names = []
    for alias in node.names:
        dotted = get_full_name_for_node(alias.name) or ""
        new = ctx.relocation.map_module(dotted)
        if new is not None and new != dotted:
            alias = alias.with_changes(name=dotted_expr(new))
            changed = True
        names.append(alias)
    return node.with_changes(names=names) if changed else None
