"""``invoke plan --service NAME``: propose a service's restructuring phase from its code.

The proposal is a plan file the user reads and edits, then runs with
``invoke phaseN --plan FILE``. It applies the seed plan's 300-line rule: a layer file
over the limit becomes a package. Groups come from the code:

* models: one file per entity; a class joins the entity whose name is a prefix of its
  own (``ProgramInterest`` -> ``program``); enums go to ``enums.py``;
* schemas: one file per model entity, by name prefix; shared bases go to ``common.py``;
* routers: one file per first path segment under the router prefix (or per router
  object when a module holds several); helpers used by several files go to ``_shared``;
* side modules: ``x_router.py`` moves to ``routers/x.py``, ``x_schemas.py`` merges into
  the schemas package; ``routers/__init__.py`` is assembled from main.py.

Every proposed split is tried in memory; a group that would create an import cycle or
lose a route order is reported in the file as a comment for the user to resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import libcst as cst
import yaml

from restructure.plan import DEFAULT_PLAN, load_plan
from restructure.python.merge import schema_classes
from restructure.python.routes import function_routes, router_objects
from restructure.python.split import SplitError, SplitSpec, split_module
from restructure.python.symbols import analyse, is_enum_class, top_level_names


class ProposalError(ValueError):
    """The service cannot be found or read; one line."""


@dataclass
class Proposal:
    service: str
    phase: int
    steps: list[dict[str, Any]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _lines(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _without_schemas(module: cst.Module) -> cst.Module:
    """The router as extract-schemas leaves it (schema classes imported, not defined)."""
    names = set(schema_classes(module))
    body = [node for node in module.body if not (isinstance(node, cst.ClassDef) and node.name.value in names)]
    return module.with_changes(body=body)


def model_groups(module: cst.Module) -> tuple[dict[str, list[str]], bool]:
    """Entity groups for a models module, and whether it has enums."""
    ms = analyse(module)
    classes = [st for st in ms.statements if st.kind == "class" and isinstance(st.node, cst.ClassDef)]
    enums = any(is_enum_class(st.node) for st in classes)  # type: ignore[arg-type]
    tables = [st.name for st in classes if st.name and "__tablename__" in ms.module.code_for_node(st.node)]
    names = [n for n in tables if n]
    groups: dict[str, list[str]] = {}
    for name in names:
        roots = [other for other in names if other != name and name.startswith(other)]
        root = min(roots, key=len) if roots else name
        groups.setdefault(snake(root), []).append(name)
    return groups, enums


def router_groups(module: cst.Module, default: str) -> dict[str, dict[str, list[str]]]:
    """Route groups: by router object when there are several, else by first path segment.

    Routes without a literal first segment (``/``, ``/{id}``) go to the ``default`` group.
    """
    routers = router_objects(module)
    if len(routers) > 1:
        return {snake(name.removesuffix("_router")) or name: {"routers": [name]} for name in routers}
    groups: dict[str, dict[str, list[str]]] = {}
    for node in module.body:
        if not isinstance(node, cst.FunctionDef):
            continue
        for route in function_routes(node, routers, 0):
            segment = next((s for s in route.path.split("/") if s), "")
            if not segment or segment.startswith("{"):
                groups.setdefault(default, {"paths": []})
                continue
            key = segment.replace("-", "_")
            groups.setdefault(key, {"paths": []})
            if f"/{segment}" not in groups[key]["paths"]:
                groups[key]["paths"].append(f"/{segment}")
    return groups


def propose(repo: Path, service: str, plan_path: Path | None = None) -> Proposal:
    """The steps that bring ``service`` to the package-per-layer layout."""
    plan = load_plan(plan_path or DEFAULT_PLAN)
    base = repo / plan.services_dir / f"{service}{plan.service_suffix}"
    if not base.is_dir():
        raise ProposalError(f"{base}: no such service directory (services: {plan.services_dir}/*{plan.service_suffix})")
    phase = next((p.number for p in plan.phases.values() if p.scope == service), max(plan.phases, default=1) + 1)
    proposal = Proposal(service, phase)
    limit = plan.line_limit
    schemas_package = False
    routers_package = (base / "routers").is_dir()
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(base.glob("*.py"))}
    parsed: dict[str, cst.Module] = {}
    for name, text in files.items():
        try:
            parsed[name] = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            raise ProposalError(f"{base / name}:{exc.raw_line}: Python syntax error; fix it first") from exc
    rel = f"{plan.services_dir}/{base.name}"
    if "models.py" in files and _lines(files["models.py"]) > limit:
        groups, enums = model_groups(parsed["models.py"])
        step: dict[str, Any] = {"op": "split", "module": "models.py", "into": "models", "groups": groups}
        if enums:
            step["rules"] = [{"kind": "enum", "to": "enums"}]
        step["fallback"] = "most-referenced"
        proposal.steps.append(_tried(proposal, step, files["models.py"], f"{rel}/models.py", f"{rel}/models"))
    entities: list[str] = []
    if "models.py" in parsed:
        entities = sorted({n for g in model_groups(parsed["models.py"])[0].values() for n in g})
    if "schemas.py" in files and _lines(files["schemas.py"]) > limit:
        schemas_package = True
        roots = sorted({snake(e) for e in entities}) or ["main"]
        roots_only = [e for e in entities if not any(e.startswith(o) and o != e for o in entities)]
        # a group only for an entity some schema is named after: an empty group fails the split
        names = {name for _, name in top_level_names(parsed["schemas.py"])}
        groups_s = {snake(e): {"prefixes": [e]} for e in roots_only if any(n.startswith(e) for n in names)}
        step = {"op": "split", "module": "schemas.py", "into": "schemas", "groups": groups_s or {roots[0]: {}},
                "helpers": "common", "fallback": "most-referenced"}  # fmt: skip
        proposal.steps.append(_tried(proposal, step, files["schemas.py"], f"{rel}/schemas.py", f"{rel}/schemas"))
    for name in files:
        if re.fullmatch(r"\w+_schemas?\.py", name):
            stem = re.sub(r"_schemas?\.py$", "", name)
            into = f"schemas/{stem}.py" if schemas_package else "schemas.py"
            proposal.steps.append({"op": "merge", "modules": [name], "into": into})
    side_routers = [n for n in files if n.endswith("_router.py")]
    if "router.py" in parsed and "schemas.py" not in files and schema_classes(parsed["router.py"]):
        proposal.steps.append({"op": "extract-schemas", "module": "router.py", "into": "schemas.py"})
        parsed["router.py"] = _without_schemas(parsed["router.py"])
        files["router.py"] = parsed["router.py"].code
    if "router.py" in files and (_lines(files["router.py"]) > limit or side_routers):
        routers_package = True
        if _lines(files["router.py"]) > limit:
            step = {"op": "split", "module": "router.py", "into": "routers",
                    "groups": router_groups(parsed["router.py"], service), "helpers": "_shared",
                    "fallback": "most-referenced"}  # fmt: skip
            if service in step["groups"]:
                step["fallback"] = service
            proposal.steps.append(_tried(proposal, step, files["router.py"], f"{rel}/router.py", f"{rel}/routers"))
        else:
            proposal.steps.append({"op": "move", "from": "router.py", "to": f"routers/{service}.py"})
    for name in side_routers:
        routers_package = True
        proposal.steps.append({"op": "move", "from": name, "to": f"routers/{name.removesuffix('_router.py')}.py"})
    if routers_package and any(s["op"] in {"split", "move"} and "router" in str(s) for s in proposal.steps):
        splits_routers = any(s.get("into") == "routers" for s in proposal.steps)
        if not (base / "routers" / "__init__.py").exists() and not splits_routers:
            proposal.steps.append({"op": "ensure-package", "path": "routers/__init__.py"})
        proposal.steps.append({"op": "assemble-routers"})
    if not proposal.steps:
        proposal.comments.append(f"every layer file of {service} is within {limit} lines: nothing to split")
    return proposal


def _merge_groups(groups: dict[str, Any], names: list[str]) -> None:
    """Fold the groups ``names[1:]`` into ``names[0]`` (lists and rule lists concatenated)."""
    keep = names[0]
    for other in names[1:]:
        spec = groups.pop(other, None)
        if spec is None:
            continue
        target = groups.get(keep)
        if isinstance(target, list) and isinstance(spec, list):
            target.extend(spec)
        elif isinstance(target, dict) and isinstance(spec, dict):
            for key, values in spec.items():
                target.setdefault(key, []).extend(v for v in values if v not in target[key])


def _tried(proposal: Proposal, step: dict[str, Any], text: str, path: str, into: str) -> dict[str, Any]:
    """Run the split in memory; fold groups that import each other; note where names go."""
    for _ in range(8):
        try:
            result = split_module(text, path, into, SplitSpec.from_args(step))
            break
        except SplitError as exc:
            cycle = [g for g in dict.fromkeys(exc.cycle) if g in step["groups"]]
            if len(cycle) < 2:
                proposal.comments.append(f"{step['module']}: {exc}; edit the groups")
                return step
            proposal.comments.append(f"{step['module']}: groups {', '.join(cycle)} import each other: merged")
            _merge_groups(step["groups"], cycle)
    else:
        proposal.comments.append(f"{step['module']}: could not find groups without an import cycle; edit them")
        return step
    for placement in result.placements:
        if placement.reason not in {"listed in the plan", "route path", "name prefix", "kind rule: enum"}:
            proposal.comments.append(f"{step['module']}: {placement.name} -> {placement.group}.py ({placement.reason})")
    sizes = ", ".join(f"{name} {count}" for name, count in result.line_counts.items())
    proposal.comments.append(f"{step['module']} -> {len(result.files)} file(s): {sizes}")
    return step


def to_yaml(proposal: Proposal, services: list[str]) -> str:
    data = {
        "version": 1,
        "services": services,
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


def write_proposal(repo: Path, service: str, output: Path | None, plan_path: Path | None = None) -> Path:
    plan = load_plan(plan_path or DEFAULT_PLAN)
    proposal = propose(repo, service, plan_path)
    services = sorted({*plan.services, service})
    output = output or Path(f"plan-{service}.yaml")
    output.write_text(to_yaml(proposal, services), encoding="utf-8")
    load_plan(output)  # what we write must validate
    return output
