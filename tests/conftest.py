"""Shared fixtures: a real PostgreSQL server, a real Docker engine, scratch git copies of fixtures.

PostgreSQL comes from ``TEST_DATABASE_URL`` when set, else a throwaway cluster started
from the machine's binaries for the whole test session. Docker tests need an engine;
with ``REQUIRE_DOCKER=1`` (as in CI) a missing engine fails them instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from verify import docker_engine, postgres

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "compose-fixtures"
MONOREPO = FIXTURES / "monorepo"
PYTHON = sys.executable


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, files: dict[str, str]) -> Path:
    """A git repository at ``root`` holding ``files`` (path -> text), committed once."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "tests@example.com")
    git(root, "config", "user.name", "Tests")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    return root


def make_git_copy(source: Path, dest: Path) -> Path:
    """Copy a fixture to ``dest`` and commit it, as a user's clean checkout would be."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.email", "tests@example.com")
    git(dest, "config", "user.name", "Tests")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "fixture")
    return dest


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres.PostgresServer]:
    url = os.environ.get("TEST_DATABASE_URL")
    try:
        with postgres.postgres(url) as server:
            yield server
    except postgres.PostgresUnavailable as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def docker_client():
    try:
        return docker_engine.connect()
    except docker_engine.DockerUnavailable as exc:
        if os.environ.get("REQUIRE_DOCKER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def monorepo_session_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One read-only git copy of the main fixture for tests that only run it."""
    return make_git_copy(MONOREPO, tmp_path_factory.mktemp("session") / "monorepo")


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A fresh git copy of the main fixture that the test may change."""
    return make_git_copy(MONOREPO, tmp_path / "monorepo")


# --- which real components the tests used ----------------------------------------------------
# Every subprocess a test starts is seen through the interpreter's audit hook (observed, never
# replaced); fixtures name the servers the suite starts itself. The closing summary states, per
# component, how many tests used it, so a run where Docker or PostgreSQL silently went unused
# shows it.
_USED: dict[str, set[str]] = {}
_CURRENT: list[str] = []
_PROGRAMS = {"git", "docker", "uvicorn", "alembic", "nox", "invoke", "pg_ctl", "initdb", "postgres", "pytest"}
_FIXTURES = {"pg_server": "PostgreSQL (session server)", "docker_client": "Docker"}


def _program(args: object) -> str | None:
    argv = [str(a) for a in args] if isinstance(args, list | tuple) else [str(args)]
    if not argv:
        return None
    name = Path(argv[0]).name
    if name.startswith("python") and len(argv) > 2 and argv[1] == "-m":
        name = argv[2]
    return name if name in _PROGRAMS else None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "subprocess.Popen" and _CURRENT:
        name = _program(args[1])
        if name:
            _USED.setdefault(name, set()).add(_CURRENT[-1])


sys.addaudithook(_audit)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _CURRENT.append(item.nodeid)
    for fixture, component in _FIXTURES.items():
        if fixture in getattr(item, "fixturenames", ()):
            _USED.setdefault(component, set()).add(item.nodeid)
    try:
        return (yield)
    finally:
        _CURRENT.pop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _USED:
        return
    parts = [f"{name} {len(tests)}" for name, tests in sorted(_USED.items())]
    terminalreporter.write_line("real components used (tests): " + ", ".join(parts))
