"""The shipped plan carries the seed document's intent and nothing of our fixtures.

The document names target modules and the files they come from; which class, function or
route goes where follows from the code (:mod:`restructure.placement`). A plan that lists a
fixture's symbols, helpers, route paths or patch targets would work on the fixture and abort
on a user's monorepo, so this test collects those names from every fixture's Python source
and looks for them in ``restructure/plans/default.yaml`` (comments included).

What the plan may contain are its own structural names: the paths, target modules and
helper modules it names (``coach_dashboard`` is a target of the document even if some
fixture also has a function of that name). Prose words of the comments ("exists", "run")
are no evidence of copying; a snake_case or CamelCase identifier, a route path or a class
name is.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from restructure.plan import DEFAULT_PLAN, OPERATIONS, load_plan
from tests.conftest import FIXTURES

OVERRIDE_KEYS = {"symbols", "prefixes", "paths", "routers", "patch_targets"}
PATH_ARGS = ("from", "to", "path", "module", "into", "file")


@dataclass
class FixtureNames:
    classes: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)  # every def, methods and helpers included
    module_names: set[str] = field(default_factory=set)  # module-level assigned names (singletons, constants)
    routes: set[str] = field(default_factory=set)  # decorator paths and APIRouter prefixes


def _fixture_names(root: Path) -> FixtureNames:
    found = FixtureNames()
    for path in sorted(root.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                found.classes.add(node.name)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.functions.add(node.name)
                for dec in node.decorator_list:
                    if isinstance(dec, ast.Call) and dec.args:
                        first = dec.args[0]
                        if isinstance(first, ast.Constant) and isinstance(first.value, str):
                            found.routes.add(first.value)
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name == "APIRouter":
                    for kw in node.keywords:
                        if kw.arg == "prefix" and isinstance(kw.value, ast.Constant):
                            found.routes.add(str(kw.value.value))
        for node in tree.body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            found.module_names.update(t.id for t in targets if isinstance(t, ast.Name))
    found.routes = {
        r for r in found.routes if r.startswith("/") and any(s and not s.startswith("{") for s in r.split("/"))
    }
    return found


def _structural_vocabulary() -> set[str]:
    """Identifiers the plan itself defines: its paths, target modules, helper modules, ops, keys."""
    plan = load_plan()
    words: set[str] = set(OPERATIONS)
    for required, optional in OPERATIONS.values():
        words |= required | optional
    values: list[str] = [e.path for e in plan.exceptions]
    for phase in plan.phases.values():
        for step in phase.steps:
            values += [str(step.args[k]) for k in PATH_ARGS if k in step.args]
            values += [str(m) for m in step.args.get("modules", [])]
            groups = step.args.get("groups") or []
            values += [str(g) for g in groups]
            values += [str(step.args[k]) for k in ("helpers", "fallback") if k in step.args]
    for value in values:
        words |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", value))
    return words


def _distinctive(token: str) -> bool:
    """An identifier no English sentence holds by chance: snake_case, CamelCase or _private."""
    return "_" in token or any(c.isupper() for c in token[1:])


FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def test_the_split_steps_name_targets_only():
    """No step places a symbol itself: every split lists target modules, nothing else."""
    plan = load_plan()
    splits = [s for p in plan.phases.values() for s in p.steps if s.op == "split"]
    assert splits, "the default plan has no split step"
    for step in splits:
        assert isinstance(step.args.get("groups"), list), f"line {step.line}: groups must be a list of target modules"
        used = OVERRIDE_KEYS & step.args.keys()
        assert not used, f"line {step.line}: the default plan places symbols itself ({sorted(used)})"


@pytest.mark.parametrize("fixture", FIXTURE_DIRS, ids=[p.name for p in FIXTURE_DIRS])
def test_no_fixture_name_in_the_default_plan(fixture: Path):
    names = _fixture_names(fixture)
    assert names.classes and names.functions and names.routes, f"{fixture}: collected nothing; the collector is broken"
    text = DEFAULT_PLAN.read_text(encoding="utf-8")
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    paths = set(re.findall(r"""(?<![\w.])/[\w{}*/.-]+""", text))
    allowed = _structural_vocabulary()
    # a phase title names its service ("Volunteer: ..."): a fixture class of that one word is no copy
    titles = {service.capitalize() for service in load_plan().services}
    problems = [f"class {n}" for n in sorted((tokens - titles) & names.classes)]
    problems += [f"route path {p}" for p in sorted(paths & names.routes)]
    candidates = {t for t in tokens - allowed if _distinctive(t)}
    problems += [f"function {n}" for n in sorted(candidates & names.functions)]
    problems += [f"module-level name {n}" for n in sorted(candidates & names.module_names)]
    assert problems == [], f"{DEFAULT_PLAN.name} names what only {fixture.name} has: {', '.join(problems)}"


def test_the_check_finds_a_copied_name(tmp_path: Path):
    """The collector and the token match catch a plan that copies a fixture's names (a test that can fail)."""
    names = _fixture_names(FIXTURES / "monorepo")
    some_class = sorted(names.classes)[0]
    some_route = sorted(names.routes)[0]
    text = f"groups:\n  x: {{prefixes: [{some_class}], paths: ['{some_route}']}}\n"
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    paths = set(re.findall(r"""(?<![\w.])/[\w{}*/.-]+""", text))
    assert some_class in tokens & names.classes
    assert some_route in paths & names.routes
