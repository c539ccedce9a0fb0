"""Moves in the index for all files at once: what ``git mv`` would leave, one row per case.

Each row builds a real repository, moves with :meth:`GitRepo.move_in_index` plus
:meth:`GitRepo.rename_on_disk`, and compares ``git ls-files -s`` and ``git status`` with
what ``git mv`` leaves on a second copy of the same repository.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from restructure.gitrepo import GitError, GitRepo


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make(repo: Path, arrange: Callable[[Path], None]) -> Path:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / "a.py").write_text("A = 1\n")
    (repo / "b.py").write_text("B = 2\n")
    (repo / "empty.py").write_text("")
    (repo / "run.sh").write_text("#!/bin/sh\n")
    (repo / "run.sh").chmod(0o755)
    os.symlink("a.py", repo / "link.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    arrange(repo)
    return repo


def nothing(repo: Path) -> None:
    pass


def unstaged_edit(repo: Path) -> None:
    (repo / "a.py").write_text("A = 'edited, not staged'\n")


def staged_edit(repo: Path) -> None:
    (repo / "a.py").write_text("A = 'staged'\n")
    git(repo, "add", "a.py")


def glob_named(repo: Path) -> None:
    """``g[ab].py`` beside ``ga.py``: as a glob it would name the other file."""
    (repo / "g[ab].py").write_text("G = 1\n")
    (repo / "ga.py").write_text("GA = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "globs")


@dataclass(frozen=True)
class Row:
    name: str
    moves: list[tuple[str, str]]
    arrange: Callable[[Path], None] = nothing


ROWS = [
    Row("one file into a new directory", [("a.py", "pkg/a.py")]),
    Row("an executable keeps its mode", [("run.sh", "bin/run.sh")]),
    Row("a symlink moves as a link", [("link.py", "pkg/link.py")]),
    Row("an empty file", [("empty.py", "pkg/__init__.py")]),
    Row("a chain: b out of the way, a onto b", [("b.py", "c.py"), ("a.py", "b.py")]),
    Row("an unstaged edit stays unstaged", [("a.py", "pkg/a.py")], unstaged_edit),
    Row("a staged edit stays staged", [("a.py", "pkg/a.py")], staged_edit),
    Row("several files at once", [("a.py", "x/a.py"), ("b.py", "y/b.py"), ("run.sh", "x/run.sh")]),
    Row("a name that is a glob", [("g[ab].py", "pkg/g[ab].py")], glob_named),
]


# the transaction lists the index once (``index_entries``) and hands it to the move
LISTED = {"index listed by the move": False, "index listed before, by the transaction": True}


@pytest.mark.parametrize("listed_before", LISTED.values(), ids=LISTED.keys())
@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_moves_leave_what_git_mv_leaves(row: Row, listed_before: bool, tmp_path: Path) -> None:
    ours = make(tmp_path / "ours", row.arrange)
    theirs = make(tmp_path / "theirs", row.arrange)
    repo = GitRepo.open(ours)
    repo.check_move_targets(row.moves)
    repo.move_in_index(row.moves, entries=repo.index_entries() if listed_before else None)
    for source, dest in row.moves:
        repo.rename_on_disk(source, dest)
    for source, dest in row.moves:
        (theirs / dest).parent.mkdir(parents=True, exist_ok=True)
        git(theirs, "mv", "--", source, dest)
    assert git(ours, "ls-files", "-s") == git(theirs, "ls-files", "-s")
    assert git(ours, "status", "--porcelain") == git(theirs, "status", "--porcelain")
    for _, dest in row.moves:
        assert os.path.islink(ours / dest) == os.path.islink(theirs / dest)
        assert (ours / dest).lstat().st_mode == (theirs / dest).lstat().st_mode


def test_an_existing_destination_is_refused_before_anything_moves(tmp_path: Path) -> None:
    repo = GitRepo.open(make(tmp_path / "r", nothing))
    index = git(repo.root, "ls-files", "-s")
    with pytest.raises(GitError, match=r"b\.py: already exists on disk"):
        repo.check_move_targets([("a.py", "pkg/a.py"), ("run.sh", "b.py")])
    assert git(repo.root, "ls-files", "-s") == index and not (repo.root / "pkg").exists()


@pytest.mark.parametrize("listed_before", LISTED.values(), ids=LISTED.keys())
def test_a_file_with_merge_conflicts_is_refused(listed_before: bool, tmp_path: Path) -> None:
    root = make(tmp_path / "r", nothing)
    git(root, "checkout", "-qb", "other")
    (root / "a.py").write_text("A = 'other'\n")
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "main")
    (root / "a.py").write_text("A = 'main'\n")
    git(root, "commit", "-qam", "main")
    subprocess.run(["git", "merge", "-q", "other"], cwd=root, capture_output=True)
    repo = GitRepo.open(root)
    with pytest.raises(GitError, match=r"a\.py: has merge conflicts"):
        repo.move_in_index([("a.py", "pkg/a.py")], entries=repo.index_entries() if listed_before else None)


@pytest.mark.parametrize("listed_before", LISTED.values(), ids=LISTED.keys())
def test_an_untracked_source_is_refused(listed_before: bool, tmp_path: Path) -> None:
    root = make(tmp_path / "r", nothing)
    (root / "new.py").write_text("")
    repo = GitRepo.open(root)
    with pytest.raises(GitError, match=r"new\.py: not in the index"):
        repo.move_in_index([("new.py", "pkg/new.py")], entries=repo.index_entries() if listed_before else None)
