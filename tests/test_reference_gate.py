# ruff: noqa: E501
"""The reference gate: a reference that resolved before a change and not after is caught.

Rows: a planted reference a phase cannot carry (a patch string built at run time is not,
but a Dockerfile in a directory the phase empties is) fails a one-service phase before any
write; ``invoke check-references`` lists a hand-made break with file and line and exits
non-zero, and says 0 for an untouched tree; a reference broken before the change is not
the change's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from restructure import check_references, engine
from tests.conftest import ROOT, git, make_repo

FILES = {
    "services/a_service/app/__init__.py": "",
    "services/a_service/app/main.py": "from app.config import NAME\n\napp = NAME\n",
    "services/a_service/app/config.py": "NAME = 'a'\n",
    "services/a_service/tests/test_a.py": "from app.main import app\n",
}
ONE_SERVICE_PLAN = """version: 1
services: [a]
phases:
  - phase: 1
    title: move main
    scope: a
    steps:
      - {op: move, from: app/main.py, to: main.py}
"""


LOADER = """import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("a_main", ROOT / "services" / "a_service" / "app" / "main.py")
"""


def _invoke(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *args], cwd=repo, capture_output=True, text=True
    )


def test_a_planted_broken_reference_fails_the_phase_before_any_write(tmp_path: Path) -> None:
    # a Dockerfile whose build context is app/: main.py cannot leave app/ and stay in the image
    planted = {
        "services/a_service/app/Dockerfile": 'FROM python:3.11-slim\nCOPY . /srv\nWORKDIR /srv\nCMD ["uvicorn", "main:app"]\n'
    }
    repo = make_repo(tmp_path / "repo", {**FILES, **planted})
    plan = tmp_path / "plan.yaml"
    plan.write_text(ONE_SERVICE_PLAN)
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(engine.PhaseFailed) as failed:
        engine.run_phase(repo, 1, plan, commit=True, echo=lambda _: None)
    assert "services/a_service/app/Dockerfile:4" in str(failed.value.report.problems)
    assert (repo / "services/a_service/app/main.py").is_file()
    assert git(repo, "status", "--porcelain") == "" and git(repo, "rev-parse", "HEAD") == head


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        ("none", []),
        ("move without rewriting", ["services/a_service/tests/test_a.py:1: from app.main import app"]),
        ("delete a module a broken import already missed", []),
        # a test that imports the app by a path built from pieces, for a loader
        (
            "move a file a test loads by path",
            [
                "services/a_service/tests/test_a.py:1: from app.main import app",
                'tests/test_load.py:5: ROOT / "services" / "a_service" / "app" / "main.py"',
            ],
        ),
        # ``from .scoring`` in a module at the service folder's top only ever ran from the
        # repository root; written in the service folder's terms it names another package
        (
            "rewrite a relative import for a root it never ran from",
            ["services/a_service/router.py:1: from services.scoring import f"],
        ),
    ],
)
def test_check_references_lists_what_the_change_broke(tmp_path: Path, change: str, broken: list[str]) -> None:
    files = dict(FILES)
    if change.startswith("delete"):
        files["services/a_service/tests/test_b.py"] = "from app.gone import thing\n"
    if change.endswith("by path"):
        files["tests/test_load.py"] = LOADER
    if change.startswith("rewrite"):
        files["services/__init__.py"] = files["services/a_service/__init__.py"] = ""
        files["services/a_service/scoring.py"] = "def f():\n    return 1\n"
        files["services/a_service/router.py"] = "from .scoring import f\n"
        files["tests/test_router.py"] = "from services.a_service.router import f\n"
    repo = make_repo(tmp_path / "repo", files)
    if change.startswith("rewrite"):
        (repo / "services/a_service/services").mkdir()
        git(repo, "mv", "services/a_service/scoring.py", "services/a_service/services/scoring.py")
        (repo / "services/a_service/router.py").write_text("from services.scoring import f\n")
    if change == "move without rewriting" or change.endswith("by path"):
        git(repo, "mv", "services/a_service/app/main.py", "services/a_service/main.py")
    if change.startswith("delete"):
        (repo / "services/a_service/tests/test_b.py").write_text("from app.gone import thing\n# touched\n")
    result = check_references.check_repository(repo, "HEAD")
    assert [line.rsplit(": ", 1)[0] for line in result.lines()] == broken
    done = _invoke(repo, "check-references", "--repo", str(repo))
    assert done.returncode == (1 if broken else 0), done.stdout + done.stderr
    assert f"{len(broken)} broken since" in done.stdout
