"""The pre-flight of ``invoke all``: every phase, run for real, on a scratch copy first.

Why a scratch copy and not the in-memory tree of one phase: phase N+1 plans against the
tree phase N leaves (its moves, its generated packages, its rewritten imports), and only
the engine itself knows that tree. Re-implementing "what would phase N leave" beside the
engine would be a second engine that drifts from the first. So the pre-flight runs the real
engine, phase after phase, each writing into a throw-away clone, and collects what each
phase reports as a problem (a symbol, router, path or patch-target group the plan names and
the code lacks, an empty group, an over-limit output, an ambiguous patch target, a
route-order conflict, a step drifted from the plan, a plan service missing on disk).

The scratch copy:

* lives in a new temporary directory, outside the target's work tree (nothing the target's
  ``git status`` could see), and is deleted afterwards, whatever happens;
* is a ``git clone --shared`` of the target (objects are borrowed, not copied: cheap even for
  a large history) checked out at the target's HEAD, then overlaid with the target's work
  tree as the engine sees it: tracked files as they are on disk (an ``--allow-dirty`` run is
  checked against the dirty tree, committed there as a baseline) and untracked, not-ignored
  files (copied, left untracked, so a step that would delete them is refused there as it
  would be here). Ignored files (caches) are not copied: no phase reads them;
* has no hooks and its own committer identity (for the baseline commit).

A phase there writes its changes as it writes them on the target (moves in the index, files,
deletions, staging) but does not commit: the tree it leaves is its index's (``git
write-tree``), the same tree its commit would hold, and the next phase plans on the work tree
either way. The commits themselves (the renames commit, the phase commit) are made on the
target, where its hooks run; a commit in the scratch copy would prove nothing more and cost
a dozen git commands per phase.

A phase that fails writes nothing (the engine's rule), so the next phase runs on the tree
without it; its problems are still listed, with a note that they may follow from the earlier
failure. The target is not touched: no ref, index entry or file changes, and nothing is
written in its ``.git`` either (the clone borrows objects through ``alternates``, read-only).

When every phase passes, the caller writes each phase's changes, as the pre-flight kept
them, on the target (:func:`restructure.engine.apply_prepared`: the same transaction, the
target's own hooks and identity) instead of planning every phase a second time; after each
phase the target's tree must be the scratch tree after it (same git tree id), or the rest of
the phases run again for real on what the target now holds (a commit hook that rewrote a
file, say). Without ``--commit`` nothing between the phases is ever seen (no commit, no
hook): their changes are composed and written as one transaction
(:func:`restructure.engine.apply_prepared_together`), and only the tree after the last phase
is recorded here and checked there. A dry run is exactly the pre-flight plus the diff between
the scratch baseline and its index after the last phase.

The scratch copy stages with ``core.bigFileThreshold=1``: ``git add`` then streams the blobs
of one call into one pack file instead of a loose object (and a fan-out directory) each.
Creating files is what costs on some file systems, and the scratch copy is thrown away; the
objects, trees and diffs are the same (the diff of a dry run is made with git's default
threshold: over it, a diff shows a text file as "Binary files differ").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from restructure import engine, net_changes
from restructure.editset import Changes
from restructure.gitrepo import GitError, GitRepo
from restructure.plan import Plan, load_plan
from restructure.python import target_formatter
from restructure.report import NOT_FOUND, PhaseReport

#: git's default ``core.bigFileThreshold`` (512 MiB)
GIT_BIG_FILE = "512m"


@dataclass
class PhaseCheck:
    """One phase as the pre-flight ran it."""

    number: int
    title: str
    problems: list[str] = field(default_factory=list)
    text: str = ""  # the phase's report as the engine printed it
    report: PhaseReport | None = None
    changes: Changes | None = None  # what the phase wrote there, to write here the same way
    tree: str = ""  # the scratch tree after the phase (``git`` tree id): the target must match it


@dataclass
class Preflight:
    """Every phase's problems, and the diff of the whole run (for ``--dry-run``)."""

    repo: Path
    phases: list[PhaseCheck] = field(default_factory=list)
    diff: str = ""

    @property
    def failed(self) -> list[PhaseCheck]:
        return [p for p in self.phases if p.problems]

    @property
    def problem_count(self) -> int:
        return sum(len(p.problems) for p in self.phases)

    def to_text(self) -> str:
        numbers = [p.number for p in self.phases]
        span = f"phase {numbers[0]}" if len(numbers) == 1 else f"phases {numbers[0]}-{numbers[-1]}"
        if not self.failed:
            return f"pre-flight: {span} pass on a scratch copy of {self.repo}"
        lines = [
            f"pre-flight: {self.problem_count} problem(s) in {len(self.failed)} phase(s) found by running "
            f"{span} on a scratch copy of {self.repo}; nothing was written"
        ]
        first_failed: int | None = None
        for check in self.failed:
            lines.append(f"  phase {check.number}: {check.title} ({len(check.problems)} problem(s))")
            if first_failed is not None:
                lines.append(f"    (ran without the changes of failed phase {first_failed}; some may follow from it)")
            lines.extend(f"    {problem}" for problem in check.problems)
            first_failed = check.number if first_failed is None else first_failed
        return "\n".join(lines)


def run(
    repo_path: Path | str,
    numbers: Sequence[int],
    plan: Plan,
    with_diff: bool = False,
    echo: Callable[[str], None] | None = None,
    every_tree: bool = True,
) -> Preflight:
    """Run ``numbers`` on a scratch copy of ``repo_path``; the target is left as it is.

    ``echo`` receives each phase's report as the engine prints it (a dry run shows them).
    ``every_tree``: record the tree after every phase (phases written one by one, each checked
    against it), or only after the last (phases written together: only the end is seen)."""
    target = GitRepo.open(repo_path)
    result = Preflight(target.root)
    with scratch_copy(target) as scratch, target_formatter.copy_of(scratch, target.root):
        scratch_plan = _plan_in(scratch, target, plan)
        base = _git(scratch, "rev-parse", "HEAD").strip()
        files = _Files(GitRepo.open(scratch))
        for number in numbers:
            phase = scratch_plan.phase(number)
            check = PhaseCheck(number, phase.title)
            printed: list[str] = []
            try:
                check.report = engine.run_phase(
                    scratch, number, commit=False, allow_dirty=True, echo=printed.append, plan=scratch_plan,
                    keep=lambda changes, check=check: setattr(check, "changes", changes), paths=files.paths,
                    throwaway=True,
                )  # fmt: skip
                files.written(check.changes)
            except engine.PhaseFailed as exc:  # nothing was written
                check.report = exc.report
                check.problems.extend(exc.report.problems)
            except (engine.PhaseError, GitError) as exc:
                check.problems.append(str(exc))
                files.unknown()
            if check.report is not None:
                check.problems.extend(_unknown_services(check.report))
            check.problems = [_in_target(p, scratch, target.root) for p in check.problems]
            if every_tree or number == numbers[-1]:
                check.tree = _git(scratch, "write-tree").strip()  # the phase's changes are staged
            if check.report is not None and not check.problems:  # shown as a dry run: nothing committed here
                check.report.commit, check.report.dry_run = None, True
                printed = [check.report.to_text()]
            check.text = _in_target("\n".join(printed), scratch, target.root)
            if echo is not None and check.text:
                echo(check.text)
            result.phases.append(check)
        if with_diff:
            # git's own threshold again: over the scratch copy's, a diff shows "Binary files differ"
            result.diff = _git(scratch, "-c", f"core.bigFileThreshold={GIT_BIG_FILE}", "diff", "-M", "--cached", base)
    return result


class _Files:
    """The scratch copy's files as :meth:`GitRepo.tracked_files` lists them, carried from one
    phase to the next (:func:`net_changes.files_after`) instead of asking git again: on the
    fixture the listing and the check of every path on disk was 1.5 % of ``invoke all``. A
    phase that moves a user's untracked file (it could land in a git-ignored directory, out of
    git's list) or fails half-way makes the next phase ask git."""

    def __init__(self, repo: GitRepo) -> None:
        self.paths: list[str] | None = repo.tracked_files()
        self.untracked = set(self.paths) - set(repo.tracked_index_files())

    def written(self, changes: Changes | None) -> None:
        if changes is None or self.paths is None:
            return
        if any(source in self.untracked for source, _ in changes.moves):
            self.unknown()
            return
        self.paths = net_changes.files_after(self.paths, changes)
        self.untracked -= set(changes.deletes)

    def unknown(self) -> None:
        """Let every later phase ask git."""
        self.paths = None


def _unknown_services(report: PhaseReport) -> list[str]:
    """A phase for a service the repository does not have: the engine skips it (a re-run on a
    finished tree is not an error), but before a first write it means the plan and the
    repository disagree."""
    return [
        f"{o.detail}: phase {report.phase} is for service {o.service!r}, which is not on disk; "
        "fix the service's name in the plan or remove the phase"
        for o in report.outcomes
        if o.step == "phase" and o.outcome == NOT_FOUND
    ]


def _in_target(text: str, scratch: Path, root: Path) -> str:
    """Messages name files of the target, not of the scratch copy."""
    return text.replace(str(scratch), str(root))


def _plan_in(scratch: Path, target: GitRepo, plan: Plan) -> Plan:
    """A plan file kept in the repository is read from the scratch copy (the engine leaves
    it alone there as it would here); any other plan is used as it is."""
    try:
        relative = Path(plan.path).resolve().relative_to(target.root)
    except (ValueError, TypeError):
        return plan
    copy = scratch / relative
    return load_plan(copy) if copy.is_file() else plan


@contextmanager
def scratch_copy(target: GitRepo) -> Iterator[Path]:
    """A clone of ``target`` at its HEAD holding its work tree as the engine reads it; deleted
    on exit.

    The clone's index is set to HEAD (``read-tree``) without checking the files out: every
    file the engine reads is copied from the target's work tree next (:func:`_overlay`), so
    a checkout would write each file once only for the copy to write it again (on the
    fixture the checkout was 0.3 CPU s, most of the copy's cost)."""
    holder = Path(tempfile.mkdtemp(prefix="restructure-preflight-"))
    scratch = holder / target.root.name
    try:
        config = (("user.name", "restructure pre-flight"), ("user.email", "preflight@localhost"),
                  ("commit.gpgsign", "false"), ("core.hooksPath", os.devnull),
                  ("core.bigFileThreshold", "1"))  # fmt: skip
        settings = [arg for key, value in config for arg in ("-c", f"{key}={value}")]  # written to the clone's config
        _git(holder, "clone", "-q", "--shared", "--no-checkout", *settings, str(target.root), str(scratch))
        head = target.head()
        if head:
            _git(scratch, "read-tree", head)
            _git(scratch, "update-ref", "--no-deref", "HEAD", head)  # detached at it, as a checkout of it
        _overlay(target, scratch)
        yield scratch
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def _overlay(target: GitRepo, scratch: Path) -> None:
    """Make the scratch work tree and index what the engine sees in the target, and commit
    any difference from HEAD as the baseline (a diff starts there). The index starts as
    HEAD's tree with no file on disk: staging every copied file gives each entry its stat."""
    wanted = target.tracked_files()  # tracked and untracked-not-ignored, as on disk
    in_index = set(target.tracked_index_files())
    checked_out = set(_git(scratch, "ls-files", "-z").split("\0")) - {""}  # HEAD's paths
    for rel in wanted:
        source, dest = target.root / rel, scratch / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_symlink() or dest.exists():
            dest.unlink()
        shutil.copy2(source, dest, follow_symlinks=False)
    gone = sorted(checked_out - set(wanted))
    for rel in gone:
        (scratch / rel).unlink(missing_ok=True)
    stage = sorted((set(wanted) & in_index) | set(gone))
    untrack = sorted(checked_out & (set(wanted) - in_index))
    if stage:
        _git(scratch, "add", "-A", "-f", "--pathspec-from-file=-", "--pathspec-file-nul", stdin="\0".join(stage))
    if untrack:
        _git(scratch, "rm", "-q", "--cached", "--pathspec-from-file=-", "--pathspec-file-nul", stdin="\0".join(untrack))
    if _git(scratch, "status", "--porcelain", "--untracked-files=no").strip() or not target.head():
        _git(scratch, "commit", "-q", "--allow-empty", "--no-verify", "-m", "pre-flight baseline: the work tree")


def _git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1"}  # a file named ``*.py`` is a name, not a glob
    done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise GitError(f"pre-flight scratch copy: git {' '.join(args[:3])} failed: {last}")
    return done.stdout
