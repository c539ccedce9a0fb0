"""Load and validate a restructuring plan file (YAML) into dataclasses.

Every error names the plan file, the line and the reason, and is raised before anything
in the target repository is touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from restructure.text.yaml_load import Loaders

DEFAULT_PLAN = Path(str(resources.files("restructure") / "plans" / "default.yaml"))


class PlanError(ValueError):
    """A plan that cannot be used; the message is one line: ``file:line: reason``."""


# op name -> (required keys, optional keys)
OPERATIONS: dict[str, tuple[set[str], set[str]]] = {
    "move": ({"from", "to"}, {"only", "skip"}),
    "delete": ({"path"}, {"only", "skip"}),
    "delete-if-empty": ({"path"}, {"only", "skip"}),
    "ensure-package": ({"path"}, {"only", "skip"}),
    "split": (
        {"module", "into"},
        {"groups", "rules", "fallback", "helpers", "keep", "patch_targets", "symbols", "only", "skip"},
    ),
    "merge": ({"modules", "into"}, {"only", "skip"}),
    "extract-schemas": ({"module", "into"}, {"only", "skip"}),
    "assemble-routers": (set(), {"package", "main", "only", "skip"}),
    "note": ({"text"}, {"only", "skip"}),
    "check-no-app-dirs": (set(), set()),
    "docs-layout-section": ({"file"}, {"heading"}),
    "docs-conventions-section": ({"file"}, {"heading"}),
    "write-conventions": ({"file"}, set()),
}
REPO_SCOPED_OPS = {"check-no-app-dirs", "docs-layout-section", "docs-conventions-section", "write-conventions"}


@dataclass(frozen=True)
class Step:
    op: str
    args: dict[str, Any]
    line: int
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()

    def applies_to(self, service: str) -> bool:
        if self.only and service not in self.only:
            return False
        return service not in self.skip

    def describe(self) -> str:
        if self.op == "move":
            return f"move {self.args['from']} -> {self.args['to']}"
        if self.op in {"delete", "delete-if-empty", "ensure-package"}:
            return f"{self.op} {self.args['path']}"
        if self.op == "note":
            return f"note: {self.args['text']}"
        if self.op in {"split", "extract-schemas"}:
            return f"{self.op} {self.args['module']} -> {self.args['into']}"
        if self.op == "assemble-routers":
            return f"assemble {self.args.get('package', 'routers')}/__init__.py"
        if self.op == "merge":
            return f"merge {', '.join(self.args['modules'])} -> {self.args['into']}"
        if "file" in self.args:
            return f"{self.op} {self.args['file']}"
        return self.op


@dataclass(frozen=True)
class Phase:
    number: int
    title: str
    scope: str  # "all", "repo" or a service short name
    steps: tuple[Step, ...]
    line: int


@dataclass(frozen=True)
class ConventionException:
    """A convention the plan breaks on purpose (a file it keeps over the line limit)."""

    path: str
    rule: int
    reason: str


@dataclass(frozen=True)
class Plan:
    path: Path
    services_dir: str
    service_suffix: str
    line_limit: int
    services: tuple[str, ...]
    phases: dict[int, Phase] = field(default_factory=dict)
    exceptions: tuple[ConventionException, ...] = ()
    discover: bool = False  # ``services: discover``: every service directory on disk is in the plan
    # ``keep_app_modules: true``: a discovered service may keep modules in ``app/`` after
    # ``app/main.py`` moves out (the reference gate proves every import still resolves)
    keep_app_modules: bool = False

    def includes(self, service: str) -> bool:
        """Is ``service`` one the plan covers (listed, or found on disk under ``discover``)?"""
        return self.discover or service in self.services

    def phase(self, number: int) -> Phase:
        if number not in self.phases:
            raise PlanError(f"{self.path}: no phase {number} in the plan (phases: {sorted(self.phases)})")
        return self.phases[number]


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    first: dict[str, int] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in first:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key.value!r} (first on line {first[key.value]})", key.start_mark
                )
            first[key.value] = key.start_mark.line + 1
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    return mapping


class _LineDict(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> list[Any]:
    items = _LineList(loader.construct_sequence(node, deep=True))
    items.item_lines = [item.start_mark.line + 1 for item in node.value]
    return items


class _LineList(list[Any]):
    item_lines: list[int]


def _item_line(items: Any, index: int) -> int:
    return items.item_lines[index] if isinstance(items, _LineList) else 1


# a YAML loader that records the line of every mapping and sequence item
_LINE_LOADERS = Loaders(
    "PlanLoader",
    {
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG: _construct_mapping,
        yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG: _construct_sequence,
    },
)


def load_plan(path: Path | str | None = None) -> Plan:
    """Parse and validate ``path`` (the shipped default when None)."""
    path = Path(path) if path else DEFAULT_PLAN
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"{path}: cannot read plan file: {exc.strerror}") from exc
    key = (str(path), text)  # the path as given: messages name it so
    if key in _LOADED:
        return _LOADED[key]
    try:
        data = _LINE_LOADERS.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PlanError(f"{path}:{line}: malformed YAML: {problem}") from exc
    plan = _validate(path, data)
    if len(_LOADED) >= 16:
        _LOADED.clear()
    _LOADED[key] = plan
    return plan


# Plans read in this process, by file and text: ``invoke all`` asks for the plan's phase
# numbers, the task titles and the plan itself (a frozen value: sharing it is safe).
_LOADED: dict[tuple[str, str], Plan] = {}


def _fail(path: Path, line: int, reason: str) -> PlanError:
    return PlanError(f"{path}:{line}: {reason}")


def _line(node: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(node, _LineDict):
        if key is not None and key in node.key_lines:
            return node.key_lines[key]
        return node.line
    return default


def _validate(path: Path, data: Any) -> Plan:
    if not isinstance(data, _LineDict):
        raise _fail(path, 1, "a plan is a mapping with 'version', 'services' and 'phases'")
    if data.get("version") != 1:
        raise _fail(path, _line(data, "version"), f"unsupported plan version {data.get('version')!r}; expected 1")
    services = data.get("services")
    discover = services == "discover"
    if discover:
        services = []
    elif not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        raise _fail(path, _line(data, "services"), "'services' must be a list of service short names, or 'discover'")
    phases_node = data.get("phases")
    if not isinstance(phases_node, list) or not phases_node:
        raise _fail(path, _line(data, "phases"), "'phases' must be a non-empty list")
    phases: dict[int, Phase] = {}
    for index, node in enumerate(phases_node):
        phase = _validate_phase(path, node, None if discover else set(services), _item_line(phases_node, index))
        if phase.number in phases:
            raise _fail(path, phase.line, f"phase {phase.number} is defined twice")
        phases[phase.number] = phase
    return Plan(
        path=path,
        services_dir=str(data.get("services_dir", "services")),
        service_suffix=str(data.get("service_suffix", "_service")),
        line_limit=int(data.get("line_limit", 300)),
        services=tuple(services),
        phases=dict(sorted(phases.items())),
        exceptions=_validate_exceptions(path, data),
        discover=discover,
        keep_app_modules=_flag(path, data, "keep_app_modules"),
    )


def _flag(path: Path, data: _LineDict, key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _fail(path, _line(data, key), f"'{key}' must be true or false, got {value!r}")
    return value


def _validate_exceptions(path: Path, data: _LineDict) -> tuple[ConventionException, ...]:
    node = data.get("exceptions", [])
    if not isinstance(node, list):
        raise _fail(path, _line(data, "exceptions"), "'exceptions' must be a list of {path, rule, reason}")
    found = []
    for item in node:
        line = _line(item)
        if not isinstance(item, dict) or not {"path", "rule", "reason"} <= item.keys():
            raise _fail(path, line, "each exception needs 'path', 'rule' (1-7) and 'reason'")
        if not isinstance(item["rule"], int) or not 1 <= item["rule"] <= 7:
            raise _fail(path, line, f"exception rule must be a convention number 1-7, got {item['rule']!r}")
        _check_relative(path, line, 0, item["path"])
        found.append(ConventionException(str(item["path"]), int(item["rule"]), str(item["reason"])))
    return tuple(found)


def _validate_phase(path: Path, node: Any, services: set[str] | None, line: int) -> Phase:
    """One phase; ``services`` is None when the plan discovers them (names are checked on disk)."""
    if not isinstance(node, _LineDict):
        raise _fail(path, line, "each phase must be a mapping with 'phase', 'title', 'scope' and 'steps'")
    number = node.get("phase")
    if not isinstance(number, int) or number < 1:
        raise _fail(path, _line(node, "phase"), f"phase number must be a positive integer, got {number!r}")
    scope = node.get("scope")
    if scope not in {"all", "repo"} and services is not None and scope not in services:
        raise _fail(
            path, _line(node, "scope"),
            f"phase {number}: unknown service {scope!r} in scope (known: all, repo, {', '.join(sorted(services))})",
        )  # fmt: skip
    steps_node = node.get("steps", [])
    if not isinstance(steps_node, list):
        raise _fail(path, _line(node, "steps"), f"phase {number}: 'steps' must be a list")
    steps = tuple(
        _validate_step(path, number, scope, s, services, _item_line(steps_node, i)) for i, s in enumerate(steps_node)
    )
    return Phase(number, str(node.get("title", f"Phase {number}")), scope, steps, _line(node))


def _validate_step(path: Path, number: int, scope: str, node: Any, services: set[str] | None, item_line: int) -> Step:
    if not isinstance(node, _LineDict) or "op" not in node:
        raise _fail(path, _line(node, default=item_line), f"phase {number}: each step needs an 'op'")
    op = node["op"]
    line = _line(node)
    if op not in OPERATIONS:
        raise _fail(path, line, f"phase {number}: unknown operation {op!r} (known: {', '.join(sorted(OPERATIONS))})")
    required, optional = OPERATIONS[op]
    args = {k: v for k, v in node.items() if k != "op"}
    missing = required - args.keys()
    if missing:
        raise _fail(path, line, f"phase {number}: operation {op!r} needs {', '.join(repr(k) for k in sorted(missing))}")
    unknown = args.keys() - required - optional
    if unknown:
        raise _fail(
            path,
            _line(node, sorted(unknown)[0]),
            f"phase {number}: operation {op!r} does not take {', '.join(repr(k) for k in sorted(unknown))}",
        )
    if op in REPO_SCOPED_OPS and scope != "repo":
        raise _fail(path, line, f"phase {number}: operation {op!r} needs scope 'repo'")
    for key in ("from", "to", "path", "module", "into", "file"):
        if key in args:
            _check_relative(path, _line(node, key), number, args[key])
    for module in args.get("modules", []):
        _check_relative(path, _line(node, "modules"), number, module)
    for key in ("only", "skip"):
        if key in args and not (isinstance(args[key], list) and all(isinstance(n, str) for n in args[key])):
            raise _fail(path, _line(node, key), f"phase {number}: '{key}' must be a list of service names")
    only, skip = tuple(args.pop("only", ()) or ()), tuple(args.pop("skip", ()) or ())
    for name in (*only, *skip):
        if services is not None and name not in services:
            raise _fail(path, line, f"phase {number}: unknown service {name!r} in only/skip")
    if op == "split":
        _validate_split(path, number, node, args)
    return Step(op, args, line, only, skip)


def _check_relative(path: Path, line: int, number: int, value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise _fail(path, line, f"phase {number}: path must be a non-empty string, got {value!r}")
    pure = PurePosixPath(value)
    if pure.is_absolute() or ".." in pure.parts:
        raise _fail(path, line, f"phase {number}: path {value!r} escapes the repository; use a path inside it")


def _validate_split(path: Path, number: int, node: _LineDict, args: dict[str, Any]) -> None:
    """``groups`` names the target files (a list: placement is inferred from the code), or maps
    each to its member list or hints; ``symbols`` maps a symbol to a group (an override)."""
    groups = args.get("groups", {})
    if isinstance(groups, list):
        if not all(isinstance(g, str) and g for g in groups) or len(set(groups)) != len(groups):
            raise _fail(path, _line(node, "groups"), f"phase {number}: split 'groups' must list distinct file names")
        groups = {g: None for g in groups}
    if not isinstance(groups, dict):
        raise _fail(
            path,
            _line(node, "groups"),
            f"phase {number}: split 'groups' must list file names, or map a file name to symbols or hints",
        )
    seen: dict[str, str] = {}
    for group, spec in groups.items():
        symbols = spec if isinstance(spec, list) else (spec or {}).get("symbols", [])
        for symbol in symbols:
            if symbol in seen:
                raise _fail(
                    path,
                    _line(node, "groups"),
                    f"phase {number}: symbol {symbol!r} is placed in both {seen[symbol]!r} and {group!r}",
                )
            seen[symbol] = group
    overrides = args.get("symbols", {})
    if not isinstance(overrides, dict) or not all(isinstance(v, str) for v in overrides.values()):
        raise _fail(path, _line(node, "symbols"), f"phase {number}: split 'symbols' must map a symbol to a group")
    targets = {*groups, args.get("helpers"), args.get("fallback"), *(r.get("to") for r in args.get("rules") or [])}
    for symbol, group in overrides.items():
        if symbol in seen:
            raise _fail(
                path, _line(node, "symbols"),
                f"phase {number}: symbol {symbol!r} is placed in both {seen[symbol]!r} and {group!r}",
            )  # fmt: skip
        if group not in targets:
            raise _fail(
                path, _line(node, "symbols"),
                f"phase {number}: symbols: {symbol!r} goes to {group!r}, which is not a group of the split",
            )  # fmt: skip
