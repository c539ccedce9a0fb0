"""``invoke plan --service NAME``: propose a service's restructuring phase from its code.

The proposal is a plan file the user reads and edits, then runs with
``invoke phaseN --plan FILE``. It applies the seed plan's 300-line rule: a layer file
over the limit becomes a package. It names target modules only, at the granularity a
careful engineer would pick; which symbol goes where is inferred when the phase runs
(:mod:`restructure.placement`), and the proposal shows those placements as comments:

* models: one file per entity. An entity is a model class other models point at
  (``ForeignKey``) or one that points at none; a model that only depends on one entity
  joins it, and an entity named like another (``CoachAgreementVersion``) joins that one;
  enums go together to ``enums.py``;
* schemas: the same entities as the models, for those some schema is named after;
* routers: one file per router object when a module holds several, else per first path
  segment; helpers used by several files go to ``_shared``;
* side modules: ``x_router.py`` moves to ``routers/x.py``, ``x_schemas.py`` merges into
  the schemas package; ``routers/__init__.py`` is assembled from main.py;
* a module that only re-exports names (imports, ``__all__``, a docstring) is a stub: it is
  deleted, not moved, and its importers are pointed at where the names live.

The service's code is read wherever it lives: the service directory and its subpackages
(``app/`` included), tests and migrations aside. Every proposed split is tried in memory; a
group that would create an import cycle is folded and said so in a comment.

The proposal is written into the target's ``.git/restructure/`` (or to stdout with
``-o -``), never into the tool's own directory.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import libcst as cst
import yaml

import restructure
from restructure.gitrepo import GitError, GitRepo
from restructure.placement import finer_split
from restructure.plan import DEFAULT_PLAN, load_plan
from restructure.python.merge import schema_classes
from restructure.python.routes import function_routes, router_objects
from restructure.python.split import SplitError, SplitSpec, split_module
from restructure.python.symbols import analyse, is_enum_class, top_level_names

TOOL_ROOT = Path(restructure.__file__).resolve().parents[1]
SKIP_DIRS = {"tests", "test", "alembic", "migrations", "__pycache__", "node_modules", "venv", ".venv"}
STDOUT = "-"


class ProposalError(ValueError):
    """The service cannot be found or read, or the output would land in the wrong place; one line."""


@dataclass
class Proposal:
    service: str
    phase: int
    steps: list[dict[str, Any]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)  # outputs over the line limit, to review
    limit: int = 300


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _without_schemas(module: cst.Module) -> cst.Module:
    """The router as extract-schemas leaves it (schema classes imported, not defined)."""
    names = set(schema_classes(module))
    body = [node for node in module.body if not (isinstance(node, cst.ClassDef) and node.name.value in names)]
    return module.with_changes(body=body)


def is_reexport_stub(module: cst.Module) -> bool:
    """A module that only imports names (and lists them in ``__all__``): nothing to move."""
    has_import = False
    for index, node in enumerate(module.body):
        if not isinstance(node, cst.SimpleStatementLine):
            return False
        for small in node.body:
            docstring = isinstance(small, cst.Expr) and index == 0 and isinstance(small.value, cst.SimpleString)
            if isinstance(small, cst.Import | cst.ImportFrom):
                has_import = True
            elif not docstring and not (isinstance(small, cst.Assign | cst.AugAssign) and _assigns_all(small)):
                return False
    return has_import


def _assigns_all(small: cst.Assign | cst.AugAssign) -> bool:
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
    return all(isinstance(t, cst.Name) and t.value == "__all__" for t in targets)


def _camel_prefix(prefix: str, name: str) -> bool:
    """``CoachAgreement`` is a word-boundary prefix of ``CoachAgreementVersion`` (not of ``CoachAgreements``)."""
    return name != prefix and name.startswith(prefix) and name[len(prefix)].isupper()


def model_groups(module: cst.Module) -> tuple[dict[str, list[str]], bool]:
    """Entity groups for a models module (entity file -> its model classes), and whether it has enums."""
    ms = analyse(module)
    classes = [st for st in ms.statements if isinstance(st.node, cst.ClassDef)]
    enums = any(is_enum_class(st.node) for st in classes)  # type: ignore[arg-type]
    tables: dict[str, str] = {}
    models: list[str] = []
    for st in classes:
        assert isinstance(st.node, cst.ClassDef)
        for table in st.tables:
            tables[table] = st.node.name.value
            models.append(st.node.name.value)
    points_at: dict[str, set[str]] = {}
    for st in classes:
        assert isinstance(st.node, cst.ClassDef)
        name = st.node.name.value
        if name in models:
            points_at[name] = {tables[t] for t in st.foreign_tables if t in tables and tables[t] != name}
    parents = set().union(*points_at.values()) if points_at else set()
    roots = [m for m in models if m in parents or not points_at.get(m)]
    # an entity named after another model (``CoachAgreementVersion``, ``CoachAgreement``) is that model's
    roots = list(dict.fromkeys(min((m for m in models if m == r or _camel_prefix(m, r)), key=len) for r in roots))
    groups: dict[str, list[str]] = {snake(r): [r] for r in roots}
    for name in models:
        if name in roots:
            continue
        home = next((r for r in roots if _camel_prefix(r, name)), None)
        if home is None:
            owners = sorted({r for r in points_at.get(name, set()) if r in roots})
            home = owners[0] if len(owners) == 1 else None
        if home is None:  # several owners: the one whose name it carries, else the first it points at
            owners = sorted(points_at.get(name, set()) & set(roots)) or roots[:1]
            home = next((r for r in owners if r in name), owners[0])
        groups[snake(home)].append(name)
    return groups, enums


def router_groups(module: cst.Module, default: str) -> list[str]:
    """Route files: one per router object when there are several, else one per first path segment.

    Routes without a literal first segment (``/``, ``/{id}``) go to the ``default`` file.
    """
    routers = router_objects(module)
    if len(routers) > 1:
        return sorted({snake(name.removesuffix("_router")) or name for name in routers})
    groups: list[str] = []
    for node in module.body:
        if not isinstance(node, cst.FunctionDef):
            continue
        for route in function_routes(node, routers, 0):
            segment = next((s for s in route.path.split("/") if s), "")
            key = default if not segment or segment.startswith("{") else re.sub(r"\W", "_", segment)
            if key not in groups:
                groups.append(key)
    return groups


def _service_files(base: Path) -> dict[str, str]:
    """Every Python file of the service (relative posix path -> text), tests and migrations aside."""
    files: dict[str, str] = {}
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        try:
            files[rel.as_posix()] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProposalError(f"{path}: cannot read: {exc}") from exc
    return files


def propose(repo: Path, service: str, plan_path: Path | None = None) -> Proposal:
    """The steps that bring ``service`` to the package-per-layer layout."""
    plan = load_plan(plan_path or DEFAULT_PLAN)
    base = repo / plan.services_dir / f"{service}{plan.service_suffix}"
    if not base.is_dir():
        raise ProposalError(f"{base}: no such service directory (services: {plan.services_dir}/*{plan.service_suffix})")
    phase = next((p.number for p in plan.phases.values() if p.scope == service), max(plan.phases, default=1) + 1)
    proposal = Proposal(service, phase, limit=plan.line_limit)
    files = _service_files(base)
    parsed: dict[str, cst.Module] = {}
    for name, text in files.items():
        try:
            parsed[name] = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            raise ProposalError(f"{base / name}:{exc.raw_line}: Python syntax error; fix it first") from exc
    directories = sorted({str(PurePosixPath(n).parent) for n in files if PurePosixPath(n).name.endswith(".py")})
    for directory in directories:
        _propose_directory(
            proposal, plan.line_limit, service, base, directory, files, parsed, f"{plan.services_dir}/{base.name}"
        )
    if not proposal.steps:
        proposal.comments.append(f"every layer file of {service} is within {plan.line_limit} lines: nothing to split")
    return proposal


def _propose_directory(
    proposal: Proposal,
    limit: int,
    service: str,
    base: Path,
    directory: str,
    all_files: dict[str, str],
    all_parsed: dict[str, cst.Module],
    service_rel: str,
) -> None:
    """The steps for the layer files of one directory of the service (``.`` or ``app`` ...)."""
    prefix = "" if directory == "." else f"{directory}/"
    files = {n[len(prefix) :]: t for n, t in all_files.items() if str(PurePosixPath(n).parent) == directory}
    parsed = {n[len(prefix) :]: m for n, m in all_parsed.items() if str(PurePosixPath(n).parent) == directory}
    rel = f"{service_rel}/{prefix}".rstrip("/")
    layer = {"models.py", "schemas.py", "router.py"}
    if not (layer & files.keys() or any(n.endswith(("_router.py", "_schemas.py", "_schema.py")) for n in files)):
        return
    stubs = [n for n in sorted(layer & files.keys()) if is_reexport_stub(parsed[n])]
    for name in stubs:
        proposal.steps.append({"op": "delete", "path": f"{prefix}{name}"})
        proposal.comments.append(
            f"{prefix}{name} only re-exports names: deleted, its importers point at the names' homes"
        )
        files.pop(name)
    schemas_package = False
    routers_package = (base / prefix / "routers").is_dir()
    entities: dict[str, str] = {}
    models_split = "models.py" in files and _lines(files["models.py"]) > limit
    if "models.py" in parsed:
        groups_m, enums = model_groups(parsed["models.py"])
        entities = {cls: group for group, classes in groups_m.items() for cls in classes}
        if models_split:
            step: dict[str, Any] = {"op": "split", "module": f"{prefix}models.py", "into": f"{prefix}models",
                                    "groups": [*groups_m, *(["enums"] if enums else [])]}  # fmt: skip
            proposal.steps.append(
                _tried(proposal, step, files["models.py"], f"{rel}/models.py", f"{rel}/models", service, homes=entities)
            )
            models = {cls for classes in groups_m.values() for cls in classes}
            entities = {name: group for name, group in entities.items() if name in models}
    if "schemas.py" in files and _lines(files["schemas.py"]) > limit:
        schemas_package = True
        names = [name for _, name in top_level_names(parsed["schemas.py"])]
        # a group only for an entity some schema is named after: an empty group fails the split
        groups_s = [
            g for g, classes in _entity_groups(entities).items() if any(_names_entity(n, classes) for n in names)
        ]
        step = {"op": "split", "module": f"{prefix}schemas.py", "into": f"{prefix}schemas",
                "groups": groups_s or [service], "helpers": "common"}  # fmt: skip
        proposal.steps.append(
            _tried(
                proposal,
                step,
                files["schemas.py"],
                f"{rel}/schemas.py",
                f"{rel}/schemas",
                service,
                entities if models_split else {},
            )
        )
    for name in sorted(files):
        if re.fullmatch(r"\w+_schemas?\.py", name):
            stem = re.sub(r"_schemas?\.py$", "", name)
            into = f"{prefix}schemas/{stem}.py" if schemas_package else f"{prefix}schemas.py"
            proposal.steps.append({"op": "merge", "modules": [f"{prefix}{name}"], "into": into})
    side_routers = [n for n in sorted(files) if n.endswith("_router.py")]
    if "router.py" in parsed and "schemas.py" not in files and schema_classes(parsed["router.py"]):
        proposal.steps.append({"op": "extract-schemas", "module": f"{prefix}router.py", "into": f"{prefix}schemas.py"})
        parsed["router.py"] = _without_schemas(parsed["router.py"])
        files["router.py"] = parsed["router.py"].code
    if "router.py" in files and (_lines(files["router.py"]) > limit or side_routers):
        routers_package = True
        if _lines(files["router.py"]) > limit:
            step = {"op": "split", "module": f"{prefix}router.py", "into": f"{prefix}routers",
                    "groups": router_groups(parsed["router.py"], service), "helpers": "_shared"}  # fmt: skip
            proposal.steps.append(
                _tried(proposal, step, files["router.py"], f"{rel}/router.py", f"{rel}/routers", service)
            )
        else:
            proposal.steps.append({"op": "move", "from": f"{prefix}router.py", "to": f"{prefix}routers/{service}.py"})
    for name in side_routers:
        routers_package = True
        target = f"{prefix}routers/{name.removesuffix('_router.py')}.py"
        proposal.steps.append({"op": "move", "from": f"{prefix}{name}", "to": target})
    if routers_package and any(s["op"] in {"split", "move"} and "router" in str(s) for s in proposal.steps):
        splits_routers = any(s.get("into") == f"{prefix}routers" for s in proposal.steps)
        if not (base / prefix / "routers" / "__init__.py").exists() and not splits_routers:
            proposal.steps.append({"op": "ensure-package", "path": f"{prefix}routers/__init__.py"})
        if (base / prefix / "main.py").exists() or (base / "main.py").exists() or directory != ".":
            main = f"{prefix}main.py" if (base / prefix / "main.py").exists() else "main.py"
            step = {"op": "assemble-routers"}
            if prefix:
                step.update({"package": f"{prefix}routers", "main": main})
            proposal.steps.append(step)


def _entity_groups(entities: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for cls, group in entities.items():
        groups.setdefault(group, []).append(cls)
    return groups


def _names_entity(name: str, classes: list[str]) -> bool:
    """Does a schema name carry one of an entity's model class names (``CoachProfileCreate``)?"""
    return any(name == cls or _camel_prefix(cls, name) or cls in name for cls in classes)


def _tried(
    proposal: Proposal,
    step: dict[str, Any],
    text: str,
    path: str,
    into: str,
    service: str,
    entities: dict[str, str] | None = None,
    homes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the split in memory; fold groups that import each other; note where names go.

    ``homes``, when given, is updated to where the split put each class (file stem): the
    schemas split then follows the models as the phase will find them.
    """
    for _ in range(8):
        spec = SplitSpec.from_args(step, service)
        spec.entities = dict(entities or {})
        try:
            result = split_module(text, path, into, spec)
            break
        except SplitError as exc:
            cycle = [g for g in dict.fromkeys(exc.cycle) if g in step["groups"]]
            if len(cycle) < 2:
                proposal.comments.append(f"{step['module']}: {exc}; edit the groups")
                return step
            proposal.comments.append(f"{step['module']}: groups {', '.join(cycle)} import each other: merged")
            step["groups"] = [g for g in step["groups"] if g not in cycle[1:]]
    else:
        proposal.comments.append(f"{step['module']}: could not find groups without an import cycle; edit them")
        return step
    if result.empty_groups:
        step["groups"] = [g for g in step["groups"] if g not in result.empty_groups]
        proposal.comments.append(
            f"{step['module']}: dropped groups that receive nothing: {', '.join(result.empty_groups)}"
        )
    for decision in result.placements:
        if decision.inferred and decision.rule not in {"enum", "affinity", "route", "router", "entity"}:
            proposal.comments.append(f"{step['module']}: {decision.line()}")
    sizes = ", ".join(f"{name} {count}" for name, count in result.line_counts.items())
    proposal.comments.append(f"{step['module']} -> {len(result.files)} file(s): {sizes}")
    if homes is not None:
        homes.clear()
        homes.update({name: module.rsplit(".", 1)[-1] for name, module in result.homes.items()})
    for name, text in result.files.items():
        size = _lines(text)
        if size > proposal.limit and name != "__init__.py":
            group = name.removesuffix(".py")
            finer = finer_split(result.placements, group)
            hint = f"; or split it finer: {', '.join(finer)}" if finer else ""
            proposal.comments.append(f"{into}/{name}: {size} lines, over {proposal.limit}: kept as an exception{hint}")
            proposal.exceptions.append({"path": f"{into}/{name}", "rule": 2,
                                        "reason": f"proposed by invoke plan: {size} lines; review"})  # fmt: skip
    return step


def to_yaml(proposal: Proposal, services: list[str]) -> str:
    data: dict[str, Any] = {"version": 1, "services": services}
    if proposal.exceptions:
        data["exceptions"] = proposal.exceptions
    data |= {
        "phases": [
            {
                "phase": proposal.phase,
                "title": f"{proposal.service.capitalize()}: proposed by invoke plan",
                "scope": proposal.service,
                "steps": proposal.steps or [{"op": "note", "text": "nothing to split"}],
            }
        ],
    }
    header = [f"# Proposed restructuring of the {proposal.service} service (edit, then run",
              f"#   invoke phase{proposal.phase} --plan THIS_FILE)."]  # fmt: skip
    header += [f"# {line}" for line in proposal.comments]
    return "\n".join(header) + "\n" + yaml.safe_dump(data, sort_keys=False, width=110)


def _output_path(repo: Path, service: str, output: Path | None) -> Path:
    """Where the proposal goes: the target's ``.git/restructure/`` unless the user names a file;
    never the tool's own directory (it is not the user's, and a second run would find it there)."""
    if output is None:
        try:
            return GitRepo.open(repo).state_dir() / f"plan-{service}.yaml"
        except GitError as exc:
            raise ProposalError(f"{repo}: not a git work tree; pass --output FILE or -o - for stdout") from exc
    resolved = output.resolve()
    if resolved.is_relative_to(TOOL_ROOT) and not resolved.is_relative_to(repo.resolve()):
        raise ProposalError(f"{output}: inside the tool's own directory {TOOL_ROOT}; write it next to the target")
    return output


def write_proposal(repo: Path, service: str, output: Path | None, plan_path: Path | None = None) -> Path | None:
    """Write the proposal (returns the file), or print it when ``output`` is ``-`` (returns None)."""
    plan = load_plan(plan_path or DEFAULT_PLAN)
    proposal = propose(repo, service, plan_path)
    services = sorted({*plan.services, service})
    text = to_yaml(proposal, services)
    if output is not None and str(output) == STDOUT:
        sys.stdout.write(text)
        return None
    path = _output_path(repo, service, output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    load_plan(path)  # what we write must validate
    return path
