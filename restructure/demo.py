"""``invoke demo``: the whole job on a scratch copy of the built-in fixture.

Copy the fixture, ``git init`` it, take the baseline snapshot, run every phase of the
plan (one commit each), then ``nox -s verify`` over all services, and say plainly what
did not run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from restructure import engine
from restructure.plan import load_plan

PROJECT = Path(__file__).resolve().parents[1]
FIXTURE = PROJECT / "compose-fixtures" / "monorepo"


def prepare(workdir: Path) -> Path:
    repo = workdir / "monorepo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ruff_cache"))
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.email", "demo@example.com"],
        ["config", "user.name", "restructure demo"],
        ["add", "-A"],
        ["commit", "-q", "-m", "fixture monorepo before restructuring"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    return repo


def run(workdir: str | None = None, require_docker: bool = False) -> int:
    base = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="restructure-demo-"))
    base.mkdir(parents=True, exist_ok=True)
    repo = prepare(base)
    print(f"== scratch copy of the fixture: {repo}")

    from verify.runner import take_snapshot

    print("== invoke snapshot (baseline of every service, each in a fresh process)")
    take_snapshot(repo, None, None, None)

    not_run: list[str] = []
    plan = load_plan()
    for number in plan.phases:
        print(f"== invoke phase{number} --commit")
        try:
            engine.run_phase(repo, number, commit=True, plan=plan)
        except engine.PhaseError as exc:
            print(f"   NOT RUN: {exc}")
            not_run.append(f"phase {number}: {exc}")

    reports = base / "reports"
    print("== nox -s verify")
    args = [sys.executable, "-m", "nox", "-f", str(PROJECT / "noxfile.py"), "-s", "verify", "--", "--repo", str(repo)]
    args += ["--reports", str(reports)] + (["--require-docker"] if require_docker else [])
    verified = subprocess.run(args, cwd=PROJECT).returncode

    print("\n== demo summary")
    print(f"   restructured copy: {repo}  (git log shows one commit per phase)")
    print(f"   verification reports: {reports}/verify.md, verify.json, verify.junit.xml")
    if not_run:
        print("   what did NOT run:")
        for line in not_run:
            print(f"     - {line}")
    print(f"   verification: {'passed' if verified == 0 else 'FAILED (see the table above)'}")
    return 1 if verified or not_run else 0
