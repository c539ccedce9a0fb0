"""Plan operations that change module structure: split, merge, extract-schemas, assemble-routers.

Each works on the phase's :class:`~restructure.editset.VirtualTree`, feeds the relocation
map (module moves, symbol homes, patch-target lookup sites) and reports where names went.
Nothing here formats or lints: moved statements keep their exact source text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import libcst as cst

from restructure import drift
from restructure.disk import read_bytes, universal_newlines
from restructure.placement import Decision, finer_split
from restructure.python import merge as merging
from restructure.python import patch_targets
from restructure.python.import_style import Import, ImportStyle, StyleCache
from restructure.python.importers import Importers, names_imported_from
from restructure.python.modules import ModuleLocation
from restructure.python.patch_evidence import Verdict, choose
from restructure.python.routers_init import assemble
from restructure.python.split import (
    Reexport,
    SplitError,
    SplitResult,
    SplitSpec,
    imported_reexports,
    render_reexports,
    split_module,
)
from restructure.python.statement_text import BodiesCut
from restructure.python.symbols import ImportBinding, analyse, import_bindings, top_level_names
from restructure.relocation import module_of
from restructure.report import ALREADY_DONE, DONE, NOT_FOUND, HumanItem

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
    # package directory -> imported names its generated ``__init__`` re-exports
    reexports: dict[str, list[Reexport]] = field(default_factory=dict)
    disk_texts: dict[str, str | None] = field(default_factory=dict)  # origin path -> text, read once a phase


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


def _parse(ctx: PhaseContext, path: str, text: str | None = None, outline: bool = False) -> cst.Module:
    """The phase's one parse of ``path`` (its current text in the tree unless given); with
    ``outline``, a parse good for module-level statements and definitions' heads only."""
    text = ctx.tree.read(path) if text is None else text
    try:
        return ctx.parsed.outline(path, text) if outline else ctx.parsed.parse(path, text)
    except cst.ParserSyntaxError as exc:
        raise _syntax_error(ctx, path, exc) from exc


def _syntax_error(ctx: PhaseContext, path: str, exc: cst.ParserSyntaxError) -> StructureError:
    origin = ctx.tree.files.get(path) or path
    return StructureError(f"{origin}:{exc.raw_line}: Python syntax error ({exc.message}); fix it first")


def _parse_bodies_cut(ctx: PhaseContext, path: str, text: str) -> tuple[cst.Module, bool]:
    """The parse a split needs (:meth:`ParsedFiles.bodies_cut`): top-level functions and
    classes move as text cut from the source, so their bodies need no parse; True when they
    were cut."""
    try:
        return ctx.parsed.bodies_cut(path, text)
    except cst.ParserSyntaxError as exc:
        raise _syntax_error(ctx, path, exc) from exc


def _split_parsed(
    ctx: PhaseContext,
    src: str,
    text: str,
    module: cst.Module,
    bodies_cut: bool,
    run: Callable[[cst.Module, bool], SplitResult],
) -> tuple[SplitResult, bool]:
    """``run`` (a split of ``src``) on ``module``, the parse :func:`_parse_bodies_cut`
    gave; when a function or class would have to be generated rather than cut from the source
    (:class:`BodiesCut`), on the whole parse. Returns the result and whether it was built
    from the cut parse (its modules are then outlines)."""
    try:
        return run(module, bodies_cut), bodies_cut
    except BodiesCut:
        return run(_parse(ctx, src, text), False), False


def _write_generated(
    ctx: PhaseContext, texts: dict[str, str], modules: dict[str, cst.Module] | None = None, outlines: bool = False
) -> None:
    """Write new module texts (generated heads plus statements moved unchanged).

    ``modules`` holds the files built as LibCST modules (path -> module of that text): later
    steps of the phase use them instead of parsing the text again, as the file's parse or,
    with ``outlines`` (built from statements whose bodies were cut), as its outline.
    """
    for path, text in texts.items():
        ctx.tree.write(path, text)
        state(ctx).generated.add(path)
        if modules and path in modules:
            if outlines:
                ctx.parsed.remember_outline(path, text, modules[path])
            else:
                ctx.parsed.remember(path, text, modules[path])


def split(ctx: PhaseContext, scope: Scope, args: dict[str, Any]) -> tuple[str, str]:
    tree, relocation = ctx.tree, ctx.relocation
    src, into = scope.path(args["module"]), scope.path(args["into"])
    if not tree.exists(src):
        return drift.split_done_before(tree, scope, args)  # by the tool, or by hand (maybe differently)
    text = tree.read(src)
    module, bodies_cut = _parse_bodies_cut(ctx, src, text)
    spec = SplitSpec.from_args(args, scope.service)
    old_module = module_of(src) or ""
    patches = _patch_strings(ctx, old_module, skip={src})
    spec.patched = set(patches)
    if PurePosixPath(into).name != "models":
        spec.entities = _model_entities(ctx, str(PurePosixPath(into).parent / "models"))
    package_name = PurePosixPath(into).name
    reexport = package_name in REEXPORT_PACKAGES
    init_path = f"{into}/__init__.py"
    new_package = module_of(init_path) or ""
    bindings = import_bindings(module)
    importers = _importers(ctx, old_module, skip={src}) if bindings else Importers()
    try:
        result, bodies_cut = _split_parsed(
            ctx, src, text, module, bodies_cut,
            lambda module, cut: split_module(
                text, src, into, spec, init=False, module=module, repo_imports=set(importers.names),
                style=style(ctx, init_path, src), bodies_cut=cut,
            ),
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
    _write_generated(ctx, texts, {f"{into}/{name}": m for name, m in result.modules.items()}, bodies_cut)
    reexported: set[str] = set()
    if reexport:
        state(ctx).reexports.setdefault(into, []).extend(result.reexports)
        reexported = {r.name for r in result.reexports}
        refresh_init(ctx, into, added=list(texts))
        if init_path not in texts:
            texts[init_path] = tree.read(init_path)
    _check_honest(ctx, src, texts, result.empty_groups, result.placements)
    if old_module != new_package:
        relocation.modules[old_module] = new_package
    # the file became a directory: a Dockerfile that COPYs the single file must copy the package
    relocation.paths[src] = into.rstrip("/") + "/"
    for name, home in result.homes.items():
        # importers keep the old dotted name when the package __init__ re-exports the name
        reexported_here = name in reexported or (not name.startswith("_") and name in result.public)
        if not (reexport and old_module == new_package and reexported_here):
            relocation.symbols[f"{old_module}.{name}"] = home
    chosen = {str(k): f"{new_package}.{v}" for k, v in (args.get("patch_targets") or {}).items()}
    _record_lookup_sites(
        ctx, old_module, result.homes, result.readers, set(bindings), chosen, reexported,
        lambda name, sites: _patch_verdict(
            old_module, name, sites, patches.get(name, []), result.route_paths, result.homes
        ),
    )  # fmt: skip
    patch_targets.record_evidence(relocation, old_module, new_package, result.homes, result.routes)
    _follow_imported_names(ctx, src, old_module, bindings, importers, set(result.homes) | reexported)
    for module_name, routers in result.routers.items():
        for var in routers:
            lines = {r.function: r.line for r in result.routes.get(module_name, []) if r.router == var}
            state(ctx).pieces.setdefault((old_module, var), []).append(RouterPiece(module_name, var, lines))
    written = len(result.files) + (1 if reexport else 0)  # the re-exporting __init__ counts, a bare one not
    state(ctx).files_per_split[src] = written
    name = PurePosixPath(src).name
    for decision in result.placements:
        if decision.inferred:
            ctx.report.placements.append(f"{scope.service}: {name}: {decision.line()}")
        ctx.report.evidence[f"{scope.service}: {name}: {decision.label}"] = [decision.line(), *decision.evidence]
    for path in sorted(importers.star):
        ctx.report.notes.append(
            f"{path}: star-imports {old_module}; the package re-exports its public names and __all__, "
            "not the names the old module only imported"
        )
    # run_step adds this step's outcome next; finish() appends the files' formatted sizes
    state(ctx).sized.append((len(ctx.report.outcomes), list(texts)))
    return DONE, f"{written} file(s):"


def line_count(text: str) -> int:
    """Lines of a file as the conventions check counts them (a last line without newline counts)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _check_honest(
    ctx: PhaseContext, src: str, texts: dict[str, str], empty_groups: list[str], decisions: Sequence[Decision] = ()
) -> None:
    """A split that leaves a planned group empty, or writes a file over the plan's line limit
    that the plan does not accept under ``exceptions:``, did not do what the plan says: it fails
    before anything is written, naming every such group and file with the sizes of all the
    split's files and a finer split by entity to try (one line, so the whole list reaches the user)."""
    limit = ctx.plan.line_limit
    accepted = {e.path for e in ctx.plan.exceptions if e.rule == 2}
    problems = [f"group {g!r} receives nothing" for g in empty_groups]
    over = {path: size for path, text in texts.items() if (size := line_count(text)) > limit and path not in accepted}
    for path, size in over.items():
        group = PurePosixPath(path).stem
        finer = finer_split(decisions, group)
        hint = f"; try {', '.join(finer)} instead of {group}" if len(finer) > 1 else ""
        problems.append(f"{path} has {size} lines (limit {limit}){hint}")
    if problems:
        sizes = ", ".join(f"{PurePosixPath(p).name} {line_count(t)}" for p, t in texts.items())
        raise StructureError(
            f"{src}: {'; '.join(problems)} (sizes: {sizes}): name finer targets under `groups:`, or add an "
            "exception under `exceptions:` (path, rule: 2, reason) in the plan"
        )


def _python_texts(ctx: PhaseContext, skip: set[str]) -> Iterator[tuple[str, str]]:
    """(path, text) of every Python file of the tree as the phase has it now.

    The path is the one the text was written for: a file the phase moved but did not rewrite
    yet still holds the relative imports of its old place. Disk reads are cached for the phase.
    """
    cache = state(ctx).disk_texts
    for path, origin in ctx.tree.files.items():
        if not path.endswith(".py") or path in skip:
            continue
        if path in ctx.tree.texts:
            yield path, ctx.tree.texts[path]
            continue
        if origin is None:
            continue
        if origin not in cache:
            try:  # as ``Path.read_text`` reads it (universal newlines), from the shared reads
                cache[origin] = universal_newlines(read_bytes(os.path.join(ctx.tree.root, origin)).decode("utf-8"))
            except (OSError, UnicodeDecodeError):
                cache[origin] = None
        text = cache[origin]
        if text:
            yield origin, text


def _importers(ctx: PhaseContext, module: str, skip: set[str]) -> Importers:
    return names_imported_from(module, _python_texts(ctx, skip)) if module else Importers()


def _follow_imported_names(
    ctx: PhaseContext,
    src: str,
    old_module: str,
    bindings: dict[str, ImportBinding],
    importers: Importers,
    handled: set[str],
) -> None:
    """A name the old module only imported, that another file imports from it, and that no new
    module binds: that file now imports it from where the old module had it."""
    location = ModuleLocation.of(src)
    for name in sorted(importers.names):
        key = f"{old_module}.{name}"
        binding = bindings.get(name)
        if binding is None or name in handled or key in ctx.relocation.symbols or binding.name != binding.bound:
            continue
        source = location.resolve(binding.level, binding.module) if binding.level and location else binding.module
        if source:
            ctx.relocation.symbols[key] = source


def module_imports(module: cst.Module) -> list[str]:
    """Names a module binds by import at top level (lookup sites for patched imported names)."""
    return list(import_bindings(module))


def _model_entities(ctx: PhaseContext, package_dir: str) -> dict[str, str]:
    """Class name -> file stem, for the classes of the service's ``models`` package (if it is one)."""
    found: dict[str, str] = {}
    for path in ctx.tree.under(package_dir):
        rel = path[len(package_dir) + 1 :]
        if "/" in rel or not rel.endswith(".py") or rel == "__init__.py":
            continue
        for kind, name in top_level_names(_parse(ctx, path, ctx.tree.read(path), outline=True)):
            if kind == "class":
                found.setdefault(name, rel[:-3])
    return found


def _patch_strings(ctx: PhaseContext, module: str, skip: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Names of ``module`` that some file names in a string (``patch("module.name")``), with those files."""
    found: dict[str, list[tuple[str, str]]] = {}
    if not module:
        return found
    pattern = re.compile(rf"""["']{re.escape(module)}\.([A-Za-z_]\w*)["']""")
    for path, text in _python_texts(ctx, skip):
        if module not in text:
            continue
        for name in sorted(set(pattern.findall(text))):
            found.setdefault(name, []).append((path, text))
    return found


def _patch_verdict(
    old_module: str,
    name: str,
    sites: set[str],
    sources: list[tuple[str, str]],
    route_paths: dict[str, list[str]],
    homes: dict[str, str],
) -> Verdict | None:
    """The one reader of ``name`` the tests that patch it mean, judged by the requests they send
    and the functions they call."""
    if not sources:
        return None
    defined = {m: {n for n, home in homes.items() if home == m} for m in sorted(sites)}
    return choose(f"{old_module}.{name}", sources, {m: route_paths.get(m, []) for m in sorted(sites)}, defined)


def _record_lookup_sites(
    ctx: PhaseContext,
    old_module: str,
    homes: dict[str, str],
    readers: dict[str, set[str]],
    imported: set[str],
    chosen: dict[str, str],
    reexported: Collection[str] = (),
    infer: Callable[[str, set[str]], Verdict | None] | None = None,
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
        verdict = infer(name, sites) if infer and len(sites) > 1 else None
        if verdict is not None:
            sites = {verdict.module}
            ctx.report.placements.append(f"patch target {key} -> {verdict.module}: {verdict.reason}")
            ctx.report.evidence[f"patch target {key}"] = [verdict.reason, *verdict.evidence]
        if len(sites) == 1:
            ctx.relocation.patch_sites[key] = next(iter(sites))
        elif len(sites) > 1:
            ctx.relocation.ambiguous[key] = sorted(sites)
        if name in imported and name not in homes and sites and name not in reexported:
            ctx.relocation.symbols.setdefault(key, sorted(sites)[0])


def refresh_init(ctx: PhaseContext, package_dir: str, added: list[str] | None = None) -> None:
    """Make ``<package>/__init__.py`` re-export the public names of its files.

    An ``__init__`` this phase generated (or that does not exist) is written whole: every
    public name of every file, the imported names recorded for the package, and ``__all__``.
    An ``__init__`` the repository already had is the user's code: it only gains the import
    lines for names of the ``added`` files it does not bind yet. Its ``__all__`` is neither
    created nor re-sorted (that would change what ``import *`` binds, or just churn).
    """
    tree = ctx.tree
    init_path = f"{package_dir}/__init__.py"
    reexports = state(ctx).reexports.get(package_dir, [])
    exports: dict[str, list[str]] = {}
    for path in tree.under(package_dir):
        rel = path[len(package_dir) + 1 :]
        if "/" in rel or not rel.endswith(".py") or rel == "__init__.py":
            continue
        if added is not None and tree.files.get(init_path) is not None and path not in added:
            continue
        module = _parse(ctx, path, tree.read(path), outline=True)  # its top-level names: the heads suffice
        exports[rel[:-3]] = merging.public_names(module)
    if tree.files.get(init_path) is None:  # new, or written by this phase: ours to write whole
        text = merging.init_text(exports, PurePosixPath(package_dir).name, reexports, style(ctx, init_path))
        _write_generated(ctx, {init_path: text})
        return
    existing = _parse(ctx, init_path, tree.read(init_path))
    bound = set(import_bindings(existing)) | set(merging.defined_names(existing))
    added_imports = []
    for module_name, names in sorted(exports.items()):
        missing = [n for n in names if n not in bound]
        if missing:
            added_imports.append(Import(module_name, 1, tuple((n, None) for n in missing)))
            bound.update(missing)
    lines = render_reexports(reexports, style(ctx, init_path), skip=bound, exports=added_imports)
    if lines:
        _write_generated(ctx, {init_path: _insert_imports(existing, "".join(lines))})


def _insert_imports(module: cst.Module, lines: str) -> str:
    """``module``'s code with ``lines`` after its last top-level import (or its docstring)."""
    body = list(module.body)
    at = 0
    for index, node in enumerate(body):
        if isinstance(node, cst.SimpleStatementLine) and all(
            isinstance(small, cst.Import | cst.ImportFrom) for small in node.body
        ):
            at = index + 1
        elif index == 0 and at == 0 and module.get_docstring() is not None:
            at = 1
    new = list(cst.parse_module(lines).body)
    return module.with_changes(body=[*body[:at], *new, *body[at:]]).code


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
    new_module = module_of(into) or ""
    reexport = PurePosixPath(package_dir).name in REEXPORT_PACKAGES and PurePosixPath(into).name != "__init__.py"
    hub = module_of(f"{package_dir}/__init__.py") if reexport else None
    for path, part in parts:
        if hub and path in present and module_of(path) == hub:
            _record_hub_reexports(ctx, path, part, hub, package_dir, skip={*present, into})
    for src in present:
        tree.delete(src)
    _write_generated(ctx, {into: text}, {into: merged})
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
        refresh_init(ctx, package_dir, added=[into])
    return DONE, f"{len(present)} module(s) into {args['into']}"


def _record_hub_reexports(
    ctx: PhaseContext, src: str, module: cst.Module, hub: str, package_dir: str, skip: set[str]
) -> None:
    """``schemas.py`` merged into ``schemas/x.py``: names it only imported, that other files
    import from ``schemas``, stay importable there through the package ``__init__``."""
    bindings = import_bindings(module)
    location = ModuleLocation.of(src)
    if not bindings or location is None:
        return
    wanted = set(_importers(ctx, hub, skip).names)
    found = imported_reexports(analyse(module), location, ModuleLocation(hub, True), wanted)
    state(ctx).reexports.setdefault(package_dir, []).extend(found)


def _package_homes(ctx: PhaseContext, package_dir: str, skip: set[str]) -> dict[str, str]:
    """name -> dotted module, for every top-level name defined by the files of a package."""
    homes: dict[str, str] = {}
    package_module = module_of(f"{package_dir}/__init__.py")
    for path in ctx.tree.under(package_dir):
        rel = path[len(package_dir) + 1 :]
        if "/" in rel or not rel.endswith(".py") or path in skip or rel == "__init__.py":
            continue
        module = _parse(ctx, path, ctx.tree.read(path), outline=True)  # module-level names only
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
    module, bodies_cut = _parse_bodies_cut(ctx, src, text)
    schema_classes = merging.schema_classes(module)
    if not schema_classes:
        return ALREADY_DONE, "no inline schema classes"
    src_group, into_group = PurePosixPath(src).stem, PurePosixPath(into).stem
    spec = SplitSpec.from_args({"groups": {into_group: schema_classes}, "fallback": src_group, "helpers": into_group})
    spec.groups.setdefault(src_group, type(spec.groups[into_group])())
    directory = str(PurePosixPath(src).parent)
    try:
        result, bodies_cut = _split_parsed(
            ctx, src, text, module, bodies_cut,
            lambda module, cut: split_module(
                text, src, directory, spec, init=False, module=module, style=style(ctx, src, src), bodies_cut=cut
            ),
        )  # fmt: skip
    except SplitError as exc:
        raise StructureError(f"{src}: {exc}") from exc
    texts = {f"{directory}/{name}": body for name, body in result.files.items()}
    # the module the classes left is split or kept by later steps; the new one is final
    _check_honest(ctx, src, {into: texts[into]} if into in texts else {}, [])
    _write_generated(ctx, texts, {f"{directory}/{name}": m for name, m in result.modules.items()}, bodies_cut)
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
        outcome = assemble(
            ctx.tree, ctx.relocation, main, package, state(ctx).pieces, lambda p: _parse(ctx, p),
            style(ctx, f"{package}/__init__.py", main), lambda p: _parse(ctx, p, outline=True),
        )  # fmt: skip
    except ValueError as exc:
        raise StructureError(str(exc)) from exc
    if outcome is None:
        return ALREADY_DONE, "main.py already includes the assembled router"
    _write_generated(ctx, outcome.texts, outcome.modules)
    ctx.report.notes.extend(f"{scope.service}: {note}" for note in outcome.notes)
    ctx.report.needs_human.extend(
        HumanItem(path, 0, command, "its paths follow route registration order, which the assembled routers change")
        for path, command in outcome.documents
    )
    return DONE, outcome.summary


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
