"""Every step outcome kind against the exit code: no command prints a failure and exits 0.

Each row is a tiny repository and a one-phase plan that produces one outcome kind, run
through the real ``invoke`` command line. A failure kind must exit non-zero, write nothing
(work tree and index as they were) and say FAILED; every other kind exits 0 and never says
"failed". ``invoke status`` must never show a failed phase as done.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from restructure.report import ALREADY_DONE, DONE, DRIFTED, FAILED, KEPT, NOT_APPLICABLE, NOT_FOUND
from tests.conftest import ROOT, git, make_repo

HEAD = "version: 1\nservices_dir: services\nservice_suffix: _service\nline_limit: 300\nservices: [alpha, beta]\n"
APP = {
    "services/__init__.py": "",
    "services/alpha_service/__init__.py": "",
    "services/alpha_service/app/__init__.py": "",
    "services/alpha_service/app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
}


@dataclass
class Row:
    kind: str
    steps: str  # YAML flow list of the phase's steps
    scope: str = "alpha"
    files: dict[str, str] = field(default_factory=lambda: dict(APP))
    fails: bool = False


ROWS = [
    Row(DONE, "[{op: move, from: app/main.py, to: main.py}]"),
    Row(ALREADY_DONE, "[{op: merge, modules: [gone.py], into: app/main.py}]"),
    Row(NOT_FOUND, "[{op: split, module: nothing.py, into: nothing}]"),
    Row(NOT_APPLICABLE, "[{op: move, from: app/main.py, to: main.py, only: [beta]}]", scope="all"),
    Row(KEPT, "[{op: delete-if-empty, path: app}]"),
    Row(FAILED, "[{op: check-no-app-dirs}]", scope="repo", fails=True),
    # split by hand another way: the package exists without the plan's group module
    Row(
        DRIFTED,
        "[{op: split, module: models.py, into: models, groups: {order: {prefixes: [Order]}}}]",
        files={**APP, "services/alpha_service/models/__init__.py": "class Order:\n    pass\n"},
        fails=True,
    ),
]


def _repo(tmp_path: Path, row: Row) -> Path:
    repo = tmp_path / "repo"
    make_repo(repo, row.files)
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + f"phases:\n  - phase: 1\n    title: one\n    scope: {row.scope}\n    steps: {row.steps}\n")
    return repo


def _invoke(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *args], cwd=repo, capture_output=True, text=True
    )


@pytest.mark.parametrize("row", ROWS, ids=[r.kind for r in ROWS])
def test_outcome_kind_and_exit_code_agree(row: Row, tmp_path: Path) -> None:
    repo = _repo(tmp_path, row)
    plan = str(tmp_path / "plan.yaml")
    before = git(repo, "status", "--porcelain", "--untracked-files=all") + git(repo, "ls-files", "-s")
    done = _invoke(repo, "phase1", "--repo", str(repo), "--plan", plan, "--commit")
    output = done.stdout + done.stderr
    assert f" {row.kind} " in output or f"{row.kind}\n" in output or f" {row.kind}" in output, output
    says_failed = "FAILED" in output or "failed" in output.replace("not found, skipped", "")
    assert (done.returncode != 0) == row.fails == says_failed, output
    if row.fails:
        after = git(repo, "status", "--porcelain", "--untracked-files=all") + git(repo, "ls-files", "-s")
        assert after == before, "a failed phase writes nothing"
        assert (repo / ".git" / "restructure" / "reports" / "phase-01.failed.json").is_file()
        status = _invoke(repo, "status", "--repo", str(repo), "--plan", plan)
        assert row.kind in status.stdout and " done" not in status.stdout, status.stdout


def test_all_stops_at_the_first_failing_phase_and_names_what_did_not_run(tmp_path: Path) -> None:
    row = Row(FAILED, "[{op: check-no-app-dirs}]", scope="repo")
    repo = _repo(tmp_path, row)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        HEAD + "phases:\n"
        "  - {phase: 1, title: check, scope: repo, steps: [{op: check-no-app-dirs}]}\n"
        "  - {phase: 2, title: move, scope: alpha, steps: [{op: move, from: app/main.py, to: main.py}]}\n"
    )
    stopped = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--commit")
    assert stopped.returncode != 0
    # the pre-flight finds phase 1's failure before any write: no phase runs
    assert "pre-flight" in stopped.stderr and "not run: phase 1, 2" in stopped.stderr, stopped.stderr
    assert (repo / "services/alpha_service/app/main.py").is_file()
    going = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--commit", "--keep-going")
    assert going.returncode != 0, "a failed phase fails the run even with --keep-going"
    assert "1 phase(s) failed" in going.stderr, going.stderr
    assert (repo / "services/alpha_service/main.py").is_file(), "the later phase ran"
