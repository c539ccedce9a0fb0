"""What a work tree holds, byte for byte, and how to drive the tool on it from a test."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, git


def tree_state(repo: Path) -> dict[str, str]:
    """Path -> sha256 of every file and symlink under ``repo`` (tracked, untracked and
    ignored alike), every directory (empty ones too), and git's index and HEAD."""
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        rel_dir = Path(dirpath).relative_to(repo).as_posix()
        if rel_dir == ".git":
            dirnames[:] = []
            continue
        for name in dirnames:
            if not (rel_dir == "." and name == ".git"):
                state[f"{rel_dir}/{name}/".removeprefix("./")] = "dir"
        for name in filenames:
            full = Path(dirpath) / name
            rel = full.relative_to(repo).as_posix()
            if full.is_symlink():
                state[rel] = "-> " + os.readlink(full)
            else:
                state[rel] = hashlib.sha256(full.read_bytes()).hexdigest()
    index = repo / ".git" / "index"
    state[".git/index"] = hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else "none"
    state[".git/HEAD commit"] = git(repo, "rev-parse", "HEAD").strip()
    return state


def porcelain(repo: Path, ignored: bool = False) -> str:
    """``git status --porcelain`` with every untracked file (and ignored ones when asked)."""
    # --no-optional-locks: a plain ``git status`` may rewrite the index to refresh it
    args = ["--no-optional-locks", "status", "--porcelain", "--untracked-files=all"]
    return git(repo, *args, *(["--ignored"] if ignored else []))


def invoke(
    repo: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """``python -m invoke -r <this project> ARGS`` run from ``repo``, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


State = tuple[dict[str, str], str]


def work_tree_state(repo: Path) -> State:
    """Every file's hash (index and HEAD included), then git's view; in this order, because
    ``git status`` may refresh the index."""
    return tree_state(repo), porcelain(repo, ignored=True)


def differences(before: State, after: State) -> str:
    """The first paths that differ, for an assertion message."""
    files = sorted(k for k in before[0].keys() | after[0].keys() if before[0].get(k) != after[0].get(k))
    status = "" if after[1] == before[1] else f"; git status was {before[1]!r}, is {after[1]!r}"
    return f"{files[:5]}{status}"
