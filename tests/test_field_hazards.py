# ruff: noqa: E501
"""Hazards met on real monorepos nobody here wrote (docs/field-report.md), rebuilt small.

One row per hazard class: a tiny repository in the shape that broke, the generic phase 1
(``restructure/plans/phase1-generic.yaml``) run on it for real (git, the engine, the
reference gate), then the work tree checked against the commit before: no reference that
resolved before may be broken, and the row's own expectation holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from restructure import check_references, engine
from restructure.plan import load_plan
from tests.conftest import git, make_repo

PLAN = Path(__file__).resolve().parents[1] / "restructure/plans/phase1-generic.yaml"
BASE = {
    "services/a_service/app/__init__.py": "",
    "services/a_service/app/config.py": "NAME = 'a'\n",
    "services/b_service/app/__init__.py": "",
    "services/b_service/app/main.py": "from app.config import NAME\n\napp = NAME\n",
    "services/b_service/app/config.py": "NAME = 'b'\n",
}
MAIN = "from app.config import NAME\n\napp = NAME\n\n\ndef helper():\n    return NAME\n"

# (hazard, extra files, file to read after the phase, text it must hold, a refused service or "")
ROWS = [
    (
        "tests import from the service directory",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/tests/test_main.py": "from app.main import app\n\n\ndef test_app():\n    assert app\n",
        },
        "services/a_service/tests/test_main.py",
        "from main import app",
        "",
    ),
    (
        "patch strings written from the service directory",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/tests/test_patch.py": "from unittest import mock\n\n\ndef test_helper():\n    with mock.patch('app.main.helper'):\n        pass\n",
        },
        "services/a_service/tests/test_patch.py",
        "mock.patch('main.helper')",
        "",
    ),
    (
        "relative import in main.py that becomes top-level",
        {
            "services/a_service/app/main.py": "from .config import NAME\n\napp = NAME\n",
            # the evidence that the service folder is the root: the image runs app.main from it
            "services/a_service/Dockerfile": 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "app.main:app"]\n',
        },
        "services/a_service/main.py",
        "from app.config import NAME",
        "",
    ),
    (
        "lazy relative import of main from a module left in app/",
        {
            "services/a_service/app/main.py": MAIN + "__version__ = '1'\n",
            "services/a_service/app/routes.py": "def version():\n    from .main import __version__\n\n    return __version__\n",
        },
        "services/a_service/app/routes.py",
        "from main import __version__",
        "",
    ),
    (
        "Dockerfile copies only app/ and the CMD follows main.py out of it",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/Dockerfile": 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY app/ ./app/\nCMD ["uvicorn", "app.main:app"]\n',
        },
        "services/a_service/Dockerfile",
        "COPY main.py ./main.py",
        "",
    ),
    (
        "COPY names an app/ the phase deletes (repository-root context)",
        {
            "services/a_service/app/main.py": "app = 'a'\n",
            "services/a_service/app/config.py": None,
            "docker-compose.yml": "services:\n  a:\n    build:\n      context: .\n      dockerfile: services/a_service/Dockerfile\n",
            "services/a_service/Dockerfile": "FROM python:3.11-slim\nWORKDIR /srv\nCOPY services/a_service/app/ /srv/services/a_service/app/\n"
            'CMD ["python", "-m", "services.a_service.app.main"]\n',
        },
        "services/a_service/Dockerfile",
        "COPY services/a_service/main.py /srv/services/a_service/main.py",
        "",
    ),
    (
        "root compose builds a service from its folder: build args and command in the folder's terms",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/Dockerfile": "FROM python:3.11-slim\nARG SERVICE_MODULE\nWORKDIR /srv\nCOPY . .\nCMD uvicorn ${SERVICE_MODULE}:app\n",
            "docker-compose.yml": "services:\n  a:\n    build:\n      context: services/a_service\n      args:\n        SERVICE_MODULE: app.main\n"
            "    command: uvicorn app.main:app --host 0.0.0.0\n  b:\n    build: services/b_service\n    command: uvicorn app.main:app\n",
        },
        "docker-compose.yml",
        "      args:\n        SERVICE_MODULE: main\n    command: uvicorn main:app --host 0.0.0.0\n  b:\n    build: services/b_service\n    command: uvicorn main:app\n",
        "",
    ),
    (
        "root compose runs a service folder mounted at its working_dir",
        {
            "services/a_service/app/main.py": MAIN,
            "docker-compose.yml": "services:\n  a:\n    image: python:3.11-slim\n    working_dir: /code\n    volumes:\n      - ./services/a_service:/code\n"
            "    # was: uvicorn app.main:app\n    command: uvicorn app.main:app --reload\n",
        },
        "docker-compose.yml",
        "    # was: uvicorn app.main:app\n    command: uvicorn main:app --reload\n",
        "",
    ),
    (
        "repository test loads the app by a path built from pieces (spec_from_file_location)",
        {
            "services/a_service/app/main.py": MAIN,
            "tests/test_load.py": "import importlib.util\nfrom pathlib import Path\n\nROOT = Path(__file__).resolve().parents[1]\n"
            'SPEC = importlib.util.spec_from_file_location("a_main", ROOT / "services" / "a_service" / "app" / "main.py")\n',
        },
        "tests/test_load.py",
        'ROOT / "services" / "a_service" / "main.py")',
        "",
    ),
    (
        "service test loads the app with os.path.join from its own folder",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/tests/test_load.py": "import os\nimport runpy\n\n\ndef load():\n"
            "    return runpy.run_path(os.path.join(os.path.dirname(__file__), '..', 'app', 'main.py'))\n",
        },
        "services/a_service/tests/test_load.py",
        "os.path.join(os.path.dirname(__file__), '..', 'main.py')",
        "",
    ),
    (
        "a test under app/tests that loads ../main.py moves with it: nothing to change",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/app/tests/test_load.py": "import importlib.util\nfrom pathlib import Path\n\n"
            'SPEC = importlib.util.spec_from_file_location("m", Path(__file__).parent.parent / "main.py")\n',
        },
        "services/a_service/tests/test_load.py",
        'Path(__file__).parent.parent / "main.py")',
        "",
    ),
    (
        "Dockerfile with an instruction before FROM",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/Dockerfile": 'WORKDIR /srv\nFROM python:3.11-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "app.main:app"]\n',
        },
        "services/a_service/Dockerfile",
        '"main:app"',
        "",
    ),
    (
        "Dockerfile starting with a UTF-8 byte-order mark",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/Dockerfile": '\ufeffFROM python:3.11-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "app.main:app"]\n',
        },
        "services/a_service/Dockerfile",
        "\ufeffFROM python",
        "",
    ),
    (
        "Makefile recipe that cds into the service and starts app.main",
        {
            "services/a_service/app/main.py": MAIN,
            "Makefile": "run-a:\n\tcd services/a_service && \\\n\tuvicorn app.main:app --port 8001\n",
        },
        "Makefile",
        "uvicorn main:app --port 8001",
        "",
    ),
    (
        "a re-export shim already at the destination",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/main.py": '"""Entry point for uvicorn main:app."""\nfrom app.main import app\n',
            "services/a_service/Dockerfile": 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "main:app"]\n',
        },
        "services/a_service/main.py",
        "def helper():",
        "",
    ),
    (
        "a Dockerfile inside app/ builds with app/ as its context: main.py cannot leave it",
        {
            "services/a_service/app/main.py": MAIN,
            "services/a_service/app/Dockerfile": 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "main:app"]\n',
        },
        "services/b_service/main.py",
        "from app.config import NAME",
        "a_service",
    ),
]


@pytest.mark.parametrize(("hazard", "extra", "path", "expected", "refused"), ROWS, ids=[r[0] for r in ROWS])
def test_generic_phase1_breaks_no_reference(
    tmp_path: Path, hazard: str, extra: dict[str, str | None], path: str, expected: str, refused: str
) -> None:
    files = {**BASE, **extra}
    repo = make_repo(tmp_path / "repo", {p: t for p, t in files.items() if t is not None})
    report = engine.run_phase(repo, 1, plan=load_plan(PLAN), commit=True, echo=lambda _: None)
    assert not report.failed, report.problems
    text = (repo / path).read_text(encoding="utf-8")
    assert expected in text, f"{hazard}: {path} lacks {expected!r}:\n{text}"
    result = check_references.check_repository(repo, "HEAD~1")
    assert result.broken == [], result.lines()
    assert result.checked > 0
    refusals = {o.service for o in report.outcomes if o.outcome == "refused"}
    assert refusals == ({refused} if refused else set())
    if refused:
        assert (repo / f"services/{refused}/app/main.py").is_file(), "a refused service is left as it was"
    assert git(repo, "status", "--porcelain") == ""


def test_a_tracked_file_in_an_ignored_directory_moves_with_its_directory(tmp_path: Path) -> None:
    """A file committed with ``git add -f`` inside a directory ``.gitignore`` names is still the
    repository's: the move stages it where it went (``git add -f`` for tracked paths)."""
    files = {
        **BASE,
        "services/a_service/app/main.py": MAIN,
        "services/a_service/app/tests/test_a.py": "from app.main import app\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    (repo / ".gitignore").write_text("tests/\n")
    (repo / "services/a_service/app/tests/fixture_data.py").write_text("DATA = 1\n")
    git(repo, "add", ".gitignore")
    git(repo, "add", "-f", "services/a_service/app/tests/fixture_data.py")
    git(repo, "commit", "-q", "-m", "ignored but tracked")
    report = engine.run_phase(repo, 1, plan=load_plan(PLAN), commit=True, echo=lambda _: None)
    assert not report.failed, report.problems
    tracked = git(repo, "ls-files").split()
    assert "services/a_service/tests/fixture_data.py" in tracked
    assert "services/a_service/app/tests/fixture_data.py" not in tracked
    assert check_references.check_repository(repo, "HEAD~1").broken == []


def test_a_relative_import_that_never_ran_from_the_service_folder_stays_relative(tmp_path: Path) -> None:
    """Two roots: the image runs ``app.main`` from the service folder, the tests import from the
    repository root. ``from .scoring import f`` in a module at the service folder's top only
    ever worked from the repository root, so after a move into a subpackage it must keep
    working there (``from ..services.scoring import f``), not be written in the folder's terms
    (``from services.scoring import f``, which names the repository's ``services`` package)."""
    files = {
        **BASE,
        "services/a_service/app/main.py": MAIN,
        "services/a_service/Dockerfile": 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . .\nCMD ["uvicorn", "app.main:app"]\n',
        "services/a_service/__init__.py": "",
        "services/__init__.py": "",
        "services/a_service/scoring.py": "def f():\n    return 1\n",
        "services/a_service/router.py": "from .scoring import f\n\n\ndef route():\n    return f()\n",
        "tests/test_router.py": "from services.a_service.router import route\n\n\ndef test_route():\n    assert route() == 1\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nservices_dir: services\nservice_suffix: ''\nservices: [a_service]\nline_limit: 300\n"
        "phases:\n  - phase: 1\n    title: move\n    scope: a_service\n    steps:\n"
        "      - {op: move, from: router.py, to: routers/items.py}\n"
        "      - {op: move, from: scoring.py, to: services/scoring.py}\n"
    )
    report = engine.run_phase(repo, 1, plan=load_plan(plan), commit=True, echo=lambda _: None)
    assert not report.failed, report.problems
    moved = (repo / "services/a_service/routers/items.py").read_text()
    assert "from services.scoring import" not in moved, moved
    assert check_references.check_repository(repo, "HEAD~1").broken == []


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        # the image copied all of app/: the new package arrives whole (its __init__.py included)
        ("COPY services/a_service/app/ /srv/services/a_service/app/\n",
         ["COPY services/a_service/main.py /srv/services/a_service/main.py",
          "COPY services/a_service/routers/ /srv/services/a_service/routers/"]),
        # the image copied app/'s files one by one: each COPY follows its file (the reference is
        # rewritten in place), in the Dockerfile's own granularity
        ("COPY services/a_service/app/main.py /srv/services/a_service/app/main.py\n"
         "COPY services/a_service/app/roster.py /srv/services/a_service/app/roster.py\n",
         ["COPY services/a_service/main.py /srv/services/a_service/main.py",
          "COPY services/a_service/routers/roster.py /srv/services/a_service/routers/roster.py"]),
    ],
    ids=["directory COPY", "file COPYs"],
)  # fmt: skip
def test_a_package_the_phase_creates_reaches_the_image_whole(
    tmp_path: Path, dockerfile: str, expected: list[str]
) -> None:
    """A module moved out of a copied ``app/`` into a package the same phase creates: the
    image gets the package directory (``__init__.py`` included), not only the module, and
    loses the ``COPY`` of the deleted ``app/``."""
    files = {
        "services/a_service/app/__init__.py": '"""The app."""\n',
        "services/a_service/app/main.py": "from services.a_service.app.roster import router\n\napp = router\n",
        "services/a_service/app/roster.py": "router = 'roster'\n",
        "services/a_service/Dockerfile": "FROM python:3.11-slim\nWORKDIR /srv\n"
        + dockerfile
        + 'CMD ["uvicorn", "services.a_service.app.main:app"]\n',
        "docker-compose.yml": "services:\n  a:\n    build:\n      context: .\n      dockerfile: services/a_service/Dockerfile\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nservices_dir: services\nservice_suffix: _service\nservices: [a]\nline_limit: 300\n"
        "phases:\n  - phase: 1\n    title: move\n    scope: a\n    steps:\n"
        "      - {op: move, from: app/main.py, to: main.py}\n"
        "      - {op: ensure-package, path: routers}\n"
        "      - {op: move, from: app/roster.py, to: routers/roster.py}\n"
        "      - {op: delete-if-empty, path: app}\n"
    )
    report = engine.run_phase(repo, 1, plan=load_plan(plan), commit=True, echo=lambda _: None)
    assert not report.failed, report.problems
    copies = [
        line for line in (repo / "services/a_service/Dockerfile").read_text().splitlines() if line.startswith("COPY")
    ]
    assert copies == expected
    assert (repo / "services/a_service/routers/__init__.py").is_file()


def test_a_delete_of_the_path_a_move_lands_on_runs_before_the_move(tmp_path: Path) -> None:
    """The plan lists ``move app/main.py -> main.py`` and then ``delete main.py`` (an old
    launcher at the service root). Deleting the file just moved would make the move
    pointless: the delete names what the move replaces, so it runs first, and says so."""
    files = {
        **BASE,
        "services/a_service/app/main.py": MAIN,
        "services/a_service/main.py": "import subprocess\n\nsubprocess.run(['uvicorn', 'app.main:app'])\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nservices_dir: services\nservice_suffix: _service\nservices: [a]\nline_limit: 300\n"
        "phases:\n  - phase: 1\n    title: move\n    scope: a\n    steps:\n"
        "      - {op: move, from: app/main.py, to: main.py}\n"
        "      - {op: delete, path: main.py}\n"
    )
    report = engine.run_phase(repo, 1, plan=load_plan(plan), commit=True, echo=lambda _: None)
    assert not report.failed, report.problems
    assert (repo / "services/a_service/main.py").read_text() == MAIN
    assert not (repo / "services/a_service/app/main.py").exists()
    assert "delete main.py runs before move app/main.py -> main.py: it names what the move replaces" in report.notes
    assert check_references.check_repository(repo, "HEAD~1").broken == []
