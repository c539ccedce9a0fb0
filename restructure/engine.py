"""Run one phase of a plan: operations -> relocation map -> rewriters -> checks -> atomic write.

Nothing touches the disk until every changed file has been re-parsed; then
:func:`restructure.editset.apply` writes it all or nothing.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from restructure import build_context, check_references, docs, drift, images, net_changes, operations, splitting, trees
from restructure import roots as roots_module
from restructure.disk import read_bytes
from restructure.editset import Changes, VirtualTree, apply, diff_tree
from restructure.gitrepo import GitRepo
from restructure.operations import OperationError, Scope
from restructure.plan import Phase, Plan, Step, load_plan
from restructure.python import file_paths, target_formatter
from restructure.python.import_blocks import keep_blocks_sorted
from restructure.python.import_style import line_width
from restructure.python.parsing import ParsedFiles
from restructure.python.patch_targets import Ambiguous, retarget
from restructure.python.references import rewrite_python, rewrite_python_source
from restructure.relocation import RelocationMap, dotted_of_dir, module_of
from restructure.report import (
    ALREADY_DONE,
    DONE,
    DRIFTED,
    FAILED,
    NOT_APPLICABLE,
    NOT_FOUND,
    NOT_RUN,
    REFUSED,
    HumanItem,
    PhaseReport,
    StepOutcome,
)
from restructure.roots import ImportRoots
from restructure.text import migration
from restructure.text.references import TextRewriter
from restructure.text.validate import InvalidResult, check, file_kind


class PhaseError(RuntimeError):
    """A phase that cannot run; the message is one line naming the file or step and the fix."""


class PhaseFailed(PhaseError):
    """A phase whose checks found problems: its report lists them all and nothing was written."""

    def __init__(self, report: PhaseReport) -> None:
        first = report.problems[0]
        more = f" (and {len(report.problems) - 1} more, listed above)" if len(report.problems) > 1 else ""
        super().__init__(f"phase {report.phase} failed, nothing written: {first}{more}")
        self.report = report


@dataclass
class PhaseContext:
    plan: Plan
    repo: GitRepo
    tree: VirtualTree
    report: PhaseReport
    relocation: RelocationMap = field(default_factory=RelocationMap)
    removed: list[str] = field(default_factory=list)
    parsed: ParsedFiles = field(default_factory=ParsedFiles)
    read_texts: dict[str, str | None] = field(default_factory=dict)  # files read from disk this phase
    phase_scope: str = ""
    extra: dict[str, object] = field(default_factory=dict)  # state of the structural steps
    ensured: list[tuple[int, str]] = field(default_factory=list)  # (outcome index, __init__ created)
    plan_copies: set[str] | None = None  # the plan and its copies in the repo, found once per phase


def service_dirs(plan: Plan, tree: VirtualTree) -> dict[str, str]:
    """short name -> service directory, for every service directory in the tree."""
    found: dict[str, str] = {}
    prefix = plan.services_dir.rstrip("/") + "/"
    for path in tree.files:
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].split("/")
        if len(parts) > 1 and parts[0].endswith(plan.service_suffix):
            found[parts[0].removesuffix(plan.service_suffix)] = prefix + parts[0]
    return dict(sorted(found.items()))


def targets(plan: Plan, phase: Phase, tree: VirtualTree, report: PhaseReport) -> list[Scope]:
    dirs = service_dirs(plan, tree)
    outside = [name for name in dirs if not plan.includes(name)]
    if outside:
        report.notes.append(
            f"service(s) on disk that the plan does not list: {', '.join(outside)}; no phase touches them "
            "(add them to `services:` in the plan, or set `services: discover`)"
        )
    if phase.scope == "repo":
        return [Scope("", "repo")]
    if phase.scope == "all":
        scopes = []
        for name, base in dirs.items():
            if not plan.includes(name):
                report.add(name, "phase", NOT_APPLICABLE, "not in the plan's services")
            elif tree.exists(f"{base}/app/main.py") or tree.exists(f"{base}/main.py"):
                scopes.append(Scope(base, name))
            else:
                report.add(name, "phase", NOT_APPLICABLE, "no app/main.py or main.py")
        return scopes
    if phase.scope not in dirs:
        report.add(
            phase.scope, "phase", NOT_FOUND, f"{plan.services_dir}/{phase.scope}{plan.service_suffix} does not exist"
        )
        return []
    return [Scope(dirs[phase.scope], phase.scope)]


def refuse_half_moves(ctx: PhaseContext, scope: Scope) -> None:
    """A service the plan found on disk (``services: discover``) is moved whole or not at all:
    moving ``app/main.py`` out while ``app/`` keeps modules it imports breaks the service."""
    if ctx.plan.keep_app_modules or (ctx.plan.services and scope.service in ctx.plan.services):
        return  # a listed service: the plan's own steps say what stays in app/ (and until when)
    main = f"{scope.base}/main.py"
    if ctx.tree.files.get(main) != f"{scope.base}/app/main.py":
        return
    left = [
        p[len(scope.base) + 1 :]
        for p in ctx.tree.under(f"{scope.base}/app")
        if not (p.endswith("/__init__.py") and operations.init_docstring(ctx.tree.read(p)) is not None)
    ]
    if left:
        shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
        ctx.report.problems.append(
            f"{scope.base}: refused: the phase would move app/main.py and leave {shown} in app/; "
            f"list {scope.service} under `services:` with steps that move them, or move them by hand first"
        )


def run_step(ctx: PhaseContext, scope: Scope, step: Step) -> None:
    tree, report = ctx.tree, ctx.report
    if scope.service != "repo" and not step.applies_to(scope.service):
        report.add(scope.service, step.describe(), NOT_APPLICABLE, "excluded by the plan")
        return
    args = step.args
    if step.op == "move":
        outcome, detail, pairs = operations.move(tree, ctx.relocation, scope, args["from"], args["to"])
        report.moves.extend(pairs)
        if ctx.phase_scope == "all" and outcome == DONE:
            ctx.relocation.add_placeholder_move(ctx.plan.services_dir, args["from"], args["to"])
    elif step.op == "delete-if-empty":
        outcome, detail, files = operations.delete_if_empty(tree, scope, args["path"])
        ctx.removed.append(scope.path(args["path"])) if outcome == DONE else None
        report.deleted.extend(files)
    elif step.op == "delete":
        _refuse_deleting_untracked(ctx, scope.path(args["path"]), step)
        outcome, detail, files = operations.delete(tree, scope, args["path"])
        ctx.removed.append(scope.path(args["path"])) if outcome == DONE else None
        report.deleted.extend(files)
    elif step.op == "ensure-package":
        outcome, detail, files = operations.ensure_package(tree, scope, args["path"])
        report.created.extend(files)
        ctx.ensured.extend((len(report.outcomes), f) for f in files)
    elif step.op == "note":
        outcome, detail = DONE, ""
        report.notes.append(f"{scope.service}: {args['text']}")
    elif step.op in docs.REPO_OPERATIONS:
        outcome, detail = docs.REPO_OPERATIONS[step.op](ctx.plan, tree, args, report)
    elif step.op in splitting.OPERATIONS:
        try:
            outcome, detail = splitting.OPERATIONS[step.op](ctx, scope, args)
        except splitting.StructureError as exc:
            raise PhaseError(f"{ctx.plan.path}:{step.line}: {step.describe()}: {exc}") from exc
    else:  # pragma: no cover - the plan validator knows every operation
        raise PhaseError(f"{ctx.plan.path}:{step.line}: unknown operation {step.op!r}")
    report.add(scope.service, step.describe(), outcome, detail)


def run_steps(ctx: PhaseContext, scope: Scope, phase: Phase) -> None:
    """Run the phase's steps for one service; a step that cannot be done fails, and the
    service's later steps do not run (they would build on what is missing), but the other
    services' steps do: the phase writes nothing either way, and its report then lists every
    service's problem at once instead of the first one found."""
    steps, notes = step_order(list(phase.steps))
    for note in notes:
        if note not in ctx.report.notes:
            ctx.report.notes.append(note)
    for index, step in enumerate(steps):
        try:
            run_step(ctx, scope, step)
        except (PhaseError, OperationError, FileExistsError) as exc:
            ctx.report.add(scope.service, step.describe(), FAILED, str(exc))
            for later in steps[index + 1 :]:
                ctx.report.outcomes.append(
                    StepOutcome(scope.service, later.describe(), NOT_RUN, "a step before failed")
                )
            return


def step_order(steps: list[Step]) -> tuple[list[Step], list[str]]:
    """The steps in the order they can run: a ``delete`` of the path a ``move`` before it
    lands on runs before that move. Deleting the file just moved there would make the move
    pointless, so the step names the file the move replaces; run after the move, the move
    would stop on the file still being there."""
    ordered = list(steps)
    notes: list[str] = []
    for step in steps:
        if step.op != "delete":
            continue
        path = step.args["path"].rstrip("/")
        here = ordered.index(step)
        move = next(
            (m for m in ordered[:here] if m.op == "move" and m.args["to"].rstrip("/") in {path} | set(_parents(path))),
            None,
        )
        if move is not None:
            ordered.remove(step)
            ordered.insert(ordered.index(move), step)
            notes.append(f"{step.describe()} runs before {move.describe()}: it names what the move replaces")
    return ordered, notes


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def drop_unused_packages(ctx: PhaseContext) -> None:
    """A package ``ensure-package`` created that no step of the phase put a module into is
    not created after all: an empty ``clients/`` is a promise the tree does not keep."""
    for index, init in ctx.ensured:
        directory = init.rsplit("/", 1)[0]
        if ctx.tree.under(directory) == [init]:
            ctx.tree.delete(init)
            ctx.report.created.remove(init)
            outcome = ctx.report.outcomes[index]
            outcome.outcome, outcome.detail = NOT_APPLICABLE, "nothing was moved into it; not created"


def _refuse_deleting_untracked(ctx: PhaseContext, path: str, step: Step) -> None:
    """A ``delete`` step never takes a user's untracked file with it: git could not bring it back."""
    inside = [p for p in ctx.tree.under(path) if ctx.tree.files[p] == p] or ([path] if ctx.tree.exists(path) else [])
    if not inside:
        return
    tracked = set(ctx.repo.tracked_index_files())
    untracked = [p for p in inside if p not in tracked]
    if untracked:
        raise PhaseError(
            f"{untracked[0]}: untracked file inside {path}, which {ctx.plan.path}:{step.line} ({step.describe()}) "
            "deletes; commit it, move it out or delete it yourself first"
        )


def _read(tree: VirtualTree, path: str, needles_bytes: list[bytes]) -> str | None:
    """The file's text, None for binary files; a non-UTF-8 file that mentions a moved path is an error."""
    origin = tree.files[path]
    if path in tree.texts or origin is None:
        return tree.read(path)
    full = os.path.join(tree.root, origin)  # no Path: this runs for every file in every phase
    if os.path.islink(full):
        target = Path(full).resolve()
        if not target.is_relative_to(tree.root):
            data = target.read_bytes() if target.is_file() else b""
            if any(n in data for n in needles_bytes):
                raise PhaseError(
                    f"{origin}: symlink pointing outside the repository (to {target}); "
                    "the tool will not edit through it: replace it with a file or remove it"
                )
            return None
    data = read_bytes(full)
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if any(n in data for n in needles_bytes):
            raise PhaseError(
                f"{origin}: not UTF-8 (byte {exc.start}); convert it to UTF-8 so its references can be rewritten"
            ) from exc
        return None


def import_roots(ctx: PhaseContext) -> ImportRoots:
    """Where each service's code is imported from (:mod:`restructure.roots`), read once per
    phase from the tree as it is on disk: the rewriters and the reference gate share it."""
    if "import_roots" not in ctx.extra and ctx.repo is None:  # a tree without a repository: no evidence
        ctx.extra["import_roots"] = ImportRoots()
    if "import_roots" not in ctx.extra:
        ctx.extra["import_roots"] = roots_module.infer(disk_tree(ctx), ctx.plan.services_dir)
    return ctx.extra["import_roots"]  # type: ignore[return-value]


def disk_tree(ctx: PhaseContext) -> trees.FileTree:
    """The tree as it is on disk before the phase, one view for the phase: the import roots,
    the build contexts and the reference gate read the same files and build the same images."""
    if "disk_tree" not in ctx.extra:
        assert ctx.repo is not None
        original = list(ctx.extra.get("original_paths", []))  # type: ignore[call-overload]
        ctx.extra["disk_tree"] = trees.from_disk(ctx.repo.root, original or ctx.repo.tracked_files())
    return ctx.extra["disk_tree"]  # type: ignore[return-value]


def _prefixes(ctx: PhaseContext, origin: str) -> tuple[str, ...]:
    """The roots a file's imports may be written from, as dotted package names."""
    return tuple(d for c in import_roots(ctx).candidates(origin) if c and (d := dotted_of_dir(c)))


def _rooted(ctx: PhaseContext, origin: str, prefixes: tuple[str, ...]) -> RelocationMap:
    """The relocation map for a file, with the roots its imports may be written from
    (``prefixes``: :func:`_prefixes` of ``origin``)."""
    roots = import_roots(ctx)
    service = roots.service_of(origin)
    evidenced = roots.services.get(service, {}) if service else {}
    top_level = tuple(d for r in evidenced if r and (d := dotted_of_dir(r)))
    return ctx.relocation.rooted(prefixes, top_level)


def rewrite_references(ctx: PhaseContext) -> None:
    relocation = ctx.relocation
    if relocation.empty:
        return
    text_rewriter = TextRewriter(relocation)
    needles = sorted(relocation.needles())
    needles_bytes = [n.encode() for n in needles]
    python_needles = _PythonNeedles(relocation, needles)
    affected = {f.service_dir + "/" for f in relocation.relative}
    moved_leaves = {m.rsplit(".", 1)[-1] for m in relocation.old_module_names()}
    relative_hint = (
        re.compile(r"from \.+[\w.]*\s+import\b|from \.+[\w.]*\b(?:" + "|".join(map(re.escape, moved_leaves)) + r")\b")
        if moved_leaves
        else None
    )
    package_hint = _package_import_hint(relocation)
    plan_copies = _plan_in_repo(ctx)
    for path in sorted(ctx.tree.files):
        if path in plan_copies:  # the plan names old paths on purpose
            continue
        origin = ctx.tree.files[path] or path
        text = _read(ctx.tree, path, needles_bytes)
        if path not in ctx.tree.texts:  # as on disk: find_leftovers reads it from here
            ctx.read_texts[path] = text
        if text is None:
            continue
        is_python = path.endswith(".py")
        moved = origin != path
        relative = relative_hint is not None and _mentions_moved_relative(text, relative_hint, moved_leaves)
        loads_by_path = is_python and (
            file_paths.mentions_loader(text) or (moved and file_paths.mentions_file_anchor(text))
        )
        prefixes = _prefixes(ctx, origin) if is_python else ()
        file_needles = python_needles.of(path, text, prefixes) if is_python else needles
        relevant = (
            mentions_any(text, file_needles)
            or (is_python and any(path.startswith(a) for a in affected) and (moved or relative))
            or (is_python and package_hint is not None and _imports_moved_submodule(text, *package_hint))
            or loads_by_path
        )
        if not relevant or _is_migration_document(ctx, path, text):
            continue
        counts: Counter[str] = Counter()
        if is_python:
            new = None
            rooted = _rooted(ctx, origin, prefixes)
            if not ctx.parsed.has(path, text):  # not parsed by a step: parse only what mentions a needle
                new = rewrite_python_source(text, origin, path, rooted, text_rewriter, file_needles)
            if new is None:
                try:
                    module = ctx.parsed.parse(path, text)
                except cst.ParserSyntaxError as exc:
                    raise PhaseError(
                        f"{origin}:{exc.raw_line}: Python syntax error ({exc.message}); fix it before restructuring"
                    ) from exc
                new = rewrite_python(module, origin, path, rooted, text_rewriter, source=text, needles=file_needles)
            new_text, counts = new.code, new.counts
            if new_text != text:
                style = splitting.style(ctx, path, path)
                new_text = keep_blocks_sorted(text, new_text, style)
                new_text = _wrap_long_lines(ctx, path, text, new_text, style.line_length)
            ctx.parsed.fragments += new.fragments
            ctx.report.needs_human.extend(HumanItem(a.path, a.line, a.text, a.reason) for a in new.ambiguities)
            ctx.report.problems.extend(
                f"{a.path}:{a.line}: {a.text.strip()}: {a.reason}; the test's own calls do not settle it: record "
                f"the module the test means under the split's {patch_targets_key(a.text, relocation)} in the plan"
                for a in new.ambiguities
            )
        else:
            new_text = text_rewriter.rewrite(text, path, counts, _text_kind(path))
        if loads_by_path:  # a path to a moved file built from pieces, for a loader
            new_text, built = file_paths.rewrite(text, origin, new_text, path, text_rewriter.new_path)
            if built:
                counts["python-file-path"] += built
        if new_text != text:
            ctx.tree.write(path, new_text)
            ctx.report.files_rewritten.append(path)
            ctx.report.rewrites.update(counts)


class _PythonNeedles:
    """The needles that can change a Python file.

    A service's relative forms (``app.main``, ``app/router.py``) are references in that
    service's files, as the text rewriter applies them, or in a string that ``cd``s into a
    service first. Anywhere else a dotted name is rewritten only when it is written from one of
    the file's import roots (``app.main`` read from ``services/x_service``): its needle is the
    old name less that root, while that keeps a dot (``router`` alone is in every route
    decorator; as with the relative forms, one word is not searched for on its own). Another
    service's forms would only make the reference pass parse statements it cannot change (a
    generated docstring saying ``Split from router.py`` in every service, say)."""

    def __init__(self, relocation: RelocationMap, everything: list[str]) -> None:
        self.everything = everything
        self.shared = sorted(relocation.shared_needles())
        self.olds = sorted(relocation.old_dotted_names())
        self.by_dir: dict[str, set[str]] = {}
        for form in relocation.relative:
            if form.old:
                self.by_dir.setdefault(form.service_dir.rstrip("/") + "/", set()).add(form.old)
        self._from_root: dict[str, list[str]] = {}

    def of(self, path: str, text: str, prefixes: tuple[str, ...]) -> list[str]:
        """``path``'s needles; ``prefixes``: its import roots, dotted (:func:`_prefixes`)."""
        if "cd " in text:
            return self.everything
        own = {n for directory, forms in self.by_dir.items() if path.startswith(directory) for n in forms}
        for prefix in prefixes:
            own.update(self._written_from(prefix))
        return sorted({*self.shared, *own}) if own else self.shared

    def _written_from(self, prefix: str) -> list[str]:
        found = self._from_root.get(prefix)
        if found is None:
            start = len(prefix) + 1
            found = self._from_root[prefix] = [
                m[start:] for m in self.olds if m.startswith(prefix + ".") and "." in m[start:]
            ]
        return found


def patch_targets_key(value: str, relocation: RelocationMap) -> str:
    """The plan entry that settles an ambiguous patch target, spelled out:
    ``patch_targets: {fetch: members}`` (one of the candidate modules)."""
    target = retarget(value.strip(), relocation)
    if not isinstance(target, Ambiguous) or not target.key:
        return "`patch_targets:`"
    name = target.key.rsplit(".", 1)[-1]
    groups = [c.rsplit(".", 1)[-1] for c in target.candidates]
    return f"`patch_targets: {{{name}: {groups[0]}}}` (or {', '.join(groups[1:])})"


def _wrap_long_lines(ctx: PhaseContext, path: str, old: str, new: str, limit: int) -> str:
    """A rewritten reference longer than the old one can push its line over the target's
    limit. The target's own ruff (:mod:`restructure.python.target_formatter`) wraps that one
    logical line when it is here; otherwise the line stays as written and the report says where."""
    before = set(old.splitlines())
    outgrown = [
        n for n, line in enumerate(new.splitlines(), start=1) if line_width(line) > limit and line not in before
    ]
    root = ctx.repo.root if ctx.repo is not None else None
    formatter = target_formatter.find(root) if outgrown and root is not None else None
    shift = 0  # lines the wraps above added: the notes name lines of the text as written
    for found in outgrown:
        number = found + shift
        length = len(new.splitlines()[number - 1])
        wrapped = target_formatter.wrap(formatter, root, path, new, number) if formatter and root else None
        if wrapped is not None:
            shift += wrapped.count("\n") - new.count("\n")
            new = wrapped
            ctx.report.notes.append(
                f"{path}:{number}: a rewritten reference made this line {length} characters (line length "
                f"{limit}); wrapped by the target's own ruff {formatter.version}, as {formatter.requirement} asks"
            )
            continue
        ctx.report.notes.append(
            f"{path}:{number}: a rewritten reference makes this line {length} characters (line length {limit}); "
            "the statement is left as written: run your formatter on it"
        )
    return new


def _is_migration_document(ctx: PhaseContext, path: str, text: str) -> bool:
    """A copy of the plan or another migration document (:mod:`restructure.text.migration`):
    it names old paths on purpose, so it is neither rewritten nor scanned for leftovers;
    the report says so once per phase."""
    if not migration.is_document(path):
        return False
    found: dict[str, bool] = ctx.extra.setdefault("migration_documents", {})  # type: ignore[assignment]
    if path not in found:
        if "migration_pairs" not in ctx.extra:
            ctx.extra["migration_pairs"] = migration.relocation_pairs(ctx.relocation, ctx.plan)
        finding = migration.find_migration_document(text, ctx.extra["migration_pairs"])  # type: ignore[arg-type]
        found[path] = finding is not None
        if finding is not None:
            ctx.report.notes.append(finding.note(path))
    return found[path]


def _plan_in_repo(ctx: PhaseContext) -> set[str]:
    """The plan file's paths in the repository: the plan itself when it lives there, and any
    YAML file of the repository that is a byte-for-byte copy of it (a plan kept in the repo
    and run from a copy elsewhere). A plan names old paths on purpose. Found once per phase:
    both the rewrite pass and the leftovers pass ask, and each would read every YAML file."""
    if ctx.plan_copies is None:
        ctx.plan_copies = _find_plan_copies(ctx)
    return ctx.plan_copies


def _find_plan_copies(ctx: PhaseContext) -> set[str]:
    if ctx.plan is None or ctx.repo is None:
        return set()
    plan_file = Path(ctx.plan.path).resolve()
    found = {plan_file.relative_to(ctx.repo.root).as_posix()} if plan_file.is_relative_to(ctx.repo.root) else set()
    try:
        plan_text = plan_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return found
    for path in ctx.tree.files:
        if path.endswith((".yaml", ".yml")) and path not in found and ctx.tree.read(path) == plan_text:
            found.add(path)
    return found


def _statement_at(text: str, start: int, end: int) -> str:
    """The import statement starting at ``start`` whose ``import`` keyword ends at
    ``end``: to the end of the line, or to the closing parenthesis of a name list."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[end:line_end].lstrip().startswith("("):
        close = text.find(")", end)
        line_end = len(text) if close == -1 else close
    return text[start:line_end]


def _mentions_moved_relative(text: str, hint: re.Pattern[str], leaves: set[str]) -> bool:
    """A relative import that could reach a moved module: ``from .x import`` with x moved,
    or ``from . import x`` naming a moved leaf."""
    for match in hint.finditer(text):
        statement = _statement_at(text, match.start(), match.end())
        if any(re.search(rf"\b{re.escape(leaf)}\b", statement) for leaf in leaves):
            return True
    return False


def _package_import_hint(relocation: RelocationMap) -> tuple[re.Pattern[str], dict[str, set[str]]] | None:
    """``from <package> import <leaf>`` for every moved module ``package.leaf``: such a
    statement never spells the module's full dotted name, so the needles miss it."""
    leaves: dict[str, set[str]] = {}
    for old in relocation.old_module_names():
        parent, _, leaf = old.rpartition(".")
        if parent:
            leaves.setdefault(parent, set()).add(leaf)
    if not leaves:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(leaves, key=len, reverse=True))
    return re.compile(rf"\bfrom\s+({alternatives})\s+import\b"), leaves


def _imports_moved_submodule(text: str, hint: re.Pattern[str], leaves: dict[str, set[str]]) -> bool:
    if not any(parent in text for parent in leaves):  # str.find first: most files name no such package
        return False
    for match in hint.finditer(text):
        statement = _statement_at(text, match.start(), match.end())
        if any(re.search(rf"\b{re.escape(leaf)}\b", statement) for leaf in leaves[match.group(1)]):
            return True
    return False


def _text_kind(path: str) -> str:
    kind = file_kind(path)
    return {"docs": "markdown" if path.endswith(".md") else "docs"}.get(kind, kind)


def find_leftovers(ctx: PhaseContext, phase: Phase) -> None:
    """Lines that still mention a path the phase removed or moved: prose for a human."""
    gone = {p for p in ctx.removed} | {a for a, _ in ctx.report.moves}
    gone |= {o for o in ctx.relocation.dir_paths}
    if not gone:
        return
    full = set(gone)
    # dotted names of what is gone, unless a module or package of that name remains
    # (``services.x.models`` after ``models.py`` became ``models/``)
    dotted = {
        d
        for p in gone
        if (d := module_of(p) or dotted_of_dir(p))
        and not (ctx.tree.exists(d.replace(".", "/") + ".py") or ctx.tree.is_dir(d.replace(".", "/")))
    }
    # forms relative to a service directory (``app/tests``, ``app.main`` in prose), kept
    # per service, so that ``app/main.py`` in the README of a service whose ``app/main.py``
    # stayed (a refused service, one that never had it) is not reported
    prefix = ctx.plan.services_dir + "/"
    local_by_service: dict[str, set[str]] = {}
    for p in gone:
        if p.startswith(prefix) and "/" in p[len(prefix) :]:
            service, rest = p[len(prefix) :].split("/", 1)
            if "/" in rest:  # ``app/main.py``; a bare ``router.py`` is too common a word of prose
                local_by_service.setdefault(prefix + service + "/", set()).add(rest)
    dotted_by_service: dict[str, set[str]] = {}
    for f in ctx.relocation.relative:
        if f.dotted:
            dotted_by_service.setdefault(f.service_dir.rstrip("/") + "/", set()).add(f.old)
    local = set().union(*local_by_service.values()) if local_by_service else set()
    dotted_local = set().union(*dotted_by_service.values()) if dotted_by_service else set()
    local_dir = ""
    if phase.scope != "all" and phase.scope != "repo":  # one service: its own files, and repo-level files
        local_dir = f"{prefix}{phase.scope}{ctx.plan.service_suffix}/"

    def compile_for(forms: list[set[str]], dotted_forms: list[set[str]]) -> tuple[list[_Words], list[_Words]]:
        """Path patterns, then dotted ones (which Python files skip). Each set is its own
        pattern: the repository-wide forms are compiled once, not again with each service's
        own forms (a line mentions any of the union when it mentions any of one set)."""
        paths = [_words(frozenset(f), r"(?!\w|[.-]\w)") for f in forms if f]
        return paths, [_words(frozenset(f), r"(?!\w)") for f in dotted_forms if f]

    # an all-services phase moved every service alike: outside the services, the relative
    # forms are stale anywhere; inside one, only the forms of what that service lost
    everywhere = (
        compile_for([full, local], [dotted, dotted_local]) if phase.scope == "all" else compile_for([full], [dotted])
    )
    outside = compile_for([full, {f for f in local if "/" in f}], [dotted, dotted_local]) if local_dir else everywhere

    def service_patterns(service_dir: str) -> tuple[list[_Words], list[_Words]]:
        return compile_for(
            [full, local_by_service.get(service_dir, set())], [dotted, dotted_by_service.get(service_dir, set())]
        )

    in_service = service_patterns(local_dir) if local_dir else everywhere

    # Every text file: comments in YAML, TOML and scripts are prose too. Dotted names in
    # Python code are the rewriter's business (and ``app.main`` may be an attribute there).
    plan_copies = _plan_in_repo(ctx)
    for path in sorted(ctx.tree.files):
        if path in plan_copies:
            continue
        if local_dir and path.startswith(local_dir):
            patterns = in_service
        elif local_dir and not path.startswith(prefix):
            patterns = outside
        elif phase.scope == "all" and path.startswith(prefix) and "/" in path[len(prefix) :]:
            patterns = service_patterns(prefix + path[len(prefix) :].split("/", 1)[0] + "/")
        else:
            patterns = everywhere
        path_words, dotted_words = patterns
        searched = path_words if path.endswith(".py") else path_words + dotted_words
        if path in ctx.tree.texts:
            text = ctx.tree.read(path)
        else:
            text = ctx.read_texts[path] if path in ctx.read_texts else _read(ctx.tree, path, [])
        if not text or not any(p.search(text) for p in searched) or _is_migration_document(ctx, path, text):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if any(p.search(line) for p in searched):
                ctx.report.needs_human.append(
                    HumanItem(path, number, line, "prose mentions a path that no longer exists")
                )


@functools.lru_cache(maxsize=256)
def _words(words: frozenset[str], after: str) -> _Words:
    """One compiled :class:`_Words` per word set (phases and services share the same sets)."""
    return _Words(set(words), after)


class _Words:
    """Any of ``words`` as a whole path token: not preceded by a word character, ``.``, ``/``
    or ``-``, and followed by what ``after`` allows.

    The words are compiled as a trie (``services/(?:a_service/app/main\\.py|b_service/...)``):
    a plain alternation tries every word at every position of the text, which made this scan
    grow with the number of words times the size of the repository (both grow with the number
    of services); the trie matches in about one pass whatever the number of words. The
    character before a match is checked here rather than by a lookbehind in the pattern: a
    pattern that starts with a literal lets the regex engine skip to the positions where a
    word can start (2.6x faster on a 5x generated tree)."""

    def __init__(self, words: set[str], after: str) -> None:
        self.pattern = re.compile(f"(?:{_trie_pattern(words)}){after}")

    def search(self, text: str) -> bool:
        position = 0
        while (match := self.pattern.search(text, position)) is not None:
            start = match.start()
            before = text[start - 1] if start else ""
            if not (before.isalnum() or before in {"_", ".", "/", "-"}):  # ``(?<![\w./-])``
                return True
            position = start + 1
        return False


def mentions_any(text: str, needles: list[str]) -> bool:
    """``any(n in text for n in needles)``: the reference pass asks it of every file in every
    phase. Up to ``FEW_NEEDLES`` needles one substring search each is fastest; beyond, one pass
    of a trie regex over the text (its cost does not grow with their number: on the 5x tree's
    files 1.5 microseconds per needle and text against 39 for the whole pass)."""
    if len(needles) <= FEW_NEEDLES:
        return any(n in text for n in needles)
    return _needles_pattern(tuple(needles)).search(text) is not None


FEW_NEEDLES = 24


@functools.lru_cache(maxsize=256)
def _needles_pattern(needles: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(_trie_pattern(set(needles)) if needles else "(?!)")  # no needle: never


def _trie_pattern(words: set[str]) -> str:
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def build(node: dict[str, dict]) -> str:
        branches = []
        for char in sorted(k for k in node if k):
            child, literal = node[char], re.escape(char)
            while len(child) == 1 and "" not in child:  # a chain without branches: one literal
                ((next_char, child),) = child.items()
                literal += re.escape(next_char)
            branches.append(literal + build(child))
        if not branches:
            return ""
        group = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{group})?" if "" in node else group  # greedy: the longer word is tried first

    return build(trie)


def _record_created_and_deleted(report: PhaseReport, changes: Changes, original: list[str]) -> None:
    """Files the structural steps created or deleted join the ones the plain steps reported;
    every existing file whose content the phase changes is listed as modified."""
    existing, moved_to = set(original), {new for _, new in changes.moves}
    created = [p for p in sorted(changes.writes) if p not in existing and p not in moved_to]
    report.created.extend(p for p in created if p not in report.created)
    report.deleted.extend(p for p in changes.deletes if p not in report.deleted)
    report.modified = sorted(p for p in changes.writes if p not in report.created)


def validate(ctx: PhaseContext, changes: Changes) -> None:
    for path, text in changes.writes.items():
        try:
            check(path, text)
        except InvalidResult as exc:
            origin = ctx.tree.files.get(path)
            if origin:
                try:
                    check(origin, (ctx.repo.root / origin).read_text(encoding="utf-8"))
                except InvalidResult as before:
                    if _same_problem(str(before), str(exc), origin, path) and DOCKER_ACCEPTS in str(before):
                        # the file's own problem, there before the phase: its edits are
                        # token-bounded and leave it as it was; say so, do not stop
                        ctx.report.notes.append(f"{before} (there before the phase; left as it is)")
                        continue
                    raise PhaseError(f"{before}; fix the file before restructuring") from exc
            raise PhaseError(f"refusing to write an invalid result: {exc}") from exc


# a pre-existing Dockerfile problem Docker itself builds through (the instruction applies to
# no stage): the phase edits such a file token by token and reports the problem
DOCKER_ACCEPTS = "before the first FROM"


def _same_problem(before: str, after: str, origin: str, path: str) -> bool:
    """Is the new text's problem the one the original already had (same message, the file's
    name aside; a line number may shift by the lines an edit adds)?"""
    strip = re.compile(r"^[^:]*(?::\d+)?: ")
    return strip.sub("", before.replace(origin, path)) == strip.sub("", after)


def keep_image_contents(ctx: PhaseContext, original: list[str]) -> None:
    """Dockerfiles copy what they copied, plus what moved out of it (:mod:`restructure.build_context`)."""
    moves = [(a, b) for a, b in ctx.report.moves]
    if not moves and not ctx.removed:
        return
    old = disk_tree(ctx)
    new = trees.from_virtual(ctx.tree)
    contexts = images.dockerfile_contexts(old)
    dir_moves, removed = dict(ctx.relocation.dir_paths), list(ctx.removed)
    for path in sorted(p for p in ctx.tree.files if images.is_dockerfile(p)):
        edits = build_context.plan_edits(old, new, path, moves, dir_moves, removed, contexts)
        ctx.report.notes.extend(edits.notes)
        if edits.after or edits.drop:
            ctx.tree.write(path, build_context.apply_edits(ctx.tree.read(path), edits))
            if path not in ctx.report.files_rewritten:
                ctx.report.files_rewritten.append(path)
            ctx.report.rewrites["dockerfile-copy"] += len(edits.drop) + sum(map(len, edits.after.values()))


def reference_gate(ctx: PhaseContext, original: list[str], scopes: list[Scope]) -> dict[str, str]:
    """Pre-flight (:mod:`restructure.check_references`): every reference to the repository's
    own code that resolves in the tree on disk must resolve in the tree the phase would
    write; one that does not fails the phase before anything is written.

    In a phase for every service, when each broken reference lies in one service's
    directory, the result is instead the services to refuse (name -> one line saying why):
    the phase then runs again without them and completes the others."""
    result = check_references.gate(ctx.repo.root, original, ctx.tree, import_roots(ctx), disk_tree(ctx))
    ctx.report.notes.extend(f"{p} (left as it is)" for p in result.problems)
    owners = {f.reference.path: next((s for s in scopes if f.reference.path.startswith(s.base + "/")), None)
              for f in result.broken}  # fmt: skip
    if ctx.phase_scope == "all" and result.broken and all(owners.values()):
        refused: dict[str, str] = {}
        for finding in result.broken:
            scope = owners[finding.reference.path]
            refused.setdefault(scope.service, f"{result.lines()[result.broken.index(finding)]}")  # type: ignore[union-attr]
        counts = Counter(owners[f.reference.path].service for f in result.broken)  # type: ignore[union-attr]
        return {
            name: f"the phase would break {line}"
            + (f" (and {counts[name] - 1} more)" if counts[name] > 1 else "")
            + "; fix it by hand first, then run the phase again"
            for name, line in refused.items()
        }
    ctx.report.problems.extend(f"reference broken by the phase: {line}" for line in result.lines())
    return {}


def unified_diff(ctx: PhaseContext, changes: Changes) -> str:
    out: list[str] = []
    renamed = dict(changes.moves)
    for old, new in changes.moves:
        out.append(f"rename {old} -> {new}")
    for path in changes.deletes:
        out.append(f"delete {path}")
    origin_of = {new: old for old, new in renamed.items()}
    for path, text in sorted(changes.writes.items()):
        origin = origin_of.get(path, path)
        before_path = ctx.repo.root / origin
        before = before_path.read_text(encoding="utf-8") if ctx.tree.files.get(path) and before_path.exists() else ""
        out.extend(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"a/{origin}" if before else "/dev/null",
                tofile=f"b/{path}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def commit_message(report: PhaseReport) -> str:
    lines = [f"restructure: phase {report.phase}: {report.title}", ""]
    if report.moves:
        lines.append("Moved:")
        lines.extend(f"  {a} -> {b}" for a, b in report.moves)
    if report.deleted:
        lines.append(f"Deleted ({len(report.deleted)}): " + ", ".join(report.deleted))
    if report.created:
        lines.append(f"Created ({len(report.created)}): " + ", ".join(report.created))
    if report.modified:
        lines.append(f"Modified ({len(report.modified)}): " + ", ".join(report.modified))
    if report.rewrites:
        lines.append("Rewrote references: " + ", ".join(f"{k} {v}" for k, v in sorted(report.rewrites.items())))
    return "\n".join(lines) + "\n"


def run_phase(
    repo_path: Path | str,
    number: int,
    plan_path: Path | str | None = None,
    dry_run: bool = False,
    commit: bool = False,
    allow_dirty: bool = False,
    echo: Callable[[str], None] = print,
    plan: Plan | None = None,
    refused: dict[str, str] | None = None,
    keep: Callable[[Changes], None] | None = None,
    paths: list[str] | None = None,
    throwaway: bool = False,
) -> PhaseReport:
    """Run one phase: plan it on the in-memory tree, check it, then write it as one
    transaction (``dry_run``: print it instead). ``keep`` receives the changes the phase
    writes, before they are written (the pre-flight keeps them to replay on the target).
    ``paths``: the work tree's files as :meth:`GitRepo.tracked_files` lists them, when the
    caller knows them (the pre-flight carries them from one phase to the next).
    ``throwaway``: the repository is the pre-flight's scratch copy (see :func:`editset.apply`).
    When it ends, what was derived from its trees is released (:func:`trees.release_derived`)."""
    try:
        return _run_phase(
            repo_path, number, plan_path, dry_run, commit, allow_dirty, echo, plan, refused, keep, paths, throwaway
        )
    finally:
        trees.release_derived()


def _run_phase(
    repo_path: Path | str,
    number: int,
    plan_path: Path | str | None,
    dry_run: bool,
    commit: bool,
    allow_dirty: bool,
    echo: Callable[[str], None],
    plan: Plan | None,
    refused: dict[str, str] | None,
    keep: Callable[[Changes], None] | None,
    paths: list[str] | None = None,
    throwaway: bool = False,
) -> PhaseReport:
    started = time.perf_counter()
    plan = plan or load_plan(plan_path)
    phase = plan.phase(number)
    repo = GitRepo.open(repo_path)
    if not dry_run and not allow_dirty:
        repo.require_clean()
    report = PhaseReport(phase.number, phase.title, dry_run=dry_run)
    tree = VirtualTree.from_paths(repo.root, repo.tracked_files() if paths is None else paths)
    original = list(tree.files)
    ctx = PhaseContext(plan, repo, tree, report, phase_scope=phase.scope)
    ctx.extra["original_paths"] = original
    refused = dict(refused or {})
    scopes = targets(plan, phase, tree, report)
    for scope in scopes:
        if scope.service in refused:
            report.add(scope.service, "phase", REFUSED, refused[scope.service])
            continue
        run_steps(ctx, scope, phase)
        if phase.scope == "all":
            refuse_half_moves(ctx, scope)
    changes: Changes | None = None
    try:
        drop_unused_packages(ctx)
        rewrite_references(ctx)
        keep_image_contents(ctx, original)
        splitting.finish(ctx)
        find_leftovers(ctx, phase)
        changes = diff_tree(tree, original)
        _record_created_and_deleted(report, changes, original)
        validate(ctx, changes)
    except PhaseError as exc:
        if not report.failed:
            raise
        # the tree is half-built after a failed step: what breaks now may follow from it
        report.problems.append(f"{exc} (may follow from the failure above)")
    # a phase that changes nothing cannot break a reference (the gate would compare the tree
    # with itself): a re-run of a finished phase, a phase with notes only
    if not report.failed and not (changes is not None and changes.empty):
        more = reference_gate(ctx, original, [s for s in scopes if s.service not in refused])
        if more:  # refuse those services in the pre-flight, run the phase for the others
            echo("\n".join(f"{name}: refused before any write: {why}" for name, why in sorted(more.items())))
            again = {**refused, **more}
            return run_phase(
                repo_path, number, plan_path, dry_run, commit, allow_dirty, echo, plan, again, keep, paths, throwaway
            )
    report.python_files_parsed = ctx.parsed.files
    report.python_parses_max_per_file = ctx.parsed.most_per_file
    report.python_fragments_parsed = ctx.parsed.fragments
    if dry_run or report.failed:
        report.dry_run = dry_run
        if report.failed and not dry_run:
            report.seconds = time.perf_counter() - started
            report.write_json(repo.state_dir() / "reports")
        echo(report.to_text())
        if dry_run:
            diff = unified_diff(ctx, changes) if changes is not None else "(no diff: the phase failed)"
            echo(diff if diff else "(no changes)")
        if report.failed:
            raise PhaseFailed(report)
    if keep is not None and changes is not None and not dry_run:
        keep(changes)
    return _write(repo, report, changes, commit, echo, started, dry_run, throwaway)


def _write(
    repo: GitRepo,
    report: PhaseReport,
    changes: Changes | None,
    commit: bool,
    echo: Callable[[str], None],
    started: float,
    dry_run: bool = False,
    throwaway: bool = False,
) -> PhaseReport:
    if not dry_run and changes is not None and not changes.empty:
        # the commit is part of the transaction: a refused hook undoes the whole phase
        made = apply(repo, changes, commit_message(report) if commit else None, throwaway)
        report.commit = made[-1] if made else None
        report.renames_commit = made[0] if len(made) > 1 else None
    report.seconds = time.perf_counter() - started
    if not dry_run:
        report.write_json(repo.state_dir() / "reports")
        echo(report.to_text())
    return report


def apply_prepared(
    repo_path: Path | str,
    report: PhaseReport,
    changes: Changes | None,
    commit: bool = False,
    echo: Callable[[str], None] = print,
    seconds: float = 0.0,
) -> PhaseReport:
    """Write a phase the pre-flight already ran on a copy of this very tree: its changes
    (moves, contents, deletions) are paths and texts, the same here as there, so they are
    written as the engine writes them, with this repository's hooks and identity, without
    planning the phase a second time. The caller checks the tree came out the same."""
    started = time.perf_counter() - seconds
    report.dry_run, report.commit, report.renames_commit = False, None, None
    return _write(GitRepo.open(repo_path), report, changes, commit, echo, started)


def apply_prepared_together(
    repo_path: Path | str,
    prepared: list[tuple[PhaseReport, Changes | None]],
    original: list[str],
    echo: Callable[[str], None] = print,
) -> list[PhaseReport]:
    """Write several phases the pre-flight ran on a copy of this very tree, without commits,
    as one transaction (:func:`restructure.net_changes.compose`): every file is written and
    staged once, and a failure leaves the tree as it was before the first of them. Each
    phase's report is then written and printed as its own run would."""
    started = time.perf_counter()
    repo = GitRepo.open(repo_path)
    net = net_changes.compose((changes for _, changes in prepared if changes is not None), original)
    if not net.empty:
        apply(repo, net, None, what="phases" if len(prepared) > 1 else "phase")
    share = (time.perf_counter() - started) / max(len(prepared), 1)
    for report, _ in prepared:
        report.dry_run, report.commit, report.renames_commit = False, None, None
        report.seconds += share
        report.write_json(repo.state_dir() / "reports")
        echo(report.to_text())
    return [report for report, _ in prepared]


@dataclass
class StatusRow:
    phase: int
    service: str
    state: str  # done / pending / failed / drifted / not applicable / not in the plan


def step_state(tree: VirtualTree, scope: Scope, step: Step, plan: Plan | None = None) -> str | None:
    """done / pending / failed / None (not applicable) for one step, read from the tree."""
    args = step.args
    if step.op == "check-no-app-dirs":
        return "failed" if docs.app_dirs_left(plan.services_dir if plan else "services", tree) else "done"
    if step.op == "move":
        src, dst = scope.path(args["from"]), scope.path(args["to"])
        if tree.exists(src) or tree.is_dir(src):
            return "pending"
        return "done" if tree.exists(dst) or tree.is_dir(dst) else None
    if step.op in {"delete-if-empty", "delete"}:
        path = scope.path(args["path"])
        return "pending" if tree.exists(path) or tree.is_dir(path) else "done"
    if step.op == "ensure-package":
        path = scope.path(args["path"])
        path = path if path.endswith(".py") else path + "/__init__.py"
        return "done" if tree.exists(path) else "pending"
    if step.op == "split" and not tree.exists(scope.path(args["module"])):
        outcome = drift.split_done_before(tree, scope, args)[0]
        return {ALREADY_DONE: "done", DRIFTED: DRIFTED}.get(outcome)
    if step.op in {"split", "extract-schemas"}:
        module = scope.path(args["module"])
        if tree.exists(module):
            return "pending"
        return "done" if tree.is_dir(scope.path(args["into"])) or tree.exists(scope.path(args["into"])) else None
    if step.op == "merge":
        pending = [m for m in args["modules"] if tree.exists(scope.path(m))]
        return "pending" if pending else "done"
    if step.op == "assemble-routers":
        init = scope.path(args.get("package", "routers")) + "/__init__.py"
        if not tree.exists(init):
            return None
        return "done" if "api_router" in tree.read(init) else "pending"
    if step.op in docs.STATUS:
        return docs.STATUS[step.op](tree, args)
    return None


def status(repo_path: Path | str, plan_path: Path | str | None = None) -> list[StatusRow]:
    """Per phase and service: done, pending or not applicable, from the repository alone."""
    plan = load_plan(plan_path)
    repo = GitRepo.open(repo_path)
    tree = VirtualTree.from_paths(repo.root, repo.tracked_files())
    dirs = service_dirs(plan, tree)
    rows: list[StatusRow] = []
    phase1: dict[str, str] = {}
    for phase in plan.phases.values():
        if phase.scope == "repo":
            scopes = [Scope("", "repo")]
        elif phase.scope == "all":
            scopes = [Scope(base, name) for name, base in dirs.items()]
        else:
            scopes = [Scope(dirs.get(phase.scope, ""), phase.scope)]
        for scope in scopes:
            if phase.scope == "all" and not plan.includes(scope.service):
                rows.append(StatusRow(phase.number, scope.service, "not in the plan"))
                phase1[scope.service] = "not in the plan"
                continue
            without_app = phase.scope == "all" and not (
                tree.exists(f"{scope.base}/app/main.py") or tree.exists(f"{scope.base}/main.py")
            )  # as in targets(): a phase for every service skips one with no app at all
            if (scope.service != "repo" and not scope.base) or without_app:
                rows.append(StatusRow(phase.number, scope.service, "not applicable"))
                if phase.scope == "all":
                    phase1[scope.service] = "not applicable"
                continue
            states = [
                step_state(tree, scope, s, plan)
                for s in phase.steps
                if scope.service == "repo" or s.applies_to(scope.service)
            ]
            if all(s.op == "note" for s in phase.steps):
                state = phase1.get(scope.service, "not applicable")
            elif DRIFTED in states:  # done by hand in another way: the phase fails until the plan or tree changes
                state = DRIFTED
            elif "pending" in states:  # a check can only pass once the steps before it ran
                state = "pending"
            elif "failed" in states:
                state = "failed"
            elif "done" in states:
                state = "done"
            else:
                state = "not applicable"
            if phase.scope == "all":
                phase1[scope.service] = state
            rows.append(StatusRow(phase.number, scope.service, state))
    return rows


__all__ = ["ALREADY_DONE", "PhaseError", "run_phase", "status"]
