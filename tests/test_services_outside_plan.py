"""Services on disk that the plan does not list: reported by every command, never half moved.

Rows: a listed plan leaves an unlisted service alone and says so; ``services: discover``
takes it in and moves it whole; a discovered service whose ``app/`` holds more than the
phase moves is refused before any write; ``nox -l`` offers a session for every service.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, git, make_repo

FILES = {
    "services/__init__.py": "",
    "services/alpha_service/__init__.py": "",
    "services/alpha_service/app/__init__.py": "",
    "services/alpha_service/app/main.py": "APP = 'alpha'\n",
    "services/extra_service/__init__.py": "",
    "services/extra_service/app/__init__.py": '"""Extra."""\n',
    "services/extra_service/app/main.py": "APP = 'extra'\n",
}
STEPS = "    steps:\n      - {op: move, from: app/main.py, to: main.py}\n      - {op: delete-if-empty, path: app}\n"


def _repo(tmp_path: Path, services: str, extra: dict[str, str] | None = None) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    make_repo(repo, {**FILES, **(extra or {})})
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        f"version: 1\nservices: {services}\nphases:\n  - phase: 1\n    title: one\n    scope: all\n" + STEPS
    )
    return repo, plan


def _invoke(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *args], cwd=repo, capture_output=True, text=True
    )


def test_a_listed_plan_reports_and_leaves_an_unlisted_service(tmp_path: Path) -> None:
    repo, plan = _repo(tmp_path, "[alpha]")
    done = _invoke(repo, "phase1", "--repo", str(repo), "--plan", str(plan), "--commit")
    assert done.returncode == 0, done.stderr
    assert "plan does not list: extra" in done.stdout
    assert (repo / "services/alpha_service/main.py").is_file()
    assert (repo / "services/extra_service/app/main.py").is_file(), "an unlisted service is not touched"
    status = _invoke(repo, "status", "--repo", str(repo), "--plan", str(plan))
    assert "extra" in status.stdout and "not in the plan" in status.stdout


def test_discover_moves_a_service_found_on_disk_whole(tmp_path: Path) -> None:
    repo, plan = _repo(tmp_path, "discover")
    done = _invoke(repo, "phase1", "--repo", str(repo), "--plan", str(plan), "--commit")
    assert done.returncode == 0, done.stderr
    assert (repo / "services/extra_service/main.py").is_file()
    assert not (repo / "services/extra_service/app").exists(), "the docstring-only app/ goes too"


@pytest.mark.parametrize("services", ["discover"])
def test_a_discovered_service_is_never_half_moved(tmp_path: Path, services: str) -> None:
    repo, plan = _repo(tmp_path, services, {"services/extra_service/app/deps.py": "DEP = 1\n"})
    head = git(repo, "rev-parse", "HEAD")
    done = _invoke(repo, "phase1", "--repo", str(repo), "--plan", str(plan), "--commit")
    assert done.returncode != 0
    assert "services/extra_service: refused" in done.stdout + done.stderr
    assert "app/deps.py" in done.stdout
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""
    assert (repo / "services/alpha_service/app/main.py").is_file(), "nothing written for any service"


def test_nox_offers_a_session_for_every_service_of_the_target(tmp_path: Path) -> None:
    repo, _ = _repo(tmp_path, "[alpha]")
    env = {**os.environ, "RESTRUCTURE_REPO": str(repo)}
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "-f", str(ROOT / "noxfile.py")], capture_output=True, text=True, env=env
    )
    assert listed.returncode == 0, listed.stderr
    assert "verify-extra" in listed.stdout and "verify-alpha" in listed.stdout
