"""The pre-flight carries the scratch copy's file list from phase to phase, exactly as git lists it.

Instead of asking git for the work tree's files at the start of every phase, the pre-flight
gives each phase the list the phase before it left (:func:`restructure.net_changes.files_after`).
On every fixture, for every phase, the list carried must be the list git gives at that moment
(a spy on the engine compares them; nothing is replaced). A user's untracked file that a phase
moves could leave git's list (into a git-ignored directory): the next phases ask git again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from restructure import engine, preflight
from restructure.editset import Changes
from restructure.gitrepo import GitRepo
from restructure.net_changes import files_after
from restructure.plan import load_plan
from tests.conftest import FIXTURES, make_git_copy


@pytest.mark.parametrize("fixture", ["monorepo", "legacy", "harbour"])
def test_every_phase_gets_the_files_git_would_list(
    fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_git_copy(FIXTURES / fixture, tmp_path / fixture)
    own = FIXTURES / fixture / "restructure-plan.yaml"
    plan = load_plan(own if own.is_file() else None)
    real = engine.run_phase
    carried: list[int] = []

    def spy(repo_path: Path | str, number: int, *args: object, paths: list[str] | None = None, **kwargs: object):
        if paths is not None:
            assert paths == GitRepo.open(repo_path).tracked_files(), f"phase {number}"
            carried.append(number)
        return real(repo_path, number, *args, paths=paths, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "run_phase", spy)
    result = preflight.run(repo, sorted(plan.phases), plan)
    assert not result.failed, result.to_text()
    assert carried == sorted(plan.phases), "every phase got the carried list"


def test_the_list_follows_moves_writes_and_deletions() -> None:
    changes = Changes(moves=[("a.py", "pkg/a.py")], writes={"pkg/a.py": "A\n", "new.py": "N\n"}, deletes=["old.py"])
    assert files_after(["a.py", "b.py", "old.py"], changes) == ["b.py", "new.py", "pkg/a.py"]


def test_a_moved_untracked_file_makes_the_next_phases_ask_git() -> None:
    files = preflight._Files.__new__(preflight._Files)
    files.paths, files.untracked = ["a.py", "notes.txt"], {"notes.txt"}
    files.written(Changes(moves=[("a.py", "b.py")], writes={}, deletes=[]))
    assert files.paths == ["b.py", "notes.txt"]
    files.written(Changes(moves=[("notes.txt", "build/notes.txt")], writes={}, deletes=[]))
    assert files.paths is None
    files.written(Changes(moves=[], writes={"c.py": ""}, deletes=[]))
    assert files.paths is None, "once unknown, git is asked"
