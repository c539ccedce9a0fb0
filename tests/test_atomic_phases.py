"""Every phase writes everything or nothing, and a second run of any phase changes nothing.

``test_atomic.py`` covers phase 1; this module covers phases 2 to 15 of the default plan
on the main fixture, each on the tree as it is before that phase (phases 1..N-1 run and
committed, built once for the module) plus what a real work tree holds besides tracked
files: an untracked file inside a directory the phase touches (one the phase removes when
there is one, but never one a ``delete`` step removes: the phase refuses to delete a user's
untracked file, a row of ``test_bad_inputs.py``), an ignored bytecode cache beside it (the phase prunes directories left
holding only caches), an ignored ``.env`` and log, an empty directory and a staged change.

Per phase, after counting the writes of a run that goes to the end:

* a failure injected at each write in turn (``RESTRUCTURE_FAULT_AT_WRITE=k``). Running the
  engine once per write would take minutes, so the phase's real change set, recorded from
  that run, is written again with :func:`restructure.editset.apply` (the part that writes
  and rolls back), and each injected failure must name the same write as the real run;
* one full :func:`restructure.engine.run_phase` with a failure half-way through its writes,
  so that the real code path from plan to disk is covered too;
* Ctrl-C half-way through the writes of the real ``invoke phaseN`` command line.

After each, the work tree must be byte-identical: untracked and ignored files, empty
directories, the git index and HEAD. Phases whose steps are all notes (12 and 13) write
nothing; their tests assert exactly that: there is no write to inject a failure at.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

from restructure import editset, engine
from restructure.editset import Changes, InjectedFault
from restructure.gitrepo import GitRepo
from restructure.plan import Plan, load_plan
from restructure.report import PhaseReport
from tests.conftest import MONOREPO, ROOT, git, make_git_copy
from tests.repo_state import State, differences, invoke, porcelain, work_tree_state

pytestmark = pytest.mark.slow  # about a minute and a half, mostly running the phases

FAULT = "RESTRUCTURE_FAULT_AT_WRITE"
SIGINT = "RESTRUCTURE_SIGINT_AT_WRITE"
ALL_PHASES = list(range(1, 16))
FAULT_PHASES = ALL_PHASES[1:]  # phase 1: tests/test_atomic.py


def quiet(_: str) -> None:
    pass


def clone(repo: Path, dest: Path) -> Path:
    """A copy (``.git``, untracked and ignored files included) that a test may change.

    Copied files have new inodes and change times, so the first ``git status`` in the copy
    would rewrite the index's stat cache: that is refreshed here, once, before any test
    takes the "before" state, so that only the tool's own changes to the index show."""
    shutil.copytree(repo, dest, symlinks=True)
    git(dest, "update-index", "-q", "--really-refresh")
    return dest


def is_no_op(plan: Plan, number: int) -> bool:
    """A phase whose steps are all notes: it must not write anything."""
    return all(step.op == "note" for step in plan.phase(number).steps)


@dataclass
class Recorded:
    """What one run of a phase handed to ``apply`` and each write it made, in order."""

    changes: list[Changes] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)


@contextlib.contextmanager
def recording() -> Iterator[Recorded]:
    """Record the change set and the writes of the phases run in the body, which still
    write for real; no failure is injected there whatever the environment says."""
    recorded = Recorded()
    tick, apply = editset._WriteCounter.tick, editset.apply

    def counting(self: editset._WriteCounter, what: str) -> None:
        recorded.writes.append(what)
        tick(self, what)

    def applying(
        repo: GitRepo, changes: Changes, commit_message: str | None = None, throwaway: bool = False
    ) -> str | None:
        recorded.changes.append(changes)
        return apply(repo, changes, commit_message, throwaway)

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(FAULT, raising=False)
        patch.delenv(SIGINT, raising=False)
        patch.setattr(editset._WriteCounter, "tick", counting)
        patch.setattr(editset, "apply", applying)
        if getattr(engine, "apply", None) is apply:  # imported by name into the engine
            patch.setattr(engine, "apply", applying)
        yield recorded


@dataclass
class Chain:
    """The fixture after phases 1..k, each run with ``--commit``, for k = 1..15."""

    plan: Plan
    after: dict[int, Path]  # after[k]: phases 1..k committed
    changes: dict[int, Changes | None]  # what phase k wrote on the clean tree
    reports: dict[int, PhaseReport]


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    """Run every phase once, in order, and keep a copy of the tree after each one."""
    base = tmp_path_factory.mktemp("chain")
    plan = load_plan()
    repo = make_git_copy(MONOREPO, base / "work")
    result = Chain(plan, {}, {}, {})
    for number in ALL_PHASES:
        with recording() as recorded:
            result.reports[number] = engine.run_phase(repo, number, commit=True, echo=quiet, plan=plan)
        assert len(recorded.changes) <= 1, f"phase {number} called apply {len(recorded.changes)} times"
        result.changes[number] = recorded.changes[0] if recorded.changes else None
        assert porcelain(repo) == "", f"phase {number} --commit left changes behind"
        result.after[number] = clone(repo, base / f"after-{number}")
    return result


# --- the tree before phase N, as a user's work tree holds it ---------------------------------


def scope_dir(plan: Plan, number: int) -> str:
    """The phase's service directory, or "" for a phase over the whole repository."""
    scope = plan.phase(number).scope
    return "" if scope in {"all", "repo"} else f"{plan.services_dir}/{scope}{plan.service_suffix}"


def deleted_by_plan(plan: Plan, number: int) -> list[str]:
    """Paths the phase's ``delete`` steps remove: an untracked file there makes the phase refuse
    to run (``test_bad_inputs.py`` has that row), so the untracked file goes elsewhere."""
    root = scope_dir(plan, number)
    return [f"{root}/{s.args['path']}".lstrip("/") for s in plan.phase(number).steps if s.op == "delete"]


def touched_dir(changes: Changes | None, after: Path, fallback: str, refused: list[str]) -> tuple[str, str]:
    """A directory the phase touches, and a path the phase moves, deletes or rewrites.

    The deepest directory the phase removes when there is one (its untracked file is
    moved with it, its cache pruned with it), else the directory of the first file moved,
    deleted or rewritten; never inside a path of ``refused``.
    """
    if changes is None or changes.empty:
        return fallback, f"{fallback}/main.py".lstrip("/")
    gone = [source for source, _ in changes.moves] + changes.deletes
    gone = [p for p in gone if not any(p == r or p.startswith(f"{r}/") for r in refused)]
    mentioned = (gone or sorted(changes.writes))[0]
    parents = {PurePosixPath(p).parent.as_posix() for p in gone}
    removed = sorted((p for p in parents if p != "." and not (after / p).exists()), key=lambda p: (-p.count("/"), p))
    if removed:
        return removed[0], mentioned
    parent = PurePosixPath(mentioned).parent.as_posix()
    return ("" if parent == "." else parent), mentioned


@dataclass
class Extras:
    """The untracked, ignored and staged files added to the tree before a phase."""

    untracked: dict[str, str]
    ignored: dict[str, bytes]
    empty_dir: str
    staged: str


def extras(plan: Plan, number: int, touched: str, mentioned: str) -> Extras:
    root = scope_dir(plan, number)
    inside = f"{touched}/" if touched else ""
    at_root = f"{root}/" if root else ""
    stem = PurePosixPath(mentioned).stem or "module"
    return Extras(
        untracked={
            "notes/todo.txt": f"move {mentioned} by hand?\n",
            f"{inside}scratch_notes.txt": f"local notes beside {mentioned}\n",
        },
        ignored={
            f"{inside}__pycache__/{stem}.cpython-311.pyc": b"\x00compiled",
            f"{at_root}__pycache__/main.cpython-311.pyc": b"\x00compiled",
            f"{at_root}.env": b"SECRET=1\n",
            "debug.log": b"log line\n",
        },
        empty_dir=f"{at_root}empty_dir",
        staged="docs/staged-notes.md",
    )


def add_extras(repo: Path, added: Extras, mentioned: str) -> None:
    (repo / ".gitignore").write_text("__pycache__/\n*.log\n.env\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore caches")
    for rel, text in added.untracked.items():
        assert not (repo / rel).exists(), rel
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    for rel, data in added.ignored.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
    (repo / added.empty_dir).mkdir()
    assert not (repo / added.staged).exists(), added.staged
    (repo / added.staged).parent.mkdir(parents=True, exist_ok=True)
    (repo / added.staged).write_text(f"See `{mentioned}`.\n")
    git(repo, "add", added.staged)


@dataclass
class Prepared:
    """The tree before phase N with the extras (never changed by a test), and what a run
    of phase N to the end does there."""

    number: int
    repo: Path
    extras: Extras
    touched: str
    changes: Changes | None
    writes: list[str]
    report: PhaseReport
    finished: Path  # a copy on which that run went to the end
    finished_before: State  # that copy's state before the run


@dataclass
class Interrupted:
    """``invoke phaseN`` on a fresh copy of a prepared tree, with Ctrl-C at write ``at``:
    the command's result and the copy's state before and after."""

    at: int
    result: subprocess.CompletedProcess[str]
    before: State
    after: State


def interrupt(source: Path, dest: Path, number: int, at: int, env: dict[str, str]) -> Interrupted:
    """Run in a background thread: ``env`` is a snapshot taken by the caller, since the
    tests' ``monkeypatch`` may change ``os.environ`` in the meantime."""
    copy = clone(source, dest)
    before = work_tree_state(copy)
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), f"phase{number}", "--repo", str(copy), "--allow-dirty"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, FAULT: "0", SIGINT: str(at)},
    )
    return Interrupted(at, result, before, work_tree_state(copy))


class PreparedTrees:
    """Each phase's prepared tree, built on first use and shared by this module's tests.

    Building one also starts its Ctrl-C run (a subprocess) in a background thread: it
    overlaps with the in-process runs of the next tests instead of adding to them."""

    def __init__(self, chain: Chain, base: Path, pool: ThreadPoolExecutor) -> None:
        self.chain, self.base, self.pool = chain, base, pool
        self.built: dict[int, Prepared] = {}
        self.interrupted: dict[int, Future[Interrupted]] = {}

    def __call__(self, number: int) -> Prepared:
        if number not in self.built:
            self.built[number] = self._build(number)
            at = max(len(self.built[number].writes) // 2, 1)  # no write at all: the signal is never sent
            env = {k: v for k, v in os.environ.items() if k not in {FAULT, SIGINT}}
            dest = self.base / f"interrupted-{number}"
            self.interrupted[number] = self.pool.submit(interrupt, self.built[number].repo, dest, number, at, env)
        return self.built[number]

    def _build(self, number: int) -> Prepared:
        plan = self.chain.plan
        touched, mentioned = touched_dir(
            self.chain.changes[number], self.chain.after[number], scope_dir(plan, number), deleted_by_plan(plan, number)
        )
        added = extras(plan, number, touched, mentioned)
        repo = clone(self.chain.after[number - 1], self.base / f"before-{number}")
        add_extras(repo, added, mentioned)
        finished = clone(repo, self.base / f"finished-{number}")
        finished_before = work_tree_state(finished)
        with recording() as recorded:
            report = engine.run_phase(finished, number, allow_dirty=True, echo=quiet, plan=plan)
        assert len(recorded.changes) <= 1, f"phase {number} called apply {len(recorded.changes)} times"
        changes = recorded.changes[0] if recorded.changes else None
        return Prepared(number, repo, added, touched, changes, recorded.writes, report, finished, finished_before)


@pytest.fixture(scope="module")
def prepared(chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreparedTrees]:
    with ThreadPoolExecutor(max_workers=1) as pool:
        trees = PreparedTrees(chain, tmp_path_factory.mktemp("prepared"), pool)
        yield trees
        for future in trees.interrupted.values():
            future.cancel()  # not started yet (the session stopped early): never started


@pytest.fixture
def no_injection(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Neither hook armed by the caller's environment; a test arms the one it needs."""
    monkeypatch.delenv(FAULT, raising=False)
    monkeypatch.delenv(SIGINT, raising=False)
    return monkeypatch


# --- the phases really write, and the prepared tree is what it claims to be ------------------


@pytest.mark.parametrize("number", FAULT_PHASES)
def test_each_phase_writes_unless_it_is_only_notes(chain: Chain, prepared: PreparedTrees, number: int) -> None:
    tree = prepared(number)
    if is_no_op(chain.plan, number):
        assert tree.writes == [] and tree.changes is None and not tree.report.changed, (
            f"phase {number} is only notes: it must make no write, so there is no write to inject a failure at"
        )
        after = work_tree_state(tree.finished)
        assert after == tree.finished_before, differences(tree.finished_before, after)
        return
    assert tree.report.changed and tree.changes is not None and not tree.changes.empty
    kinds = {what.split()[0] for what in tree.writes}
    assert len(tree.writes) >= 2 and kinds <= {"move", "write", "delete", "rmdir", "git"}, tree.writes
    # the untracked file sits in a directory the phase moves files out of, deletes from or
    # rewrites in
    gone = [source for source, _ in tree.changes.moves] + tree.changes.deletes
    prefix = f"{tree.touched}/" if tree.touched else ""
    assert any(p.startswith(prefix) for p in [*gone, *tree.changes.writes]), (tree.touched, gone)
    if not (tree.finished / tree.touched).exists():  # removed (phase 14's app/), its cache with it
        removed = [w.removeprefix("rmdir ") + "/" for w in tree.writes if w.startswith("rmdir ")]
        assert any((tree.touched + "/").startswith(r) for r in removed), tree.writes


@pytest.mark.parametrize("number", FAULT_PHASES)
def test_a_finished_run_keeps_untracked_ignored_and_staged_files(prepared: PreparedTrees, number: int) -> None:
    tree = prepared(number)
    status = porcelain(tree.finished).splitlines()
    assert "?? notes/todo.txt" in status, status
    assert f"A  {tree.extras.staged}" in status, status  # rewritten or not, still staged
    for rel in ("debug.log", f"{scope_dir(prepared.chain.plan, number)}/.env".lstrip("/")):
        assert (tree.finished / rel).read_bytes() == tree.extras.ignored[rel], rel


# --- a failure at every write -----------------------------------------------------------------


@pytest.mark.parametrize("number", FAULT_PHASES)
def test_a_failure_at_any_write_leaves_the_tree_byte_identical(
    chain: Chain, prepared: PreparedTrees, number: int, tmp_path: Path, no_injection: pytest.MonkeyPatch
) -> None:
    tree = prepared(number)
    if tree.changes is None:
        assert is_no_op(chain.plan, number) and tree.writes == [], (
            f"phase {number} changes nothing: there is no write to inject a failure at"
        )
        return
    copy = clone(tree.repo, tmp_path / "monorepo")
    repo = GitRepo.open(copy)
    before = work_tree_state(copy)
    problems: list[str] = []
    for number_of_write, what in enumerate(tree.writes, start=1):
        no_injection.setenv(FAULT, str(number_of_write))
        try:
            editset.apply(repo, tree.changes)
        except InjectedFault as exc:
            if str(exc) != f"injected failure at write {number_of_write} ({what})":
                problems.append(f"write {number_of_write}: expected the failure at {what!r}, got {exc}")
        else:
            problems.append(f"write {number_of_write} ({what}): the writes ran to the end")
            break
        after = work_tree_state(copy)
        if after != before:
            problems.append(f"write {number_of_write} ({what}): {differences(before, after)}")
            break
    assert problems == [], f"phase {number}, {len(tree.writes)} writes"


@pytest.mark.parametrize("number", FAULT_PHASES)
def test_a_failure_half_way_through_a_full_run_leaves_the_tree_byte_identical(
    chain: Chain, prepared: PreparedTrees, number: int, tmp_path: Path, no_injection: pytest.MonkeyPatch
) -> None:
    """The whole path from the plan to the disk, failing at the middle write."""
    tree = prepared(number)
    copy = clone(tree.repo, tmp_path / "monorepo")
    before = work_tree_state(copy)
    if not tree.writes:
        no_injection.setenv(FAULT, "1")
        report = engine.run_phase(copy, number, allow_dirty=True, echo=quiet, plan=chain.plan)
        assert not report.changed, f"phase {number} changes nothing: there is no write to inject a failure at"
    else:
        middle = len(tree.writes) // 2
        no_injection.setenv(FAULT, str(middle))
        expected = re.escape(f"injected failure at write {middle} ({tree.writes[middle - 1]})")
        with pytest.raises(InjectedFault, match=f"^{expected}$"):
            engine.run_phase(copy, number, allow_dirty=True, echo=quiet, plan=chain.plan)
    after = work_tree_state(copy)
    assert after == before, differences(before, after)


# --- Ctrl-C through the command line ----------------------------------------------------------


@pytest.mark.parametrize("number", FAULT_PHASES)
def test_ctrl_c_half_way_through_the_writes_leaves_the_tree_byte_identical(
    prepared: PreparedTrees, number: int
) -> None:
    """Through ``invoke phaseN``; the run itself was started when the tree was prepared."""
    tree = prepared(number)
    outcome = prepared.interrupted[number].result(timeout=900)
    result = outcome.result
    if not tree.writes:
        assert result.returncode == 0, result.stderr
        assert "  nothing to change\n" in result.stdout, (
            f"phase {number} changes nothing: there is no write to interrupt\n{result.stdout}"
        )
    else:
        assert outcome.at == len(tree.writes) // 2 >= 1
        assert result.returncode != 0, result.stdout[-2000:]
        assert result.stderr.strip().splitlines() == [
            f"error: interrupted: phase {number} wrote nothing, the work tree is as it was"
        ], result.stderr
    assert outcome.after == outcome.before, differences(outcome.before, outcome.after)


# --- a second run changes nothing ---------------------------------------------------------------


@pytest.mark.parametrize("number", ALL_PHASES)
def test_a_second_run_changes_nothing(
    chain: Chain, number: int, tmp_path: Path, no_injection: pytest.MonkeyPatch
) -> None:
    """Phase N on the tree after phases 1..N: in process (the report) and as ``invoke phaseN``."""
    assert chain.reports[number].changed != is_no_op(chain.plan, number)  # the first run did change things
    copy = clone(chain.after[number], tmp_path / "monorepo")
    before = work_tree_state(copy)

    report = engine.run_phase(copy, number, commit=True, echo=quiet, plan=chain.plan)
    assert not report.changed, (report.moves, report.created, report.deleted, report.files_rewritten)
    assert report.commit is None and report.needs_human == []
    after = work_tree_state(copy)
    assert after == before, differences(before, after)

    result = invoke(copy, f"phase{number}", "--repo", str(copy), "--commit")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert result.stderr == ""
    assert "  nothing to change\n" in result.stdout, result.stdout
    after = work_tree_state(copy)
    assert after == before, differences(before, after)
