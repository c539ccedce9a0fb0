"""Every fixture through every phase of its own plan: in order, idempotent, and atomic.

Each fixture under ``compose-fixtures/`` (the main one with the shipped default plan, the
others with the ``restructure-plan.yaml`` they carry, as ``invoke demo --fixture`` picks it)
runs on a scratch git copy, every phase of its plan in the plan's order with ``--commit``:

* no phase fails, and each report tells the truth about git: a phase that reports a change
  made exactly one commit on top of the previous one, holding exactly the paths the report
  names (moved, created, deleted, modified); a phase that reports none made no commit. A step
  reported "done" (other than a check or a note) means the phase changed something;
* a second run of each phase, right after it, changes nothing: the same files, index, HEAD;
  no commit, no step "done" but checks and notes. ``invoke all --commit`` on the finished
  tree says "nothing to change" for every phase, and ``invoke status`` reads every phase done;
* in a middle phase (the writing phase nearest the middle of those that write something and
  run a step of the kind the row injects), a fault at a file write and at each git step
  (``git mv``, ``git add`` staging new files and removals, ``git commit``), Ctrl-C while the commit runs,
  and a pre-commit hook that refuses, leave the work tree, file modes, the index, HEAD and its
  branch exactly as they were. Before each, a file the phase moves is made executable (and
  committed): a rollback that writes bytes back without the mode fails the row.

``test_atomic_phases.py`` injects a failure at every write of every phase of the default plan;
this module covers every fixture and the git steps of a committing phase.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from restructure import demo, engine
from restructure.editset import Changes, InjectedFault
from restructure.plan import Plan, load_plan
from restructure.report import DONE, FAILED, PhaseReport
from tests.conftest import FIXTURES, git, make_git_copy
from tests.repo_state import invoke, porcelain, tree_state
from tests.test_atomic_phases import FAULT, SIGINT, clone, quiet, recording
from tests.test_git_transaction import REFUSING_HOOK, changed, hook, snapshot

pytestmark = pytest.mark.slow

NAMES = sorted(d.name for d in FIXTURES.iterdir() if (d / "services").is_dir())

# the git steps of the transaction, as the fault-injection hook names them (``editset.apply``)
GIT_STEPS = ["move", "git add", "git commit"]
# the kinds of step a fault is injected at: a file write, then every git step
FAULT_KINDS = ["write", *GIT_STEPS]


def plan_path(name: str) -> Path | None:
    """The plan ``invoke demo --fixture NAME`` uses: the fixture's own, else the default."""
    return demo.fixture_plan(name)


def plan_args(name: str) -> list[str]:
    path = plan_path(name)
    return ["--plan", str(path)] if path else []


def writes_nothing(step: str) -> bool:
    """A check or a note: "done" there means checked or said, never written."""
    return step.startswith(("note", "check-"))


def index_state(repo: Path) -> dict[str, str]:
    """Every file's bytes, the index's content (mode, object, path per entry) and HEAD.

    The raw index file is left out: git may refresh its stat cache at any ``git status``
    (a file written in the same second as the index), which changes no entry."""
    state = {k: v for k, v in tree_state(repo).items() if k != ".git/index"}
    state["git ls-files -s"] = git(repo, "ls-files", "-s")
    state["git status"] = porcelain(repo, ignored=True)
    return state


def step_kind(what: str) -> str:
    """``move a.py`` -> ``move``; ``git add (3 paths)`` -> ``git add``; ``write x`` -> ``write``."""
    for kind in GIT_STEPS:
        if what == kind or what.startswith(kind + " "):
            return kind
    return what.split(" ", 1)[0]


@dataclass
class Run:
    """One phase of the chain: the run that did the work and the run right after it."""

    number: int
    before: Path  # a copy of the tree before the phase (``.git`` included)
    head_before: str
    head_after: str
    report: PhaseReport
    changes: Changes | None
    steps: list[str]  # the transaction's steps, in order, as the fault-injection hook counts them
    again: PhaseReport  # the second run
    again_changed: list[str]  # what the second run changed (paths of index_state), if anything


@dataclass
class Chain:
    name: str
    plan: Plan
    repo: Path  # after every phase
    runs: dict[int, Run] = field(default_factory=dict)

    def writing(self) -> list[int]:
        return [n for n, run in self.runs.items() if run.changes is not None and not run.changes.empty]

    def middle(self, kind: str) -> tuple[Run, int]:
        """The writing phase nearest the middle that has a step of ``kind``, and that step's
        number (1-based, as ``RESTRUCTURE_FAULT_AT_WRITE`` counts)."""
        writing = self.writing()
        centre = writing[len(writing) // 2]
        having = [n for n in writing if any(step_kind(s) == kind for s in self.runs[n].steps)]
        assert having, f"{self.name}: no phase of its plan has a {kind!r} step: {kind} faults are never tried"
        number = min(having, key=lambda n: (abs(writing.index(n) - writing.index(centre)), n))
        run = self.runs[number]
        kinds = [step_kind(s) for s in run.steps]
        positions = [i for i, k in enumerate(kinds, start=1) if k == kind]
        return run, positions[len(positions) // 2]


def run_chain(name: str, base: Path) -> Chain:
    plan = load_plan(plan_path(name))
    repo = make_git_copy(FIXTURES / name, base / "work")
    chain = Chain(name, plan, repo)
    for number in plan.phases:  # the plan's order
        before = clone(repo, base / f"before-{number}")
        head_before = git(repo, "rev-parse", "HEAD").strip()
        with recording() as recorded:
            report = engine.run_phase(repo, number, commit=True, echo=quiet, plan=plan)
        assert len(recorded.changes) <= 1, f"{name} phase {number} called apply {len(recorded.changes)} times"
        head_after = git(repo, "rev-parse", "HEAD").strip()
        git(repo, "update-index", "-q", "--really-refresh")
        state = index_state(repo)
        again = engine.run_phase(repo, number, commit=True, echo=quiet, plan=plan)
        after = index_state(repo)
        again_changed = sorted(k for k in state.keys() | after.keys() if state.get(k) != after.get(k))
        chain.runs[number] = Run(
            number,
            before,
            head_before,
            head_after,
            report,
            recorded.changes[0] if recorded.changes else None,
            recorded.writes,
            again,
            again_changed,
        )
    return chain


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Chain]:
    """Each fixture's chain, built on first use and shared by the tests of this module."""

    class Lazy(dict[str, Chain]):
        def __missing__(self, name: str) -> Chain:
            self[name] = run_chain(name, tmp_path_factory.mktemp(f"chain-{name}"))
            return self[name]

    return Lazy()


def test_every_fixture_is_covered() -> None:
    """The fixtures the other tests name are all here (a renamed one would drop out silently)."""
    assert {"monorepo", "harbour", "legacy", "allotment"} <= set(NAMES)


# --- every phase runs, in order, and says what it did ---------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_phase_runs_in_order_and_commits_what_it_reports(chains: dict[str, Chain], name: str) -> None:
    chain = chains[name]
    assert list(chain.runs) == list(chain.plan.phases), "every phase of the plan ran, in its order"
    problems = []
    for number, run in chain.runs.items():
        report = run.report
        failed = [o for o in report.outcomes if o.outcome == FAILED]
        if report.failed or failed:
            problems.append(f"phase {number} failed: {report.problems or failed}")
            continue
        done = [o.step for o in report.outcomes if o.outcome == DONE and not writes_nothing(o.step)]
        if bool(done) != report.changed:
            problems.append(f"phase {number}: steps done {done} but changed={report.changed}")
        if not report.changed:
            if report.commit is not None or run.head_after != run.head_before:
                problems.append(f"phase {number} reports no change but moved HEAD")
            continue
        if report.commit != run.head_after:
            problems.append(f"phase {number}: reports commit {report.commit}, HEAD is {run.head_after}")
            continue
        parent = git(chain.repo, "rev-parse", f"{run.head_after}^").strip()
        if report.renames_commit is not None:  # the whole-file moves first, alone, at 100 %
            first = git(chain.repo, "rev-parse", f"{report.renames_commit}^").strip()
            renames = git(chain.repo, "diff", "-M100%", "--name-status", run.head_before, report.renames_commit)
            pairs = sorted(tuple(line.split("\t")[1:]) for line in renames.splitlines())
            if parent != report.renames_commit or first != run.head_before:
                problems.append(f"phase {number}: its renames and phase commits are not on top of the last phase's")
            elif pairs != sorted(map(tuple, report.moves)):
                problems.append(f"phase {number}: the renames commit holds more or less than its moves:\n{renames}")
        elif parent != run.head_before:
            problems.append(f"phase {number}: its commit is not on top of the previous phase's")
        committed = set(
            git(chain.repo, "diff", "--no-renames", "--name-only", run.head_before, run.head_after).splitlines()
        )
        reported = {p for pair in report.moves for p in pair} | set(report.created + report.deleted + report.modified)
        if committed != reported:
            problems.append(
                f"phase {number}: committed but not reported {sorted(committed - reported)[:5]}, "
                f"reported but not committed {sorted(reported - committed)[:5]}"
            )
        uncommitted = sorted(set(report.files_rewritten) - committed)
        if uncommitted:
            problems.append(f"phase {number}: rewrote {uncommitted[:5]} but did not commit them")
    assert problems == []
    assert porcelain(chain.repo) == "", "the phases left changes uncommitted"
    assert chain.writing(), f"{name}: no phase of its plan changed anything"


@pytest.mark.parametrize("name", NAMES)
def test_status_reads_every_phase_as_done(chains: dict[str, Chain], name: str) -> None:
    rows = engine.status(chains[name].repo, plan_path(name))
    assert {row.phase for row in rows} == set(chains[name].plan.phases)
    left = [(row.phase, row.service, row.state) for row in rows if row.state not in {"done", "not applicable"}]
    assert left == []


# --- idempotence --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_second_run_of_each_phase_changes_nothing(chains: dict[str, Chain], name: str) -> None:
    problems = []
    for number, run in chains[name].runs.items():
        again = run.again
        done = [o.step for o in again.outcomes if o.outcome == DONE and not writes_nothing(o.step)]
        if again.failed or again.changed or again.commit is not None or done or run.again_changed:
            problems.append(
                f"phase {number}: failed={again.problems} changed={again.changed} commit={again.commit} "
                f"done={done} changed paths={run.again_changed[:5]}"
            )
        first = [(o.service, o.step.split(" (")[0]) for o in run.report.outcomes]
        second = [(o.service, o.step.split(" (")[0]) for o in again.outcomes]
        if len(first) != len(second):
            problems.append(f"phase {number}: {len(first)} step outcomes the first time, {len(second)} the second")
    assert problems == []


@pytest.mark.parametrize("name", NAMES)
def test_invoke_all_on_the_finished_tree_changes_nothing(chains: dict[str, Chain], name: str) -> None:
    repo = chains[name].repo
    git(repo, "update-index", "-q", "--really-refresh")
    before = index_state(repo)
    result = invoke(repo, "all", "--repo", str(repo), "--commit", *plan_args(name))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert result.stderr == ""
    headers = [int(n) for n in re.findall(r"^Phase (\d+): ", result.stdout, re.MULTILINE)]
    assert headers == list(chains[name].plan.phases)
    assert result.stdout.count("\n  nothing to change\n") == len(headers), result.stdout[-3000:]
    after = index_state(repo)
    assert after == before, sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))[:5]


# --- atomicity in a middle phase ------------------------------------------------------------------


def prepare_faulted(run: Run, dest: Path) -> tuple[Path, str]:
    """A copy of the tree before ``run``'s phase where a file the phase moves (or else
    rewrites, or else deletes: a split that only creates a package) is executable, committed;
    returns the copy and that file."""
    copy = clone(run.before, dest)
    assert run.changes is not None
    moved = [source for source, _ in run.changes.moves]
    rewritten = [p for p in run.changes.writes if (copy / p).is_file()]
    deleted = [p for p in run.changes.deletes if (copy / p).is_file()]
    target = (moved or rewritten or deleted)[0]
    full = copy / target
    full.chmod(full.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    git(copy, "add", target)
    git(copy, "commit", "-q", "-m", f"make {target} executable")
    git(copy, "update-index", "-q", "--really-refresh")
    assert "100755" in git(copy, "ls-files", "-s", "--", target)
    return copy, target


@pytest.mark.parametrize("kind", FAULT_KINDS)
@pytest.mark.parametrize("name", NAMES)
def test_a_fault_at_a_step_of_a_middle_phase_leaves_everything_as_it_was(
    chains: dict[str, Chain], name: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write fails before it touches the disk; a git command fails after it ran (a commit
    made is undone)."""
    chain = chains[name]
    run, at = chain.middle(kind)
    what = run.steps[at - 1]
    copy, executable = prepare_faulted(run, tmp_path / name)
    before = snapshot(copy)
    monkeypatch.delenv(SIGINT, raising=False)
    monkeypatch.setenv(FAULT, str(at))
    with pytest.raises(InjectedFault, match=f"^{re.escape(f'injected failure at write {at} ({what})')}$"):
        engine.run_phase(copy, run.number, commit=True, echo=quiet, plan=chain.plan)
    after = snapshot(copy)
    assert after == before, (f"phase {run.number}, step {at} ({what})", changed(before, after))
    assert os.access(copy / executable, os.X_OK), executable


@pytest.mark.parametrize("name", NAMES)
def test_ctrl_c_while_a_middle_phase_commits_leaves_everything_as_it_was(
    chains: dict[str, Chain], name: str, tmp_path: Path
) -> None:
    """Through ``invoke phaseN --commit``: git finishes the commit, then all of it is undone."""
    chain = chains[name]
    run, at = chain.middle("git commit")
    copy, _ = prepare_faulted(run, tmp_path / name)
    committed = tmp_path / "committed"
    hook(copy, "post-commit", f"#!/bin/sh\ntouch '{committed}'\n")
    before = snapshot(copy)
    result = invoke(
        copy, f"phase{run.number}", "--repo", str(copy), "--commit", *plan_args(name), env={FAULT: "0", SIGINT: str(at)}
    )
    assert result.returncode != 0, result.stdout[-2000:]
    assert result.stderr.strip().splitlines() == [
        f"error: interrupted: phase {run.number} wrote nothing, the work tree is as it was"
    ], result.stderr
    assert committed.exists(), "the interrupt came before the commit: nothing was undone"
    after = snapshot(copy)
    assert after == before, changed(before, after)


@pytest.mark.parametrize("name", NAMES)
def test_a_refusing_pre_commit_hook_in_a_middle_phase_leaves_everything_as_it_was(
    chains: dict[str, Chain], name: str, tmp_path: Path
) -> None:
    chain = chains[name]
    run, _ = chain.middle("git commit")
    copy, _ = prepare_faulted(run, tmp_path / name)
    path = hook(copy, "pre-commit", REFUSING_HOOK)
    before = snapshot(copy)
    result = invoke(copy, f"phase{run.number}", "--repo", str(copy), "--commit", *plan_args(name))
    assert result.returncode != 0, result.stdout[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "the phase was undone" in lines[0], result.stderr
    after = snapshot(copy)
    assert after == before, changed(before, after)
