"""The pre-flight's scratch copy holds the target as the engine reads it, whatever its state.

:func:`restructure.preflight.scratch_copy` sets the clone's index to HEAD without a checkout
and copies the target's files over. Each row puts a target in one state a user's repository
can be in (uncommitted edits, deletions, untracked and ignored files, a file unstaged with
``git rm --cached``, line-ending conversion, a symlink, an executable bit, no commit yet, a
detached HEAD) and compares the scratch copy with the one the definition gives: a clone
checked out at HEAD with every file the engine reads copied over it (the way the copy was
made before), file by file (bytes, mode, link target), entry by entry of the index, commit
by commit, and with ``git status`` clean in both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from restructure import preflight
from restructure.gitrepo import GitRepo
from tests.conftest import git, make_repo

FILES = {
    "services/alpha_service/__init__.py": "",
    "services/alpha_service/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "services/alpha_service/models.py": "X = 1\n",
    "docs/notes.md": "# Notes\nline\n",
    ".gitignore": "*.log\nbuild/\n",
}


def _edit(repo: Path) -> None:
    (repo / "services/alpha_service/models.py").write_text("X = 2\n")


def _delete(repo: Path) -> None:
    (repo / "docs/notes.md").unlink()


def _untracked(repo: Path) -> None:
    (repo / "services/alpha_service/extra.py").write_text("Y = 1\n")


def _ignored(repo: Path) -> None:
    (repo / "debug.log").write_text("noise\n")
    (repo / "build").mkdir()
    (repo / "build/out.py").write_text("Z = 1\n")


def _unstaged_removal(repo: Path) -> None:
    git(repo, "rm", "-q", "--cached", "services/alpha_service/models.py")


def _staged_then_edited(repo: Path) -> None:
    (repo / "services/alpha_service/models.py").write_text("X = 3\n")
    git(repo, "add", "services/alpha_service/models.py")
    (repo / "services/alpha_service/models.py").write_text("X = 4\n")


def _staged_new(repo: Path) -> None:
    (repo / "services/alpha_service/new.py").write_text("N = 1\n")
    git(repo, "add", "services/alpha_service/new.py")


def _tracked_in_ignored_dir(repo: Path) -> None:
    (repo / "build").mkdir()
    (repo / "build/kept.py").write_text("K = 1\n")
    git(repo, "add", "-f", "build/kept.py")
    git(repo, "commit", "-q", "-m", "kept")


def _crlf(repo: Path) -> None:
    (repo / ".gitattributes").write_text("*.md text eol=crlf\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "attributes")


def _symlink(repo: Path) -> None:
    os.symlink("main.py", repo / "services/alpha_service/entry.py")
    git(repo, "add", "services/alpha_service/entry.py")
    git(repo, "commit", "-q", "-m", "link")


def _executable(repo: Path) -> None:
    script = repo / "scripts/run.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\necho hi\n")
    git(repo, "add", "scripts/run.sh")
    git(repo, "commit", "-q", "-m", "script")
    script.chmod(0o755)


def _detached(repo: Path) -> None:
    (repo / "later.py").write_text("L = 1\n")
    git(repo, "add", "later.py")
    git(repo, "commit", "-q", "-m", "later")
    git(repo, "checkout", "-q", "--detach", "HEAD~1")


def _no_commit(repo: Path) -> None:
    shutil.rmtree(repo / ".git")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "services")


@dataclass
class Row:
    hazard: str
    state: Callable[[Path], None]


ROWS = [
    Row("clean", lambda repo: None),
    Row("a tracked file edited, not committed", _edit),
    Row("a tracked file deleted, not committed", _delete),
    Row("an untracked file", _untracked),
    Row("ignored files (not read by the engine)", _ignored),
    Row("a committed file unstaged with git rm --cached", _unstaged_removal),
    Row("a staged change edited again", _staged_then_edited),
    Row("a new file staged", _staged_new),
    Row("a tracked file in an ignored directory", _tracked_in_ignored_dir),
    Row("line endings converted on checkout", _crlf),
    Row("a symlink", _symlink),
    Row("an executable bit set, not committed", _executable),
    Row("a detached HEAD", _detached),
    Row("no commit yet, files staged", _no_commit),
]


def _by_definition(target: GitRepo, dest: Path) -> Path:
    """The scratch copy as defined: a clone checked out at HEAD, the engine's files copied
    over it, the rest removed, and the difference from HEAD committed."""
    scratch = dest / target.root.name
    subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(target.root), str(scratch)], check=True)
    for key, value in (("user.name", "restructure pre-flight"), ("user.email", "preflight@localhost"),
                       ("commit.gpgsign", "false"), ("core.hooksPath", os.devnull),
                       ("core.bigFileThreshold", "1")):  # fmt: skip
        git(scratch, "config", key, value)
    head = target.head()
    if head:
        git(scratch, "checkout", "-q", "--detach", head)
    preflight._overlay(target, scratch)
    return scratch


def _state(scratch: Path) -> dict[str, object]:
    """Everything a phase can read of a scratch copy (commit ids aside: their dates differ)."""
    files: dict[str, tuple[int, str | bytes]] = {}
    for path in sorted(scratch.rglob("*")):
        rel = path.relative_to(scratch).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        if path.is_symlink():
            files[rel] = (0o120000, os.readlink(path))
        elif path.is_file():
            files[rel] = (path.stat().st_mode & 0o111, path.read_bytes())

    def out(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=scratch, capture_output=True, text=True).stdout

    return {
        "files": files,
        "index": out("ls-files", "-s"),
        "status": out("status", "--porcelain", "--untracked-files=all"),
        "head tree": out("rev-parse", "HEAD^{tree}"),
        "parent tree": out("rev-parse", "--verify", "-q", "HEAD~1^{tree}"),
        "on a branch": out("symbolic-ref", "-q", "HEAD"),
        "commits": out("rev-list", "--count", "HEAD"),
        "config": sorted(out("config", "--local", "--list").splitlines()),
    }


@pytest.mark.parametrize("row", ROWS, ids=[r.hazard for r in ROWS])
def test_the_scratch_copy_is_the_target_as_the_engine_reads_it(row: Row, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    row.state(repo)
    target = GitRepo.open(str(repo))
    expected = _state(_by_definition(target, tmp_path / "defined"))
    with preflight.scratch_copy(target) as scratch:
        got = _state(scratch)
    assert got == expected
    changed = [line for line in str(got["status"]).splitlines() if not line.startswith("??")]
    assert changed == []  # every index entry carries its file's stat; untracked files stay untracked
    wanted = set(target.tracked_files())
    assert set(got["files"]) == wanted  # type: ignore[arg-type]
