"""Empty means empty: a package whose ``__init__`` files hold no code goes, caches or not.

One row per shape of "empty" a real working copy has: a docstring-only ``__init__.py``
(the docstring is reported), comments only, byte-empty; and ``__pycache__`` / ``.pytest_cache``
left by a run of the code. A package with any code stays.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from restructure import operations
from restructure.editset import VirtualTree
from restructure.report import DONE, KEPT
from tests.conftest import ROOT, git, make_repo

ROWS = [
    ("byte-empty", {"__init__.py": ""}, DONE, ""),
    ("docstring only", {"__init__.py": '"""Core helpers of the service."""\n'}, DONE, "Core helpers of the service."),
    ("comments only", {"__init__.py": "# nothing here yet\n"}, DONE, ""),
    ("docstring in subpackage", {"__init__.py": "", "v1/__init__.py": '"""API v1."""\n'}, DONE, "API v1."),
    ("code", {"__init__.py": "from .x import y\n"}, KEPT, "__init__.py"),
    ("a module", {"__init__.py": "", "deps.py": "X = 1\n"}, KEPT, "deps.py"),
    ("a constant docstring-like", {"__init__.py": "1\n"}, KEPT, "__init__.py"),
]


@pytest.mark.parametrize(("why", "files", "outcome", "said"), ROWS, ids=[r[0] for r in ROWS])
def test_delete_if_empty(why: str, files: dict[str, str], outcome: str, said: str) -> None:
    base = "services/x_service/app/core"
    paths = {f"{base}/{rel}": text for rel, text in files.items()}
    tree = VirtualTree(Path("/nonexistent"), {p: p for p in paths}, dict(paths))
    result, detail, deleted = operations.delete_if_empty(tree, operations.Scope("services/x_service", "x"), "app/core")
    assert result == outcome, why
    assert said in detail
    assert (sorted(deleted) == sorted(paths)) == (outcome == DONE)


def test_phase_one_removes_app_with_docstrings_and_caches(tmp_path: Path) -> None:
    """On a working copy whose code has been imported (``__pycache__`` everywhere) and tested
    (``.pytest_cache``), the emptied ``app/`` goes, and its docstring is reported."""
    repo = tmp_path / "repo"
    files = {
        ".gitignore": "__pycache__/\n.pytest_cache/\n",
        "services/__init__.py": "",
        "services/alpha_service/__init__.py": "",
        "services/alpha_service/app/__init__.py": '"""The alpha service application."""\n',
        "services/alpha_service/app/core/__init__.py": '"""Settings live here one day."""\n',
        "services/alpha_service/app/main.py": "APP = 'alpha'\n",
    }
    make_repo(repo, files)
    # run the code: real caches, as on a developer's machine
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", "import services.alpha_service.app.main"], cwd=repo, check=True, env=env)
    (repo / "services/alpha_service/app/.pytest_cache").mkdir()
    assert list((repo / "services/alpha_service/app").glob("__pycache__/*.pyc"))
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nservices: [alpha]\nphases:\n  - phase: 1\n    title: one\n    scope: all\n    steps:\n"
        "      - {op: move, from: app/main.py, to: main.py}\n"
        "      - {op: delete-if-empty, path: app/core}\n"
        "      - {op: delete-if-empty, path: app}\n"
    )
    command = ["phase1", "--repo", str(repo), "--plan", str(plan), "--commit"]
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *command],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (repo / "services/alpha_service/app").exists(), sorted(
        p.relative_to(repo).as_posix() for p in (repo / "services/alpha_service/app").rglob("*")
    )
    assert "The alpha service application." in done.stdout
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(("moves_into_it", "created"), [(True, True), (False, False)])
def test_ensure_package_creates_a_package_only_when_the_phase_fills_it(
    tmp_path: Path, moves_into_it: bool, created: bool
) -> None:
    from restructure import engine

    repo = tmp_path / "repo"
    files = {
        "services/__init__.py": "",
        "services/alpha_service/__init__.py": "",
        "services/alpha_service/main.py": "APP = 'alpha'\n",
        "services/alpha_service/client.py": "class Client:\n    pass\n",
    }
    make_repo(repo, files)
    move = "      - {op: move, from: client.py, to: clients/client.py}\n" if moves_into_it else ""
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nservices: [alpha]\nphases:\n  - phase: 1\n    title: one\n    scope: alpha\n    steps:\n"
        "      - {op: ensure-package, path: clients}\n" + move
    )
    report = engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=lambda _: None)
    init = "services/alpha_service/clients/__init__.py"
    assert (repo / init).is_file() == created
    assert (init in report.created) == created
    outcome = next(o for o in report.outcomes if o.step.startswith("ensure-package"))
    assert (outcome.outcome == DONE) == created, outcome
