"""Record a service's behaviour surface (``invoke snapshot``) and read it back.

Each service is probed in a fresh process of the target's Python (see ``probe.py``) with
``PYTHONHASHSEED=0``: FastAPI derives the operationId of a multi-method route from a set,
so the OpenAPI document is only reproducible with a fixed hash seed. Snapshots live in
``.git/restructure/snapshot/``, which git never shows as a change.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from verify import ci_workflow, compose, dependencies, repo_tests
from verify import services as svc
from verify.target import run_script, target_env

PROBE = Path(__file__).with_name("probe.py")


class ProbeFailed(RuntimeError):
    pass


def snapshot_dir(repo: Path) -> Path:
    result = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=repo, capture_output=True, text=True)
    base = Path(result.stdout.strip()) if result.returncode == 0 else repo / ".restructure"
    return base / "restructure" / "snapshot"


def probe(
    python: str, repo: Path, service: svc.Service, modules: bool = True, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """The probe's JSON for ``service``, run in a fresh process of ``python``."""
    if service.main_module is None:
        raise ProbeFailed(f"{service.root}: no main.py or app/main.py")
    args = ["--app", service.main_module]
    if modules:
        args += ["--package", service.package]
    result = run_script(python, repo, PROBE, args, env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        output = (result.stderr or result.stdout).strip()
        last = output.splitlines()[-1] if output else f"exit code {result.returncode}, no output"
        hint = dependencies.hint(output, dependencies.local_packages(repo))
        raise ProbeFailed(f"probe of {service.name} failed: {last}{f' ({hint})' if hint else ''}\n{output[-4000:]}")
    data = json.loads(lines[-1])
    if "error" in data:  # the app module raised on import
        error = data["error"].strip()
        last = error.splitlines()[-1] if error else "the app module raised"
        hint = dependencies.hint(error, dependencies.local_packages(repo))
        raise ProbeFailed(f"probe of {service.name} failed: {last}{f' ({hint})' if hint else ''}\n{error}")
    return data


def own_test_dirs(repo: Path, service: svc.Service) -> list[str]:
    """The service's own test folders that the repository's configured run does not cover
    (those run with it, once, see ``repo_tests.py``)."""
    configured = [(repo / p).resolve() for p in repo_tests.configured_testpaths(repo, ci_workflow.read(repo))[0]]
    own = []
    for path in service.test_dirs:
        resolved = path.resolve()
        if not any(resolved == c or c in resolved.parents for c in configured):
            own.append(path.relative_to(repo).as_posix())
    return own


def normalize_test_id(classname: str, name: str, service: svc.Service) -> str:
    """A test id that survives ``app/tests`` -> ``tests``: the service's own tests are keyed
    relative to their test folder, repo-level tests by their module."""
    for prefix in (f"{service.package}.app.tests.", f"{service.package}.tests."):
        if classname.startswith(prefix):
            return f"{service.name}-tests:{classname[len(prefix) :]}::{name}"
    return f"{classname}::{name}"


def parse_junit(path: Path, service: svc.Service) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    if not path.exists():
        return outcomes
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in {"failure", "error", "skipped"}:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
        outcomes[normalize_test_id(case.get("classname", ""), case.get("name", ""), service)] = outcome
    return dict(sorted(outcomes.items()))


def run_tests(
    python: str,
    repo: Path,
    service: svc.Service,
    database_url: str | None,
    junit: Path,
    env: dict[str, str] | None = None,
) -> tuple[dict[str, str], str, list[str]]:
    """Run the service's own tests (outside the configured test paths); outcomes per test id."""
    targets = own_test_dirs(repo, service)
    if not targets:
        return {}, "no tests", []
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    extra = {**(env or {}), **({"TEST_DATABASE_URL": database_url} if database_url else {})}
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *targets],
        cwd=repo,
        env=target_env(repo, extra),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()[-300:]
    return parse_junit(junit, service), tail, targets


def take(
    python: str,
    repo: Path,
    service: svc.Service,
    database_url: str | None,
    with_tests: bool = True,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Probe one service and run its own tests; the caller adds the step results and
    writes it (``write``). A service that does not import raises ``ProbeFailed``."""
    data = probe(python, repo, service, env=env)
    data["service"] = service.name
    data["env_keys"] = sorted(env or {})
    if with_tests:
        junit = snapshot_dir(repo) / f"{service.name}-junit.xml"
        data["tests"], data["tests_summary"], data["test_targets"] = run_tests(
            python, repo, service, database_url, junit, env
        )
    commands = compose.commands_for(repo, service)
    described = compose.describe(python, repo, [c.spec for c in commands], env=env)
    data["workers"] = {c.entry: described.get(c.spec, {}) for c in commands}
    return data


def write(repo: Path, name: str, data: dict[str, Any]) -> Path:
    path = snapshot_dir(repo) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")
    return path


def load(repo: Path, name: str) -> dict[str, Any] | None:
    path = snapshot_dir(repo) / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())
