"""A phase writes everything or nothing: a failure injected at every write, and Ctrl-C
half-way, leave the work tree byte-identical, untracked and ignored files and the git
index included.

The copy holds what a real work tree holds besides tracked files: untracked files (one
inside a directory that phase 1 moves), ignored files (bytecode caches that the phase
removes with the directories they sit in, a log, an ``.env`` inside an ``app/``), an
empty directory, and a staged change. Phase 1 runs in-process for the injected failures
(``RESTRUCTURE_FAULT_AT_WRITE=N`` for every N) and as the ``invoke`` command for Ctrl-C
(``RESTRUCTURE_SIGINT_AT_WRITE``).

Computing a phase's edits is deterministic and in memory; to run it once per write, the
LibCST parse and rewrite of each file are memoized across the runs of this module. The
writes, the thing under test, happen for real every time.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest

from restructure import check_references, editset, engine
from restructure.editset import InjectedFault
from restructure.plan import load_plan
from tests.conftest import MONOREPO, git, make_git_copy
from tests.repo_state import differences, invoke, porcelain, work_tree_state
from tests.test_phases import phase1_expectations

WORKERS = max(2, min(4, os.cpu_count() or 2))

UNTRACKED = {
    "notes/todo.txt": "move services/academy_service/app/main.py by hand?\n",
    "services/members_service/app/tests/scratch_notes.txt": "local notes inside a moved directory\n",
}
IGNORED = {
    "services/academy_service/app/__pycache__/main.cpython-311.pyc": b"\x00compiled",
    "services/members_service/app/tests/__pycache__/conftest.cpython-311.pyc": b"\x00compiled",
    "services/events_service/app/api/__pycache__/__init__.cpython-311.pyc": b"\x00compiled",
    "debug.log": b"log line\n",
    "services/ai_service/app/.env": b"SECRET=1\n",
}


def prepare(repo: Path) -> Path:
    (repo / ".gitignore").write_text("__pycache__/\n*.log\n.env\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore caches")
    for rel, text in UNTRACKED.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    for rel, data in IGNORED.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
    (repo / "services" / "sessions_service" / "app" / "empty_dir").mkdir()
    (repo / "docs").mkdir()
    (repo / "docs" / "staged.md").write_text("Run `uvicorn services.events_service.app.main:app`.\n")
    git(repo, "add", "docs/staged.md")
    return repo


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(make_git_copy(MONOREPO, tmp_path_factory.mktemp("atomic") / "monorepo"))


@pytest.fixture(scope="module")
def memoized_rewrites() -> Iterator[None]:
    """Parse each source text once, rewrite each parsed file once and judge each phase tree's
    references once, for the whole module."""
    parse, rewrite = cst.parse_module, engine.rewrite_python
    parsed: dict[str, cst.Module] = {}
    rewritten: dict[tuple[int, str, str, tuple], object] = {}

    def cached_parse(source, *args, **kwargs):
        if args or kwargs or not isinstance(source, str):
            return parse(source, *args, **kwargs)
        if source not in parsed:
            parsed[source] = parse(source)
        return parsed[source]

    def cached_rewrite(module, old_path, new_path, relocation, text):
        key = (id(module), old_path, new_path, tuple(sorted({**relocation.modules, **relocation.paths}.items())))
        if key not in rewritten:
            rewritten[key] = rewrite(module, old_path, new_path, relocation, text)
        return rewritten[key]

    gate = check_references.gate
    gated: dict[tuple, object] = {}

    def cached_gate(root, original, tree, roots, old=None):
        # the faults here come after the gate (at writes); the same tree on the same disk
        # (rolled back, which the tests assert) gives the same verdict, so it is judged once
        key = (str(root), tuple(original), tuple(sorted(tree.files.items())), tuple(sorted(tree.texts.items())))
        if key not in gated:
            gated[key] = gate(root, original, tree, roots, old)
        return gated[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cst, "parse_module", cached_parse)
        patch.setattr(engine, "rewrite_python", cached_rewrite)
        patch.setattr(check_references, "gate", cached_gate)
        yield


def quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def writes(prepared: Path, tmp_path_factory: pytest.TempPathFactory, memoized_rewrites) -> int:
    """How many writes phase 1 makes here: count them on a copy that runs to the end."""
    copy = tmp_path_factory.mktemp("count") / "monorepo"
    shutil.copytree(prepared, copy, symlinks=True)
    seen: list[str] = []
    tick = editset._WriteCounter.tick

    def counting(self, what: str) -> None:
        seen.append(what)
        tick(self, what)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(editset._WriteCounter, "tick", counting)
        report = engine.run_phase(copy, 1, allow_dirty=True, echo=quiet)
    assert report.changed and not (copy / "services" / "academy_service" / "app" / "main.py").exists()
    kinds = {what.split()[0] for what in seen}
    assert {"move", "write", "delete", "rmdir"} <= kinds, kinds
    return len(seen)


def test_the_finished_run_keeps_untracked_and_ignored_files(prepared: Path, tmp_path: Path, memoized_rewrites) -> None:
    copy = tmp_path / "monorepo"
    shutil.copytree(prepared, copy, symlinks=True)
    engine.run_phase(copy, 1, allow_dirty=True, echo=quiet)
    assert (copy / "notes" / "todo.txt").read_text() == "move services/academy_service/main.py by hand?\n"
    assert (copy / "services/members_service/tests/scratch_notes.txt").is_file()
    assert (copy / "services/ai_service/app/.env").read_bytes() == b"SECRET=1\n"
    status = porcelain(copy)
    # untracked files stay untracked (rewritten or moved), the staged file stays staged
    assert "?? notes/todo.txt" in status.splitlines()
    assert "?? services/members_service/tests/scratch_notes.txt" in status.splitlines()
    assert "A  docs/staged.md" in status.splitlines()
    assert (copy / "docs" / "staged.md").read_text() == "Run `uvicorn services.events_service.main:app`.\n"


def _fail_at_each(repo: Path, numbers: list[int]) -> list[str]:
    """Run phase 1 on ``repo`` with a failure injected at each write in ``numbers``; the
    problems found (stops at the first tree that is not the original any more)."""
    plan = load_plan()
    before = work_tree_state(repo)
    for number in numbers:
        os.environ["RESTRUCTURE_FAULT_AT_WRITE"] = str(number)
        try:
            engine.run_phase(repo, 1, allow_dirty=True, echo=quiet, plan=plan)
        except InjectedFault as exc:
            if f"at write {number} " not in str(exc):
                return [f"write {number}: unexpected {exc}"]
        else:
            return [f"write {number}: the phase ran to the end"]
        after = work_tree_state(repo)
        if after != before:
            return [f"write {number}: {differences(before, after)}"]
    return []


@pytest.mark.slow
def test_a_failure_at_any_write_leaves_the_tree_byte_identical(
    prepared: Path, writes: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one step per file phase 1 moves (counted in the fixture), besides its writes and deletions
    moved, _, _ = phase1_expectations()
    assert writes > moved > 0
    monkeypatch.setenv("RESTRUCTURE_FAULT_AT_WRITE", "0")  # the workers set it; restored afterwards
    # Every N from 1 to the last write, shared out to forked workers, each on its own copy
    # of the prepared tree (identical bytes, untracked and ignored files included).
    copies = []
    for index in range(WORKERS):
        copies.append(tmp_path / f"copy{index}")
        shutil.copytree(prepared, copies[-1], symlinks=True)
    numbers = list(range(1, writes + 1))
    jobs = [(copy, numbers[index::WORKERS]) for index, copy in enumerate(copies)]
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        problems = [p for found in pool.starmap(_fail_at_each, jobs) for p in found]
    assert problems == []


def test_a_failure_past_the_last_write_is_not_injected(prepared: Path, writes: int, tmp_path: Path) -> None:
    copy = tmp_path / "monorepo"
    shutil.copytree(prepared, copy, symlinks=True)
    result = invoke(
        copy, "phase1", "--repo", str(copy), "--allow-dirty", env={"RESTRUCTURE_FAULT_AT_WRITE": str(writes + 1)}
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_ctrl_c_during_the_writes_leaves_the_tree_byte_identical(prepared: Path, writes: int, where: str) -> None:
    number = {"first": 1, "middle": writes // 2, "last": writes}[where]
    before = work_tree_state(prepared)
    result = invoke(
        prepared, "phase1", "--repo", str(prepared), "--allow-dirty", env={"RESTRUCTURE_SIGINT_AT_WRITE": str(number)}
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert result.stderr.strip().splitlines() == [
        "error: interrupted: phase 1 wrote nothing, the work tree is as it was"
    ], result.stderr
    after = work_tree_state(prepared)
    assert after[1] == before[1]
    assert after[0] == before[0]
