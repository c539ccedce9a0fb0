"""Run a service's alembic migrations against a database and compare them with the models."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from verify.target import target_env

DIFFERENCE = "New upgrade operations detected"


@dataclass
class AlembicResult:
    ok: bool
    heads: list[str]
    upgrade_output: str
    check_output: str
    message: str


def _alembic(
    python: str, repo: Path, ini: Path, database_url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``alembic`` with the service's environment, its ``DATABASE_URL`` set to ``database_url``."""
    return subprocess.run(
        [python, "-m", "alembic", "-c", str(ini), *args],
        cwd=repo,
        env=target_env(repo, {**(env or {}), "DATABASE_URL": database_url}),
        capture_output=True,
        text=True,
        timeout=300,
    )


def upgrade(
    python: str, repo: Path, ini: Path, database_url: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return _alembic(python, repo, ini, database_url, "upgrade", "head", env=env)


def upgrade_and_check(
    python: str,
    repo: Path,
    ini: Path,
    database_url: str,
    env: dict[str, str] | None = None,
    upgraded: subprocess.CompletedProcess[str] | None = None,
) -> AlembicResult:
    """``upgrade head`` on an empty database, exactly one head, and an empty ``alembic check``.

    ``upgraded``: the upgrade already ran (a shared database, upgraded for every service
    in the repository's order before any is checked)."""
    heads_run = _alembic(python, repo, ini, database_url, "heads", env=env)
    heads = [line.split()[0] for line in heads_run.stdout.splitlines() if line.strip()]
    if heads_run.returncode != 0:
        return AlembicResult(False, [], "", heads_run.stderr, f"alembic heads failed: {_last(heads_run.stderr)}")
    if len(heads) != 1:
        return AlembicResult(False, heads, "", "", f"expected exactly one head, found {len(heads)}: {', '.join(heads)}")
    upgrade = upgraded or _alembic(python, repo, ini, database_url, "upgrade", "head", env=env)
    if upgrade.returncode != 0:
        return AlembicResult(False, heads, upgrade.stderr, "", f"upgrade head failed: {_last(upgrade.stderr)}")
    check = _alembic(python, repo, ini, database_url, "check", env=env)
    output = check.stdout + check.stderr
    if check.returncode != 0:
        if DIFFERENCE in output:
            return AlembicResult(False, heads, upgrade.stderr, output, f"models and migrations differ: {_last(output)}")
        return AlembicResult(False, heads, upgrade.stderr, output, f"alembic check failed: {_last(output)}")
    return AlembicResult(
        True, heads, upgrade.stderr, output, "upgrade head applied; one head; autogenerate found no difference"
    )


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"
