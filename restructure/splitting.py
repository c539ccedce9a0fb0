"""Plan operations that change module structure: split, merge, extract-schemas, assemble-routers.

Each works on the phase's :class:`~restructure.editset.VirtualTree`, feeds the relocation
map (module moves, symbol homes, patch-target lookup sites) and reports where names went.
Nothing here formats or lints: moved statements keep their exact source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import libcst as cst

from restructure.python import merge as merging
from restructure.python.import_style import ImportStyle, StyleCache
from restructure.python.routers_init import assemble
from restructure.python.split import SplitError, SplitSpec, split_module
from restructure.python.symbols import import_bindings
from restructure.relocation import module_of
from restructure.report import ALREADY_DONE, DONE, NOT_FOUND

if TYPE_CHECKING:
    from restructure.engine import PhaseContext
    from restructure.operations import Scope

REEXPORT_PACKAGES = {"models", "schemas"}


class StructureError(RuntimeError):
    """A split, merge or assembly that cannot be done; one line naming the file and the reason."""


@dataclass
class RouterPiece:
    """Where (part of) an old router object now lives."""

    module: str
    var: str
    lines: dict[str, int] = field(default_factory=dict)  # route function -> line in the old module


@dataclass
class StructureState:
    """What the structural steps of one phase learnt, for later steps and the report."""

    pieces: dict[tuple[str, str], list[RouterPiece]] = field(default_factory=dict)
    generated: set[str] = field(default_factory=set)
    files_per_split: dict[str, int] = field(default_factory=dict)
    # (index of the step's outcome in the report, files whose formatted sizes it reports)
    sized: list[tuple[int, list[str]]] = field(default_factory=list)


def state(ctx: PhaseContext) -> StructureState:
    found = ctx.extra.get("structure")
    if found is None:
        found = ctx.extra["structure"] = StructureState()
    return found  # type: ignore[no-any-return]


def style(ctx: PhaseContext, path: str, source: str | None = None) -> ImportStyle:
    """The import and string style for a file the phase generates at ``path`` (from ``source``)."""
    cache = ctx.extra.get("styles")
    if not isinstance(cache, StyleCache):
        cache = ctx.extra["styles"] = StyleCache(ctx.tree.root, ctx.tree.read)
    return cache(path, source)


def _parse(ctx: PhaseContext, path: str, text: str | None = None) -> cst.Module:
    """The phase's one parse of ``path`` (its current text in the tree unless given)."""
    try:
        return ctx.parsed.parse(path, ctx.tree.read(path) if text is None else text)
    except cst.ParserSyntaxError as exc:
        origin = ctx.tree.files.get(path) or path
        raise StructureError(f"{origin}:{exc.raw_line}: Python syntax error ({exc.message}); fix it first") from exc


def _write_generated(ctx: PhaseContext, texts: dict[str, str], modules: dict[str, cst.Module] | None = None) -> None:
    """Write new module texts (generated heads plus statements moved unchanged).

    ``modules`` holds the files built as LibCST modules (path -> module of that text): later
    steps of the phase use them instead of parsing the text again.
    """
    for path, text in texts.items():
        ctx.tree.write(path, text)
        state(ctx).generated.add(path)
        if modules and path in modules:
            ctx.parsed.remember(path, text, modules[path])


def split(ctx: PhaseContext, scope: Scope, args: dict[str, Any]) -> tuple[str, str]:
    tree, relocation = ctx.tree, ctx.relocation
    src, into = scope.path(args["module"]), scope.path(args["into"])
    if not tree.exists(src):
        return (ALREADY_DONE, f"{args['into']} exists") if tree.is_dir(into) else (NOT_FOUND, f"{src} does not exist")
    text = tree.read(src)
    module = _parse(ctx, src, text)
    spec = SplitSpec.from_args(args)
    package_name = PurePosixPath(into).name
    reexport = package_name in REEXPORT_PACKAGES
    init_path = f"{into}/__init__.py"
    try:
        result = split_module(
            text, src, into, spec, init=reexport and not tree.exists(init_path), module=module,
            style=style(ctx, init_path, src),
        )  # fmt: skip
    except SplitError as exc:
        raise StructureError(f"{src}: {exc}") from exc
    texts = {f"{into}/{name}": body for name, body in result.files.items()}
    clashes = [p for p in texts if tree.exists(p) and not p.endswith("__init__.py")]
    if clashes:
        raise StructureError(f"{src}: cannot split into {into}: {clashes[0]} already exists; pick another group name")
    if not reexport and not tree.exists(init_path):
        texts[init_path] = f'"""The {package_name} of the service (split from {PurePosixPath(src).name})."""\n'
    tree.delete(src)
    _write_generated(ctx, texts, {f"{into}/{name}": m for name, m in result.modules.items()})
    if reexport and tree.exists(init_path) and init_path not in result.files:
        refresh_init(ctx, into)
    old_module = module_of(src) or ""
    new_package = module_of(init_path) or ""
    if old_module != new_package:
        relocation.modules[old_module] = new_package
    # the file became a directory: a Dockerfile that COPYs the single file must copy the package
    relocation.paths[src] = into.rstrip("/") + "/"
    for name, home in result.homes.items():
        if not reexport or name.startswith("_") or name not in result.public or old_module != new_package:
            relocation.symbols[f"{old_module}.{name}"] = home
    chosen = {str(k): f"{new_package}.{v}" for k, v in (args.get("patch_targets") or {}).items()}
    _record_lookup_sites(ctx, old_module, result.homes, result.readers, set(module_imports(module)), chosen)
    for module_name, routers in result.routers.items():
        for var in routers:
            lines = {r.function: r.line for r in result.routes.get(module_name, []) if r.router == var}
            state(ctx).pieces.setdefault((old_module, var), []).append(RouterPiece(module_name, var, lines))
    state(ctx).files_per_split[src] = len(result.files)
    placed = [p for p in result.placements if p.reason not in {"listed in the plan"}]
    unlisted = [p for p in placed if p.reason not in {"route path", "name prefix", "kind rule: enum"}]
    for p in unlisted:
        ctx.report.notes.append(f"{scope.service}: {PurePosixPath(src).name}: {p.name} -> {p.group}.py ({p.reason})")
    # run_step adds this step's outcome next; finish() appends the files' formatted sizes
    state(ctx).sized.append((len(ctx.report.outcomes), list(texts)))
    return DONE, f"{len(result.files)} file(s):"


def module_imports(module: cst.Module) -> list[str]:
    """Names a module binds by import at top level (lookup sites for patched imported names)."""
    return list(import_bindings(module))


def _record_lookup_sites(
    ctx: PhaseContext,
    old_module: str,
    homes: dict[str, str],
    readers: dict[str, set[str]],
    imported: set[str],
    chosen: dict[str, str],
) -> None:
    """Where ``patch("old.module.name")`` must point now: the one new module that reads the name.

    ``chosen`` holds the plan's explicit decisions (``patch_targets``) for names several
    new modules read; without one such a patch string is left for a human.
    """
    for name in sorted(set(homes) | imported):
        sites = set(readers.get(name, set()))
        if name in homes and not sites:
            sites = {homes[name]}
        if name in chosen:
            if chosen[name] not in sites:
                raise StructureError(
                    f"patch_targets: {name!r} is read by {', '.join(sorted(sites)) or 'no new module'}, "
                    f"not by {chosen[name]}"
                )
            sites = {chosen[name]}
        key = f"{old_module}.{name}"
        if len(sites) == 1:
            ctx.relocation.patch_sites[key] = next(iter(sites))
        elif len(sites) > 1:
            ctx.relocation.ambiguous[key] = sorted(sites)
        if name in imported and name not in homes and sites:
            ctx.relocation.symbols.setdefault(key, sorted(sites)[0])


def refresh_init(ctx: PhaseContext, package_dir: str) -> None:
    """Rewrite ``<package>/__init__.py`` to re-export every public name of its files, with ``__all__``."""
    tree = ctx.tree
    exports: dict[str, list[str]] = {}
    for path in tree.under(package_dir):
        rel = path[len(package_dir) + 1 :]
        if "/" in rel or not rel.endswith(".py") or rel == "__init__.py":
            continue
        module = _parse(ctx, path, tree.read(path))
        exports[rel[:-3]] = merging.public_names(module)
    text = merging.init_text(exports, PurePosixPath(package_dir).name)
    _write_generated(ctx, {f"{package_dir}/__init__.py": text})


def merge(ctx: PhaseContext, scope: Scope, args: dict[str, Any]) -> tuple[str, str]:
    tree, relocation = ctx.tree, ctx.relocation
    sources = [scope.path(m) for m in args["modules"]]
    into = scope.path(args["into"])
    present = [s for s in sources if tree.exists(s)]
    if not present:
        return (ALREADY_DONE, f"{args['into']} exists") if tree.exists(into) else (NOT_FOUND, "no source module left")
    parts: list[tuple[str, cst.Module]] = []
    if tree.exists(into):
        parts.append((into, _parse(ctx, into, tree.read(into))))
    for src in present:
        parts.append((src, _parse(ctx, src, tree.read(src))))
    package_dir = str(PurePosixPath(into).parent)
    siblings = _package_homes(ctx, package_dir, skip={into, *present})
    try:
        text, defined, merged = merging.merge_modules(
            parts, into, siblings, {p: tree.read(p) for p, _ in parts}, style(ctx, into, parts[0][0])
        )
    except merging.MergeError as exc:
        raise StructureError(str(exc)) from exc
    for src in present:
        tree.delete(src)
    _write_generated(ctx, {into: text}, {into: merged})
    new_module = module_of(into) or ""
    reexport = PurePosixPath(package_dir).name in REEXPORT_PACKAGES and PurePosixPath(into).name != "__init__.py"
    hub = module_of(f"{package_dir}/__init__.py") if reexport else None
    for src in present:
        old_module = module_of(src) or ""
        if old_module == new_module:
            continue
        if old_module != hub:
            relocation.modules[old_module] = new_module
        for name in defined.get(src, []):
            if old_module == hub and name.startswith("_"):
                relocation.symbols[f"{old_module}.{name}"] = new_module
            relocation.patch_sites.setdefault(f"{old_module}.{name}", new_module)
    if reexport:
        refresh_init(ctx, package_dir)
    return DONE, f"{len(present)} module(s) into {args['into']}"


def _package_homes(ctx: PhaseContext, package_dir: str, skip: set[str]) -> dict[str, str]:
    """name -> dotted module, for every top-level name defined by the files of a package."""
    homes: dict[str, str] = {}
    package_module = module_of(f"{package_dir}/__init__.py")
    for path in ctx.tree.under(package_dir):
        rel = path[len(package_dir) + 1 :]
        if "/" in rel or not rel.endswith(".py") or path in skip or rel == "__init__.py":
            continue
        module = _parse(ctx, path, ctx.tree.read(path))
        for name in merging.defined_names(module):
            homes.setdefault(name, f"{package_module}.{rel[:-3]}")
    return homes


def extract_schemas(ctx: PhaseContext, scope: Scope, args: dict[str, Any]) -> tuple[str, str]:
    """Move the Pydantic classes a router defines inline into a schemas module."""
    tree, relocation = ctx.tree, ctx.relocation
    src, into = scope.path(args["module"]), scope.path(args["into"])
    if not tree.exists(src):
        return (ALREADY_DONE, f"{args['into']} exists") if tree.exists(into) else (NOT_FOUND, f"{src} does not exist")
    if tree.exists(into):
        raise StructureError(f"{src}: cannot extract schemas into {into}: it exists; use a merge step instead")
    text = tree.read(src)
    module = _parse(ctx, src, text)
    schema_classes = merging.schema_classes(module)
    if not schema_classes:
        return ALREADY_DONE, "no inline schema classes"
    src_group, into_group = PurePosixPath(src).stem, PurePosixPath(into).stem
    spec = SplitSpec.from_args({"groups": {into_group: schema_classes}, "fallback": src_group, "helpers": into_group})
    spec.groups.setdefault(src_group, type(spec.groups[into_group])())
    directory = str(PurePosixPath(src).parent)
    try:
        result = split_module(text, src, directory, spec, init=False, module=module, style=style(ctx, src, src))
    except SplitError as exc:
        raise StructureError(f"{src}: {exc}") from exc
    texts = {f"{directory}/{name}": body for name, body in result.files.items()}
    _write_generated(ctx, texts, {f"{directory}/{name}": m for name, m in result.modules.items()})
    old_module = module_of(src) or ""
    for name, home in result.homes.items():
        if home != old_module:
            relocation.symbols[f"{old_module}.{name}"] = home
    return DONE, f"{len(schema_classes)} class(es) to {args['into']}"


def assemble_routers(ctx: PhaseContext, scope: Scope, args: dict[str, Any]) -> tuple[str, str]:
    """Build ``routers/__init__.py`` from main.py's includes and make main.py include it."""
    package = scope.path(args.get("package", "routers"))
    main = scope.path(args.get("main", "main.py"))
    if not ctx.tree.exists(main):
        return NOT_FOUND, f"{main} does not exist"
    if not ctx.tree.is_dir(package):
        return NOT_FOUND, f"{package} does not exist"
    try:
        outcome = assemble(ctx.tree, ctx.relocation, main, package, state(ctx).pieces, lambda p: _parse(ctx, p))
    except ValueError as exc:
        raise StructureError(str(exc)) from exc
    if outcome is None:
        return ALREADY_DONE, "main.py already includes the assembled router"
    texts, summary, modules = outcome
    _write_generated(ctx, texts, modules)
    return DONE, summary


OPERATIONS = {
    "split": split,
    "merge": merge,
    "extract-schemas": extract_schemas,
    "assemble-routers": assemble_routers,
}


def finish(ctx: PhaseContext) -> None:
    """Once per phase: append the generated files' sizes to their step's outcome.

    No linter or formatter ever runs over what the phase writes: moved statements keep
    their exact text, and the generated heads follow the target's import style by
    construction (:mod:`restructure.python.import_style`).
    """
    for index, files in state(ctx).sized if "structure" in ctx.extra else []:
        outcome = ctx.report.outcomes[index]
        sizes = [f"{PurePosixPath(p).name} {ctx.tree.read(p).count(chr(10))}" for p in files if ctx.tree.exists(p)]
        outcome.detail = f"{outcome.detail} {', '.join(sizes)}"
