"""The repository's own test command, run once per tree, with each test id attributed to services.

Searching test files for a service's name leaves every test in a file not named after a
service unrun. Instead the repository's configured run (the pytest calls of its CI
workflow with their selection, else pytest ``testpaths`` and ini options) runs whole, once
on the baseline and once after; each test id is attributed to the services whose modules
its file imports at the top, its function imports lazily, or its patch strings name. A
test that names no service is reported under ``repo-tests``.
"""

from __future__ import annotations

import ast
import configparser
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from verify import ci_workflow
from verify.services import Service
from verify.target import target_env

UNATTRIBUTED = "repo-tests"


def _ini_option(repo: Path, key: str) -> tuple[list[str], str] | None:
    """A pytest ini option as the repository configures it (a list), and where it was read."""
    pyproject = repo / "pyproject.toml"
    if pyproject.is_file():
        ini = ((tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool") or {}).get("pytest") or {}).get(
            "ini_options"
        ) or {}
        if key in ini:
            value = ini[key]
            values = value.split() if isinstance(value, str) else list(value)
            return values, "pyproject.toml [tool.pytest.ini_options]"
    for name, section in (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        path = repo / name
        if path.is_file():
            parser = configparser.ConfigParser()
            parser.read(path, encoding="utf-8")
            if parser.has_option(section, key):
                return parser.get(section, key).split(), f"{name} [{section}]"
    return None


def _ini_testpaths(repo: Path) -> tuple[list[str], str]:
    configured = _ini_option(repo, "testpaths")
    if configured is not None:
        return configured
    if (repo / "tests").is_dir():
        return ["tests"], "tests/ (no testpaths configured)"
    return [], "no testpaths configured and no tests/ directory"


def configured_testpaths(repo: Path, workflow: ci_workflow.WorkflowCommand | None) -> tuple[list[str], str]:
    """The test paths the repository runs, and where that was read: its CI workflow's pytest
    calls when it has them (plus the ini ``testpaths`` when a call names no path), else the
    pytest ini options. ``workflow`` is ``ci_workflow.read(repo)``, read once by the caller."""
    if workflow is None or not workflow.sources:
        return _ini_testpaths(repo)
    paths, source = list(workflow.paths), workflow.source
    if workflow.uses_testpaths:
        ini_paths, ini_source = _ini_testpaths(repo)
        paths += [p for p in ini_paths if p not in paths]
        source += f" and {ini_source}"
    return paths, source


def selection(workflow: ci_workflow.WorkflowCommand | None) -> tuple[list[str], list[str]]:
    """The CI workflow's selecting options (``-m``, ``-k``, ``--ignore``, ``--deselect``) for
    every pytest call of the harness, and one note per workflow command it could not take."""
    return (workflow.options, workflow.skipped) if workflow else ([], [])


def _service_of(module: str, services: list[Service]) -> str | None:
    for service in services:
        if module == service.package or module.startswith(service.package + "."):
            return service.name
    return None


def _names(node: ast.AST, services: list[Service]) -> set[str]:
    """Services named by the imports and the dotted strings (patch targets) under ``node``."""
    found: set[str] = set()
    for child in ast.walk(node):
        modules: list[str] = []
        if isinstance(child, ast.Import):
            modules = [a.name for a in child.names]
        elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
            modules = [child.module] + [f"{child.module}.{a.name}" for a in child.names]
        elif isinstance(child, ast.Constant) and isinstance(child.value, str) and child.value.startswith("services."):
            modules = [child.value]
        for module in modules:
            owner = _service_of(module, services)
            if owner:
                found.add(owner)
    return found


def _module_level(tree: ast.Module, services: list[Service]) -> set[str]:
    found: set[str] = set()
    for stmt in tree.body:
        if not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found |= _names(stmt, services)
    return found


@dataclass
class FileIndex:
    module: set[str]
    functions: dict[str, set[str]] = field(default_factory=dict)  # "Class.func" or "func"
    arguments: dict[str, list[str]] = field(default_factory=dict)  # the fixtures each one asks for


def _arguments(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    return [a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs] if a.arg != "self"]


def index_file(path: Path, services: list[Service]) -> FileIndex:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, OSError):
        return FileIndex(set())
    index = FileIndex(_module_level(tree, services))
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            index.functions[stmt.name] = _names(stmt, services)
            index.arguments[stmt.name] = _arguments(stmt)
        elif isinstance(stmt, ast.ClassDef):
            class_level = _names(stmt, services)
            for inner in stmt.body:
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                    index.functions[f"{stmt.name}.{inner.name}"] = class_level | _names(inner, services)
                    index.arguments[f"{stmt.name}.{inner.name}"] = _arguments(inner)
                    index.functions.setdefault(inner.name, class_level | _names(inner, services))
                    index.arguments.setdefault(inner.name, _arguments(inner))
    return index


def _owners(function: str, chain: list[FileIndex], seen: set[str] | None = None) -> set[str]:
    """Services a test exercises: what its function names, and (transitively) what the
    fixtures it asks for name, looked up in its file and then the conftest files above it."""
    seen = seen if seen is not None else set()
    found: set[str] = set()
    for index in chain:
        if function in index.functions:
            found |= index.functions[function]
            for argument in index.arguments.get(function, []):
                if argument not in seen:
                    seen.add(argument)
                    found |= _owners(argument, chain, seen)
            break
    return found


def _conftests(repo: Path, file: Path) -> list[Path]:
    out = []
    directory = file.parent
    while directory == repo or repo in directory.parents:
        if (directory / "conftest.py").is_file():
            out.append(directory / "conftest.py")
        if directory == repo:
            break
        directory = directory.parent
    return out


@dataclass
class RepoTestRun:
    outcomes: dict[str, str] = field(default_factory=dict)  # test id -> outcome
    owners: dict[str, list[str]] = field(default_factory=dict)  # test id -> services
    summary: str = ""
    paths: list[str] = field(default_factory=list)
    source: str = ""
    scope: list[str] | None = None  # the services whose test files ran; None: the whole run
    notes: list[str] = field(default_factory=list)  # CI workflow commands the run could not take

    def for_service(self, name: str) -> dict[str, str]:
        return {t: o for t, o in self.outcomes.items() if name in self.owners.get(t, [UNATTRIBUTED])}

    def as_json(self) -> dict:
        return {
            "outcomes": self.outcomes,
            "owners": self.owners,
            "summary": self.summary,
            "paths": self.paths,
            "source": self.source,
            "scope": self.scope,
            "notes": self.notes,
        }


def test_id(classname: str, name: str, services: list[Service]) -> str:
    """An id that survives ``services/x/app/tests`` -> ``services/x/tests``."""
    for service in services:
        for prefix in (f"{service.package}.app.tests.", f"{service.package}.tests."):
            if classname.startswith(prefix):
                return f"{service.name}-tests:{classname[len(prefix) :]}::{name}"
    return f"{classname}::{name}"


def _python_files(repo: Path) -> list[str]:
    """pytest's ``python_files`` patterns as the repository configures them."""
    configured = _ini_option(repo, "python_files")
    return configured[0] if configured is not None else ["test_*.py", "*_test.py"]


def file_owners(repo: Path, file: Path, services: list[Service], indexes: dict[str, FileIndex]) -> set[str]:
    """Every service some test of ``file`` exercises (the union of its tests' owners)."""
    chain = [indexes.setdefault(str(p), index_file(p, services)) for p in [file, *_conftests(repo, file)]]
    found = set(chain[0].module)
    for function in chain[0].functions:
        found |= _owners(function, chain)
    return found


def scoped_files(repo: Path, paths: list[str], services: list[Service], scope: set[str]) -> list[str]:
    """The configured run's test files that exercise a service of ``scope``: verifying one
    service runs its tests, not every service's (the ids and owners are the same as in
    the whole run, so the baseline of the whole run judges them)."""
    patterns = _python_files(repo)
    indexes: dict[str, FileIndex] = {}
    chosen: list[str] = []
    for rel in paths:
        root = repo / rel
        files = (
            [root]
            if root.is_file()
            else sorted(f for pattern in patterns for f in root.rglob(pattern) if "__pycache__" not in f.parts)
        )
        for file in dict.fromkeys(files):
            if file_owners(repo, file, services, indexes) & scope:
                chosen.append(file.relative_to(repo).as_posix())
    return chosen


def _pytest(python: str, junit: Path) -> list[str]:
    return [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit1", f"--junitxml={junit}"]


def run(
    python: str,
    repo: Path,
    services: list[Service],
    env: dict[str, str],
    junit: Path,
    timeout: int = 1800,
    scope: set[str] | None = None,
) -> RepoTestRun:
    """The configured test run, once; outcomes per test id and the services each one exercises.

    With ``scope``, only the files holding a test of one of those services run.
    """
    workflow = ci_workflow.read(repo)  # read once: test paths, selection, the isolated re-runs
    paths, source = configured_testpaths(repo, workflow)
    result = RepoTestRun(paths=paths, source=source, scope=sorted(scope) if scope is not None else None)
    existing = [p for p in paths if (repo / p).exists()]
    if not existing:
        result.summary = f"no tests: {source}" + (f" names {', '.join(paths)}, which do not exist" if paths else "")
        return result
    targets = existing if scope is None else scoped_files(repo, existing, services, scope)
    if not targets:
        result.summary = f"no test of {' '.join(existing)} exercises {', '.join(sorted(scope or ()))}"
        return result
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    chosen, result.notes = selection(workflow)
    done = subprocess.run(
        [*_pytest(python, junit), *chosen, *targets],
        cwd=repo, env=target_env(repo, env), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    out = done.stdout.strip().splitlines()
    result.summary = out[-1] if out else done.stderr.strip()[-300:] or f"pytest exit code {done.returncode}"
    if chosen:
        result.summary += f" (selected as the CI workflow does: {' '.join(chosen)})"
    if scope is not None:
        result.summary += f" ({len(targets)} file(s) exercising {', '.join(sorted(scope))})"
    if not junit.exists():
        return result
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    cases = _isolate_failures(python, repo, env, junit, cases, result, timeout, chosen)
    indexes: dict[str, FileIndex] = {}
    for case in cases:
        classname, name = case.get("classname", ""), case.get("name", "")
        outcome = "passed"
        for child in case:
            if child.tag in {"failure", "error", "skipped"}:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
        tid = test_id(classname, name, services)
        result.outcomes[tid] = outcome
        file = case.get("file")
        owners: set[str] = set()
        if file and (repo / file).is_file():
            paths = [repo / file, *_conftests(repo, repo / file)]
            chain = [indexes.setdefault(str(p), index_file(p, services)) for p in paths]
            function = name.split("[", 1)[0]
            cls = classname.rsplit(".", 1)[-1] if classname.rsplit(".", 1)[-1][:1].isupper() else None
            owners = chain[0].module | _owners(f"{cls}.{function}" if cls else function, chain)
        result.owners[tid] = sorted(owners) or [UNATTRIBUTED]
    result.outcomes = dict(sorted(result.outcomes.items()))
    return result


def _isolate_failures(
    python: str,
    repo: Path,
    env: dict[str, str],
    junit: Path,
    cases: list,
    result: RepoTestRun,
    timeout: int,
    chosen: list[str],
) -> list:
    """Files with failing tests run again, each alone in its own process: a test that fails
    only next to other files (services registering clashing tables in one process) keeps
    its own outcome, and the summary says how many files were isolated."""
    failing = sorted(
        {c.get("file") for c in cases if c.get("file") and any(ch.tag in {"failure", "error"} for ch in c)}
    )
    if not failing:
        return cases
    replaced: dict[str, list] = {}
    for file in failing:
        alone = junit.with_name(f"{junit.stem}-{len(replaced)}.xml")
        alone.unlink(missing_ok=True)
        subprocess.run(
            [*_pytest(python, alone), *chosen, file],
            cwd=repo, env=target_env(repo, env), capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if alone.exists():
            replaced[file] = list(ET.parse(alone).getroot().iter("testcase"))
    result.summary += f" ({len(replaced)} file(s) with failures run again alone)"
    return [c for c in cases if c.get("file") not in replaced] + [c for group in replaced.values() for c in group]


def merged(earlier: RepoTestRun | None, now: RepoTestRun) -> RepoTestRun:
    """A scoped run recorded over an earlier baseline: the scope's tests are replaced, the
    others kept, so a snapshot of one service does not throw away the whole run's record."""
    if earlier is None or now.scope is None:
        return now
    scope = set(now.scope)
    kept = {t for t, o in earlier.owners.items() if not scope & set(o)} - set(now.outcomes)
    outcomes = {**{t: earlier.outcomes[t] for t in kept if t in earlier.outcomes}, **now.outcomes}
    return RepoTestRun(
        outcomes=dict(sorted(outcomes.items())),
        owners={**{t: earlier.owners[t] for t in kept}, **now.owners},
        summary=now.summary,
        paths=now.paths,
        source=now.source,
        scope=None if earlier.scope is None else sorted(scope | set(earlier.scope)),
        notes=now.notes,
    )


def from_json(data: dict | None) -> RepoTestRun | None:
    if not data:
        return None
    return RepoTestRun(
        outcomes=data.get("outcomes", {}),
        owners=data.get("owners", {}),
        summary=data.get("summary", ""),
        paths=data.get("paths", []),
        source=data.get("source", ""),
        scope=data.get("scope"),
        notes=data.get("notes", []),
    )
