"""Helpers for the harness tests: snapshotted scratch copies, planted faults, step results."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from tests.conftest import MONOREPO, PYTHON, make_git_copy
from verify import docker_engine
from verify.context import StepResult
from verify.report import ServiceRun
from verify.runner import VerifyOptions, take_snapshot, verify_services

REQUIRE_DOCKER = os.environ.get("REQUIRE_DOCKER") == "1"


def docker_available() -> bool:
    try:
        docker_engine.connect().close()
    except docker_engine.DockerUnavailable:
        return False
    return True


def snapshotted_copy(dest: Path, services: list[str], database_url: str) -> Path:
    """A git copy of the fixture with a baseline of ``services`` taken before any phase."""
    repo = make_git_copy(MONOREPO, dest)
    take_snapshot(repo, services, PYTHON, database_url, echo=lambda _line: None)
    return repo


def clone(repo: Path, dest: Path) -> Path:
    """A copy of a scratch repository, ``.git`` (and so the snapshot) included."""
    shutil.copytree(repo, dest, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def verify(
    repo: Path,
    services: list[str],
    reports: Path,
    steps: list[str] | None = None,
    database_url: str | None = None,
    **options: object,
) -> list[ServiceRun]:
    """``verify_services`` in this process, with this interpreter as the target's Python."""
    lines: list[str] = []
    opts = VerifyOptions(
        repo=repo,
        services=services,
        python=PYTHON,
        database_url=database_url,
        reports=reports,
        steps=steps,
        **options,  # type: ignore[arg-type]
    )
    return verify_services(opts, echo=lines.append)


def results(run: ServiceRun) -> dict[str, StepResult]:
    return {r.step: r for r in run.results}


def step(repo: Path, service: str, name: str, reports: Path, **kwargs: object) -> StepResult:
    """The result of one step of one service."""
    (run,) = verify(repo, [service], reports, steps=[name], **kwargs)  # type: ignore[arg-type]
    return results(run)[name]


def describe(result: StepResult) -> str:
    """A result with its details, for assertion messages."""
    return f"{result.step} {result.status}: {result.message}\n  " + "\n  ".join(result.details[:20])


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` (which must be there) by ``new`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def edit_re(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, n = re.subn(pattern, new, text, count=1, flags=re.S | re.M)
    assert n == 1, f"{pattern!r} not in {path}"
    path.write_text(changed, encoding="utf-8")
