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

from verify import compose
from verify import services as svc
from verify.target import run_script, target_env

PROBE = Path(__file__).with_name("probe.py")


class ProbeFailed(RuntimeError):
    pass


def snapshot_dir(repo: Path) -> Path:
    result = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=repo, capture_output=True, text=True)
    base = Path(result.stdout.strip()) if result.returncode == 0 else repo / ".restructure"
    return base / "restructure" / "snapshot"


def probe(python: str, repo: Path, service: svc.Service, modules: bool = True) -> dict[str, Any]:
    """The probe's JSON for ``service``, run in a fresh process of ``python``."""
    if service.main_module is None:
        raise ProbeFailed(f"{service.root}: no main.py or app/main.py")
    args = ["--app", service.main_module]
    if modules:
        args += ["--package", service.package]
    result = run_script(python, repo, PROBE, args)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        output = (result.stderr or result.stdout).strip()
        last = output.splitlines()[-1] if output else f"exit code {result.returncode}, no output"
        raise ProbeFailed(f"probe of {service.name} failed: {last}\n{output[-4000:]}")
    return json.loads(lines[-1])


def repo_level_tests(repo: Path, service: svc.Service) -> list[str]:
    """Repo-level test files that exercise ``service`` (they name its package)."""
    tests = repo / "tests"
    if not tests.is_dir():
        return []
    needle_dotted, needle_path = service.package, f"services/{service.dirname}"
    found = []
    for path in sorted(tests.rglob("test_*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if needle_dotted in text or needle_path in text:
            found.append(path.relative_to(repo).as_posix())
    return found


def test_targets(repo: Path, service: svc.Service) -> list[str]:
    own = [p.relative_to(repo).as_posix() for p in service.test_dirs]
    return own + repo_level_tests(repo, service)


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
    python: str, repo: Path, service: svc.Service, database_url: str | None, junit: Path
) -> tuple[dict[str, str], str, list[str]]:
    """Run the service's tests (own + repo-level ones naming it); outcomes per test id."""
    targets = test_targets(repo, service)
    if not targets:
        return {}, "no tests", []
    junit.parent.mkdir(parents=True, exist_ok=True)
    extra = {"TEST_DATABASE_URL": database_url} if database_url else {}
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
    python: str, repo: Path, service: svc.Service, database_url: str | None, with_tests: bool = True
) -> dict[str, Any]:
    data = probe(python, repo, service)
    data["service"] = service.name
    if with_tests:
        junit = snapshot_dir(repo) / f"{service.name}-junit.xml"
        data["tests"], data["tests_summary"], data["test_targets"] = run_tests(
            python, repo, service, database_url, junit
        )
    commands = compose.commands_for(repo, service)
    described = compose.describe(python, repo, [c.spec for c in commands])
    data["workers"] = {c.entry: described.get(c.spec, {}) for c in commands}
    path = snapshot_dir(repo) / f"{service.name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")
    return data


def load(repo: Path, name: str) -> dict[str, Any] | None:
    path = snapshot_dir(repo) / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())
