# ruff: noqa: E501
"""Import roots inferred from evidence, one row per kind of evidence.

Each row is a small repository; the row names the service directory and the root the
evidence must establish (repository root "" or the service folder), and a root it must not.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from restructure import roots, trees
from tests.conftest import ROOT, make_repo

SERVICE = "services/a_service"
BASE = {f"{SERVICE}/app/__init__.py": "", f"{SERVICE}/app/main.py": "app = 1\n", f"{SERVICE}/app/db.py": "X = 1\n"}

ROWS = [
    ("an import written from the service folder", {f"{SERVICE}/app/routes.py": "from app.db import X\n"}, SERVICE, ""),
    (
        "an import written from the repository root",
        {"tests/test_a.py": "from services.a_service.app.db import X\n"},
        "",
        SERVICE,
    ),
    (
        "a patch string from the service folder",
        {f"{SERVICE}/tests/test_p.py": "from unittest import mock\nmock.patch('app.db.X')\n"},
        SERVICE,
        "",
    ),
    (
        "a Dockerfile that copies the folder and starts app.main",
        {f"{SERVICE}/Dockerfile": 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "app.main:app"]\n'},
        SERVICE,
        "",
    ),
    (
        "a compose service built from the repository root",
        {
            "docker-compose.yml": f"services:\n  a:\n    build:\n      context: .\n      dockerfile: {SERVICE}/Dockerfile\n",
            f"{SERVICE}/Dockerfile": f"FROM python:3.11-slim\nWORKDIR /srv\nCOPY {SERVICE}/app /srv/{SERVICE}/app\n"
            'CMD ["python", "-m", "services.a_service.app.main"]\n',
        },
        "",
        SERVICE,
    ),
    (
        "a migrations folder named like an installed package proves no root",
        {
            # no __init__.py: ``from alembic import context`` finds the installed alembic, not it
            f"{SERVICE}/alembic/env.py": "from alembic import context\n",
            f"{SERVICE}/alembic/versions/0001_initial.py": "from alembic import op\n",
            "tests/test_a.py": "from services.a_service.app.db import X\n",
        },
        "",
        SERVICE,
    ),
]


@pytest.mark.parametrize(("evidence", "extra", "root", "not_root"), ROWS, ids=[r[0] for r in ROWS])
def test_roots_follow_the_evidence(
    tmp_path: Path, evidence: str, extra: dict[str, str], root: str, not_root: str
) -> None:
    repo = make_repo(tmp_path / "repo", {**BASE, **extra})
    found = roots.infer(trees.from_disk(repo, sorted({*BASE, *extra})))
    assert root in found.services[SERVICE], roots.describe(found)
    assert not_root not in found.services[SERVICE], roots.describe(found)
    assert found.services[SERVICE][root].evidence, "every root carries the reference that proves it"


def test_pytest_pythonpath_and_conftest_sys_path_are_extra_roots(tmp_path: Path) -> None:
    files = {
        **BASE,
        f"{SERVICE}/pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["app"]\n',
        "tests/conftest.py": "import sys\nfrom pathlib import Path\nsys.path.insert(0, str(Path(__file__).parent.parent / 'services'))\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    found = roots.infer(trees.from_disk(repo, sorted(files)))
    assert f"{SERVICE}/app" in found.candidates(f"{SERVICE}/tests/test_x.py")
    assert "services" in found.candidates("tests/test_x.py")


def test_status_roots_prints_the_evidence(tmp_path: Path) -> None:
    files = {
        **BASE,
        f"{SERVICE}/app/routes.py": "from app.db import X\n",
        "tests/t.py": "import services.a_service.app.db\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), "status", "--roots", "--repo", str(repo)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"  root {SERVICE} (the service directory; 1 reference(s))\n" in done.stdout
    assert "  root . (the repository root; 1 reference(s))\n" in done.stdout
    assert f"{SERVICE}/app/routes.py:1: from app.db import X" in done.stdout
