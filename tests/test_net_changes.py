"""Several phases written as one transaction leave exactly what they leave written one by one.

``invoke all`` without ``--commit`` writes the pre-flight's phases together
(:func:`restructure.net_changes.compose`, then one :func:`restructure.editset.apply`). Each row
is a sequence of phases, each built the way the engine builds one (edits of a
:class:`VirtualTree` read from the repository, then :func:`diff_tree`), and covers one way the
phases of a plan can touch the same file: a move chain, a file moved then edited, edited then
moved, moved back, deleted and created again, created then moved or deleted, a file moved onto
a path another phase emptied, a user's untracked file rewritten and moved, an executable moved,
a directory moved. Applied one by one in one repository and composed into one in a copy, both
must end byte for byte the same: files (bytes, mode, link target),
directories, the index entry by entry, and ``git status``. A seeded random sequence of the same
edits adds the combinations the rows do not name. Files rotated across phases cannot be one
transaction: they are refused by the composition (and written one by one by the caller).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from restructure.editset import Changes, VirtualTree, apply, diff_tree
from restructure.gitrepo import GitRepo
from restructure.net_changes import NotComposable, compose
from tests.conftest import git, make_repo

FILES = {
    "a.py": "A = 1\n",
    "b.py": "B = 2\n",
    "run.sh": "#!/bin/sh\necho hi\n",
    "pkg/__init__.py": "",
    "pkg/x.py": "X = 1\n",
    "pkg/y.py": "Y = 1\n",
    "docs/notes.md": "# notes\n",
}

Edit = Callable[[VirtualTree], None]


def move(source: str, dest: str) -> Edit:
    return lambda tree: tree.move(source, dest) and None


def write(path: str, text: str) -> Edit:
    return lambda tree: tree.write(path, text)


def delete(path: str) -> Edit:
    return lambda tree: tree.delete(path)


@dataclass
class Row:
    hazard: str
    phases: list[list[Edit]]


ROWS = [
    Row("a move chain across phases", [[move("a.py", "m/a.py")], [move("m/a.py", "n/a.py")]]),
    Row("moved, then edited", [[move("a.py", "m/a.py")], [write("m/a.py", "A = 10\n")]]),
    Row("edited, then moved", [[write("a.py", "A = 10\n")], [move("a.py", "m/a.py")]]),
    Row("edited in two phases", [[write("a.py", "A = 10\n")], [write("a.py", "A = 11\n")]]),
    Row("moved away and back", [[move("a.py", "m/a.py")], [move("m/a.py", "a.py")]]),
    Row("edited and restored", [[write("a.py", "A = 10\n")], [write("a.py", "A = 1\n")]]),
    Row("deleted, then created again", [[delete("a.py")], [write("a.py", "NEW = 1\n")]]),
    Row("created, then moved", [[write("new/c.py", "C = 1\n")], [move("new/c.py", "pkg/c.py")]]),
    Row("created, then deleted", [[write("new/c.py", "C = 1\n")], [delete("new/c.py")]]),
    Row(
        "created, moved, edited",
        [[write("c.py", "C = 1\n")], [move("c.py", "pkg/c.py")], [write("pkg/c.py", "C = 2\n")]],
    ),
    Row("moved onto a path an earlier phase emptied", [[delete("b.py")], [move("a.py", "b.py")]]),
    Row(
        "moved onto a path a later-sorted move emptied (the chain is ordered)",
        [[move("b.py", "old/b.py")], [move("a.py", "b.py")]],
    ),
    Row("moved away, a new file in its place", [[move("a.py", "m/a.py"), write("a.py", "SHIM = 1\n")]]),
    Row(
        "an executable moved and edited",
        [[move("run.sh", "bin/run.sh")], [write("bin/run.sh", "#!/bin/sh\necho bye\n")]],
    ),
    Row(
        "a user's untracked file rewritten, then moved",
        [[write("local.txt", "changed\n")], [move("local.txt", "m/local.txt")]],
    ),
    Row("a directory moved, then a file in it edited", [[move("pkg", "lib/pkg")], [write("lib/pkg/x.py", "X = 2\n")]]),
    Row(
        "a directory emptied across phases",
        [[move("pkg/x.py", "p/x.py")], [move("pkg/y.py", "p/y.py"), delete("pkg/__init__.py")]],
    ),
    Row("deleted after an edit", [[write("docs/notes.md", "# more\n")], [delete("docs/notes.md")]]),
    Row("a phase that changes nothing between two that do", [[write("a.py", "A = 3\n")], [], [move("a.py", "z.py")]]),
]


def _repo(root: Path) -> Path:
    repo = make_repo(root, FILES)
    (repo / "run.sh").chmod(0o755)
    git(repo, "add", "run.sh")
    git(repo, "commit", "-q", "-m", "executable")
    (repo / "local.txt").write_text("a user's untracked file\n")
    return repo


def _state(repo: Path) -> dict[str, object]:
    files: dict[str, object] = {}
    dirs = []
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        if path.is_symlink():
            files[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            dirs.append(rel)
        else:
            files[rel] = (path.stat().st_mode & 0o777, path.read_bytes())

    def out(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout

    return {
        "files": files,
        "dirs": dirs,
        "index": out("ls-files", "-s"),
        "status": out("status", "--porcelain", "-uall"),
    }


def _one_by_one(repo: Path, phases: list[list[Edit]]) -> list[Changes]:
    """Each phase as the engine plans and writes it: on the tree the phase before left."""
    made = []
    for edits in phases:
        tree = VirtualTree.from_paths(repo, GitRepo.open(repo).tracked_files())
        original = list(tree.files)
        for edit in edits:
            edit(tree)
        changes = diff_tree(tree, original)
        if not changes.empty:
            apply(GitRepo.open(repo), changes)
        made.append(changes)
    return made


def _compare(tmp_path: Path, phases: list[list[Edit]]) -> None:
    first = _repo(tmp_path / "one-by-one")
    second = tmp_path / "together"
    shutil.copytree(first, second, symlinks=True)
    made = _one_by_one(first, phases)
    net = compose(made, GitRepo.open(second).tracked_files())
    if not net.empty:
        apply(GitRepo.open(second), net)
    assert _state(second) == _state(first)


@pytest.mark.parametrize("row", ROWS, ids=[r.hazard for r in ROWS])
def test_phases_written_together_leave_what_they_leave_one_by_one(row: Row, tmp_path: Path) -> None:
    _compare(tmp_path, row.phases)


def _random_phases(seed: int) -> list[list[Edit]]:
    """Up to four phases of up to three edits each, over the fixture's paths and new ones;
    each edit is chosen against the tree as the phases before it leave it."""
    rng = random.Random(seed)
    paths = set(FILES) | {"local.txt"}
    phases: list[list[Edit]] = []
    for _ in range(rng.randint(2, 4)):
        edits: list[Edit] = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["move", "write", "write", "delete", "create"])
            existing = sorted(paths)
            if kind == "create" or not existing:
                path = f"gen{rng.randint(0, 3)}/f{rng.randint(0, 5)}.py"
                if path in paths:
                    continue
                edits.append(write(path, f"V = {rng.randint(0, 99)}\n"))
                paths.add(path)
            elif kind == "move":
                source = rng.choice(existing)
                dest = rng.choice(["m", "n", "pkg", "."]) + "/" + source.rsplit("/", 1)[-1] + rng.choice(["", "2"])
                dest = dest.removeprefix("./")
                if dest in paths or dest == source:
                    continue
                edits.append(move(source, dest))
                paths.discard(source)
                paths.add(dest)
            elif kind == "write":
                edits.append(write(rng.choice(existing), f"W = {rng.randint(0, 99)}\n"))
            else:
                path = rng.choice(existing)
                edits.append(delete(path))
                paths.discard(path)
        phases.append(edits)
    return phases


@pytest.mark.parametrize("seed", range(12))
def test_random_phase_sequences_written_together_leave_the_same_tree(seed: int, tmp_path: Path) -> None:
    _compare(tmp_path, _random_phases(seed))


def test_files_rotated_across_phases_are_not_composed(tmp_path: Path) -> None:
    """``a`` to ``t``, ``b`` to ``a``, ``t`` to ``b``: one by one each phase is possible, as one
    transaction the two files would swap places; the caller writes them one by one instead."""
    repo = _repo(tmp_path / "repo")
    original = GitRepo.open(repo).tracked_files()
    made = _one_by_one(repo, [[move("a.py", "t.py")], [move("b.py", "a.py")], [move("t.py", "b.py")]])
    with pytest.raises(NotComposable, match=re.escape("a.py, b.py")):
        compose(made, original)
