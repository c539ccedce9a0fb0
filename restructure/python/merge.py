"""Merge several modules into one file, and the helpers a re-exporting package needs.

A merge keeps every top-level definition unchanged and in source order (the target's own
definitions first), unions the imports (an import of a name that the merge makes local is
dropped; an import through the package hub is pointed at the defining sibling so the
package does not import itself half-initialised), and refuses when two sources define the
same name: two different functions that share a name are never merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

import libcst as cst

from restructure.python.compose import generated_module, is_definition, separated
from restructure.python.import_style import Import, ImportStyle
from restructure.python.modules import ModuleLocation
from restructure.python.split import Reexport, carry_comments, reexport_module, with_comments_above
from restructure.python.symbols import ModuleSymbols, Statement, analyse, is_docstring, top_level_names

SCHEMA_BASES = {"BaseModel", "RootModel"}


class MergeError(ValueError):
    """Two sources define the same name, or a source cannot be placed."""


def defined_names(module: cst.Module) -> list[str]:
    return list(dict.fromkeys(name for _, name in top_level_names(module)))


def public_names(module: cst.Module) -> list[str]:
    """Names a package ``__init__`` re-exports: public classes, functions and constants."""
    return [name for name in defined_names(module) if not name.startswith("_") and name != "__all__"]


def init_text(
    exports: dict[str, list[str]], package: str, reexports: Sequence[Reexport] = (), style: ImportStyle | None = None
) -> str:
    """A new package ``__init__``: every public name of its files, the imported names a split or
    merge keeps importable from the old dotted name, and ``__all__`` (see
    :func:`restructure.python.split.imported_reexports` for which imported names it lists)."""
    docstring = f'"""Re-exports every public name of the {package} package, so existing imports keep working."""'
    bound = {n for names in exports.values() for n in names}
    imports = [Import(module, 1, tuple((n, None) for n in names)) for module, names in sorted(exports.items()) if names]
    fresh = [r for r in reexports if r.name not in bound]
    listed = sorted(bound | {r.name for r in fresh if r.in_all})
    return reexport_module(docstring, imports, fresh, listed, style or ImportStyle())


def schema_classes(module: cst.Module) -> list[str]:
    """Top-level classes deriving (directly or through each other) from a Pydantic base."""
    found: list[str] = []
    for node in module.body:
        if not isinstance(node, cst.ClassDef):
            continue
        bases = {_base_name(arg.value) for arg in node.bases}
        if bases & SCHEMA_BASES or bases & set(found):
            found.append(node.name.value)
    return found


def _base_name(expr: cst.BaseExpression) -> str:
    if isinstance(expr, cst.Subscript):
        expr = expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else ""


def _absolute(binding_module: str | None, level: int, location: ModuleLocation | None) -> str | None:
    if not level:
        return binding_module
    return location.resolve(level, binding_module) if location else None


def merge_modules(
    parts: list[tuple[str, cst.Module]],
    into: str,
    siblings: dict[str, str],
    sources: dict[str, str] | None = None,
    style: ImportStyle | None = None,
) -> tuple[str, dict[str, list[str]], cst.Module]:
    """Text of ``into`` holding every part's definitions, the names each part defined, and its module.

    ``siblings`` maps names defined by other files of the target package to their module;
    ``sources`` holds the parts' texts when the caller has them (path -> text).
    """
    target = ModuleLocation.of(into)
    if target is None:
        raise MergeError(f"{into}: not an importable module path")
    target_package = target.package
    analysed: list[tuple[str, ModuleSymbols]] = [
        (path, analyse(module, (sources or {}).get(path))) for path, module in parts
    ]
    owner: dict[str, str] = {}
    defined: dict[str, list[str]] = {}
    for path, ms in analysed:
        names = [n for st in ms.statements if st.kind not in {"import", "type-checking"} for n in st.defines]
        names = [n for n in names if n != "__all__"]
        defined[path] = names
        for name in names:
            if name in owner and owner[name] != path:
                raise MergeError(
                    f"{path}: defines {name!r}, which {owner[name]} defines too; "
                    "rename one of them before merging (different definitions are never merged)"
                )
            owner[name] = path
    merged_modules = {loc.name for p, _ in parts if (loc := ModuleLocation.of(p)) is not None}
    hub = target_package if PurePosixPath(into).name != "__init__.py" else None
    futures: list[str] = []
    runtime: dict[tuple[str, int], list[str]] = {}
    checking: dict[tuple[str, int], list[str]] = {}
    plain: list[str] = []
    body: list[cst.BaseStatement] = []
    docstring: str | None = None  # the exact text of the first part's docstring statement
    header: list[cst.EmptyLine] = []
    left: list[cst.EmptyLine] = []
    for number, (path, ms) in enumerate(analysed):
        location = ModuleLocation.of(path)
        futures.extend(f for f in ms.future_imports if f not in futures)
        first = next((st for st in ms.statements if is_docstring(st)), None)
        if docstring is None and first is not None:
            docstring = ms.module.code_for_node(first.node)
        if number == 0:
            header = list(ms.module.header)
        elif ms.module.header:  # a later part's header comments go above its first statement
            left.extend(line for line in ms.module.header if line.comment is not None)
        for binding in ms.imports.values():
            absolute = _absolute(binding.module, binding.level, location)
            if binding.name is None:
                module = binding.module or ""
                text = (
                    f"import {module}"
                    if binding.bound == module.split(".")[0]
                    else f"import {module} as {binding.bound}"
                )
                if text not in plain:
                    plain.append(text)
                continue
            if absolute in merged_modules and binding.name in owner:
                continue  # the name is defined in the merged file itself
            if absolute == hub and binding.name in siblings:
                absolute = siblings[binding.name]
            if absolute in merged_modules:
                raise MergeError(f"{path}: imports {binding.name!r} from {absolute}, which the merge removes")
            alias = binding.name if binding.bound == binding.name else f"{binding.name} as {binding.bound}"
            level, module = 0, absolute or ""
            if binding.level and target is not None and absolute:
                rel = target.relativize(absolute)
                if rel is not None:
                    level, module = rel[0], rel[1] or ""
            bucket = checking if binding.type_checking else runtime
            names = bucket.setdefault((module, level), [])
            if alias not in names:
                names.append(alias)
        kept = {st.index for st in ms.statements if not _skip(st, ms)}
        if left and kept:
            target = ms.statements[min(kept)]
            target.node = with_comments_above(target.node, left)
            left = []
        left.extend(carry_comments(ms.statements, kept))
        left.extend(line for line in ms.module.footer if line.comment is not None)
        previous: int | None = None
        for st in (st for st in ms.statements if st.index in kept):
            # statements keep their own blank lines; where two files meet (or a dropped import
            # stood), a definition gets the gap a formatter puts around it
            seam = previous is None or previous != st.index - 1
            near_definition = is_definition(st.node) or bool(body and is_definition(body[-1]))
            body.append(separated(st.node) if seam and near_definition else st.node)
            previous = st.index
    imports = [Import("__future__", names=tuple((f, None) for f in futures))] if futures else []
    for text in plain:
        words = text.split()  # ``import x`` or ``import x as y``
        imports.append(Import(words[1], alias=words[3] if len(words) == 4 else None))
    imports.extend(_from_imports(runtime))
    if checking and not any("TYPE_CHECKING" in n for n in runtime.values()):
        imports.append(Import("typing", names=(("TYPE_CHECKING", None),)))
    head = ""
    if any(line.comment is not None for line in header):
        head = cst.Module(body=[], header=header, default_newline=parts[0][1].default_newline).code
    merged = generated_module(
        docstring, imports, _from_imports(checking), body, parts[0][1], style or ImportStyle(), head
    )
    left = [line for line in left if line.comment is not None]
    if left:
        merged = merged.with_changes(footer=[*merged.footer, *left])
    return merged.code, defined, merged


def _from_imports(grouped: dict[tuple[str, int], list[str]]) -> list[Import]:
    """``from`` imports from (module, level) -> ``name`` / ``name as alias`` strings."""
    out = []
    for (module, level), names in grouped.items():
        members = tuple((n.split(" as ")[0], n.split(" as ")[1] if " as " in n else None) for n in names)
        out.append(Import(module, level, members))
    return out


def _skip(st: Statement, ms: ModuleSymbols) -> bool:
    if st.kind in {"import", "type-checking"}:
        return True
    if "__all__" in st.defines:
        return True
    return is_docstring(st)
