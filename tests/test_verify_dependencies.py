"""Dependencies as the target declares them, and the hint that names a missing package.

One row per way of declaring dependencies; the expected packages are written next to the
declaration they come from. The last test runs the real probe on an app that imports a
package nobody declared: the imports step must name it and suggest ``--extra-deps``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_repo
from tests.verify_support import step
from verify import dependencies

DECLARATIONS = [
    ("project and its test extra",
     {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi>=0.115", "sqlalchemy"]\n'
                        '[project.optional-dependencies]\ntest = ["httpx"]\ndocs = ["mkdocs"]\n'},
     ["fastapi>=0.115", "sqlalchemy", "httpx"], ["mkdocs"]),
    ("PEP 735 dependency group",
     {"pyproject.toml": '[project]\nname = "x"\ndependencies = []\n[dependency-groups]\ndev = ["pytest-asyncio"]\n'},
     ["pytest-asyncio"], []),
    ("poetry, caret, tilde, extras and a dev group",
     {"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "^0.115.2"\n'
                        'uvicorn = {version = "~0.30", extras = ["standard"]}\nlocal = {path = "../lib"}\n'
                        '[tool.poetry.group.dev.dependencies]\nfactory-boy = "*"\n'},
     ["fastapi>=0.115.2,<0.116", "uvicorn[standard]>=0.30,<0.31", "factory-boy"], ["python", "local"]),
    ("pdm dev-dependencies",
     {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["arq"]\n'
                        '[tool.pdm.dev-dependencies]\ntest = ["freezegun", "-e file:///lib"]\n'},
     ["arq", "freezegun"], ["-e file:///lib"]),
    ("uv.lock pins, the project itself left out",
     {"uv.lock": 'version = 1\n[[package]]\nname = "x"\nversion = "0.1.0"\nsource = { editable = "." }\n'
                 '[[package]]\nname = "greenlet"\nversion = "3.1.1"\n'
                 'source = { registry = "https://pypi.org/simple" }\n'},
     ["greenlet==3.1.1"], ["x==0.1.0"]),
    ("poetry.lock pins",
     {"poetry.lock": '[[package]]\nname = "alembic"\nversion = "1.13.2"\n'},
     ["alembic==1.13.2"], []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("files", "present", "absent"), [r[1:] for r in DECLARATIONS], ids=[r[0] for r in DECLARATIONS]
)
def test_declared_packages(tmp_path: Path, files: dict[str, str], present: list[str], absent: list[str]) -> None:
    repo = make_repo(tmp_path / "repo", files)
    declared = dependencies.declared(repo)
    for package in present:
        assert package in declared.packages, (package, declared.packages)
    for package in absent:
        assert package not in declared.packages, (package, declared.packages)
    assert "pytest" in declared.packages, "the harness runs the target's tests"
    assert declared.sources, "the log says where the packages came from"


def test_requirement_files_and_extra_deps(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"requirements.txt": "fastapi\n", "requirements-dev.txt": "pytest\n"})
    declared = dependencies.declared(repo, ["greenlet"])
    assert declared.pip_args()[:4] == ["-r", str(repo / "requirements-dev.txt"), "-r", str(repo / "requirements.txt")]
    assert "greenlet" in declared.packages
    assert dependencies.digest(repo) != dependencies.digest(repo, ["greenlet"]), "--extra-deps reinstalls"


HINTS = [
    ("No module named", "ModuleNotFoundError: No module named 'jose'", "python-jose"),
    ("submodule of a missing package", "ModuleNotFoundError: No module named 'arq.connections'", "arq"),
    ("SQLAlchemy's greenlet error",
     "ValueError: the greenlet library is required to use this function. No module named 'greenlet'", "greenlet"),
    ("the target's own module is not a package", "ModuleNotFoundError: No module named 'services.x_service.app'", None),
    ("another error", "KeyError: 'DATABASE_URL'", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "package"), [r[1:] for r in HINTS], ids=[r[0] for r in HINTS])
def test_missing_package_hint(text: str, package: str | None) -> None:
    hint = dependencies.hint(text)
    if package is None:
        assert hint is None
    else:
        assert hint == f"missing package {package}: the target does not declare it; pass --extra-deps {package}"


def test_imports_step_names_the_undeclared_package(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "services/__init__.py": "",
            "services/shop_service/__init__.py": "",
            "services/shop_service/main.py": (
                "import undeclared_widgets\nfrom fastapi import FastAPI\napp = FastAPI()\n"
            ),
        },
    )
    result = step(repo, "shop", "imports", tmp_path / "reports")
    assert result.status == "failed"
    assert "pass --extra-deps undeclared-widgets" in result.message, result.message
