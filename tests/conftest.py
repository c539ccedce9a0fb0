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
