"""``invoke demo``: the whole job on a scratch copy of a built-in fixture.

Copy the fixture (``compose-fixtures/<name>``, ``monorepo`` by default), ``git init`` it,
take the baseline snapshot, run every phase of the plan (one commit each), then ``nox -s
verify`` over all services, and say plainly what did not run. A fixture that carries its
own ``restructure-plan.yaml`` is restructured with that plan, any other with the shipped one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from restructure import engine
from restructure.gc_tuning import fewer_collections
from restructure.plan import load_plan

PROJECT = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT / "compose-fixtures"
DEFAULT_FIXTURE = "monorepo"
OWN_PLAN = "restructure-plan.yaml"


class DemoRefused(ValueError):
    """A ``--fixture`` name with no directory under ``compose-fixtures/``, or a ``--workdir``
    that already holds a copy of the fixture (a demo never writes over an earlier one)."""


def fixture_names() -> list[str]:
    return sorted(d.name for d in FIXTURES.iterdir() if (d / "services").is_dir())


def fixture_dir(name: str) -> Path:
    if name not in fixture_names():
        known = ", ".join(fixture_names())
        raise DemoRefused(f"unknown fixture {name!r}: no compose-fixtures/{name}/services (known: {known})")
    return FIXTURES / name


def fixture_plan(name: str) -> Path | None:
    """The fixture's own plan when it has one; None means the shipped default plan."""
    own = fixture_dir(name) / OWN_PLAN
    return own if own.is_file() else None


def prepare(workdir: Path, fixture: str = DEFAULT_FIXTURE) -> Path:
    repo = workdir / fixture
    if repo.exists():
        raise DemoRefused(f"{repo} already exists (an earlier demo?); remove it or pass another --workdir")
    shutil.copytree(fixture_dir(fixture), repo, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ruff_cache"))
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.email", "demo@example.com"],
        ["config", "user.name", "restructure demo"],
        ["add", "-A"],
        ["commit", "-q", "-m", f"fixture {fixture} before restructuring"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    return repo


def run(workdir: str | None = None, require_docker: bool = False, fixture: str = DEFAULT_FIXTURE) -> int:
    plan_path = fixture_plan(fixture)
    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="restructure-demo-"))
    base.mkdir(parents=True, exist_ok=True)
    repo = prepare(base, fixture)
    print(f"== scratch copy of the {fixture} fixture: {repo}")
    print(f"== plan: {plan_path or 'the shipped default plan'}")

    from verify.runner import take_snapshot
    from verify.services import Layout

    print("== invoke snapshot (baseline of every service, each in a fresh process)")
    take_snapshot(repo, None, None, None, layout=Layout.of_plan(plan_path))

    not_run: list[str] = []
    plan = load_plan(plan_path)
    for number in plan.phases:
        print(f"== invoke phase{number} --commit")
        try:
            with fewer_collections():
                engine.run_phase(repo, number, commit=True, plan=plan)
        except engine.PhaseError as exc:
            print(f"   NOT RUN: {exc}")
            not_run.append(f"phase {number}: {exc}")

    reports = base / "reports"
    print("== nox -s verify")
    args = [sys.executable, "-m", "nox", "-f", str(PROJECT / "noxfile.py"), "-s", "verify", "--", "--repo", str(repo)]
    args += ["--reports", str(reports)] + (["--require-docker"] if require_docker else [])
    args += ["--plan", str(plan_path)] if plan_path else []
    verified = subprocess.run(args, cwd=PROJECT).returncode

    print("\n== demo summary")
    print(f"   restructured copy: {repo}  (git log: a commit per phase, its renames first where it edits a moved file)")
    print(f"   verification reports: {reports}/verify.md, verify.json, verify.junit.xml")
    if not_run:
        print("   what did NOT run:")
        for line in not_run:
            print(f"     - {line}")
    print(f"   verification: {'passed' if verified == 0 else 'FAILED (see the table above)'}")
    return 1 if verified or not_run else 0
