"""The scratch copy's files are rewritten in place; the target's are replaced atomically.

:func:`restructure.editset.apply` writes a file of the target as a new file renamed over the
old one (a reader never sees it half-written, a crash never leaves it truncated). In the
pre-flight's scratch copy (``throwaway``) an existing file is rewritten in place instead:
creating files is the costly part of a write on some file systems. Either way the bytes,
the mode (an executable stays one), the staged index and a symlink's nature are the same;
only the inode differs, and a new file is created in both.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from restructure.editset import Changes, apply
from restructure.gitrepo import GitRepo
from tests.conftest import git, make_repo

FILES = {"a.py": "A = 1\n", "run.sh": "#!/bin/sh\necho hi\n", "pkg/__init__.py": ""}
CHANGES = Changes(
    moves=[("pkg/__init__.py", "lib/__init__.py")],
    writes={"a.py": "A = 2\n", "run.sh": "#!/bin/sh\necho bye\n", "new.py": "N = 1\n", "lib/__init__.py": "X = 1\n"},
    deletes=[],
)


def _repo(root: Path) -> Path:
    repo = make_repo(root, FILES)
    (repo / "run.sh").chmod(0o755)
    git(repo, "add", "run.sh")
    git(repo, "commit", "-q", "-m", "executable")
    return repo


def _state(repo: Path) -> tuple[object, ...]:
    files = {
        p.relative_to(repo).as_posix(): (p.stat().st_mode, p.read_bytes())
        for p in sorted(repo.rglob("*"))
        if ".git" not in p.parts and p.is_file()
    }
    index = subprocess.run(["git", "ls-files", "-s"], cwd=repo, capture_output=True, text=True, check=True).stdout
    return files, index


@pytest.mark.parametrize("throwaway", [False, True])
def test_a_write_in_place_or_replaced_leaves_the_same_tree(throwaway: bool, tmp_path: Path) -> None:
    expected_repo = _repo(tmp_path / "expected")
    apply(GitRepo.open(expected_repo), CHANGES)
    repo = _repo(tmp_path / "repo")
    inodes = {name: os.stat(repo / name).st_ino for name in ("a.py", "run.sh")}
    apply(GitRepo.open(repo), CHANGES, throwaway=throwaway)
    assert _state(repo) == _state(expected_repo)
    kept = {name: os.stat(repo / name).st_ino == inode for name, inode in inodes.items()}
    assert kept == {"a.py": throwaway, "run.sh": throwaway}, "in place only in a scratch copy"
