"""A phase is one transaction, git included: moves, writes, deletions, ``git add`` and the
commit happen together, or the work tree, the index, HEAD and its branch, file modes and
symlinks stay exactly as they were.

The small repository here holds what a rollback used to get wrong: an executable script and
an executable module (``git mv`` keeps mode 100755; writing the moved module must keep it
too), a symlink (a rollback that writes bytes back turns it into a regular file), a deleted
file (its removal staged by ``git add -A``) and a new package (``git add``). Each row breaks the transaction at
a different place (a commit hook that refuses, a failing ``git mv``, a failing ``git add``, a
failure injected at each step, Ctrl-C while a git command runs) through the real ``invoke``
command line, and compares everything git and the file system can show.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from restructure import editset, engine
from tests.conftest import MONOREPO, git, make_git_copy
from tests.repo_state import invoke

SERVICE = "services/alpha_service"
FILES = {
    "services/__init__.py": "",
    f"{SERVICE}/__init__.py": "",
    f"{SERVICE}/app/__init__.py": "",
    f"{SERVICE}/app/main.py": (
        "#!/usr/bin/env python3\nfrom fastapi import FastAPI\n\nfrom services.alpha_service.app import helpers\n\n"
        "app = FastAPI()\n"
    ),
    f"{SERVICE}/app/helpers.py": 'def greet() -> str:\n    return "hi"\n',
    f"{SERVICE}/app/scripts/run.sh": "#!/bin/sh\necho alpha\n",
    f"{SERVICE}/app/obsolete.txt": "old\n",
}
EXECUTABLE = [f"{SERVICE}/app/main.py", f"{SERVICE}/app/scripts/run.sh"]
SYMLINKS = {f"{SERVICE}/app/scripts/latest.sh": "run.sh"}
# a tracked file inside a git-ignored directory (force-added once), as real repositories have
IGNORED_DIR = "build/"
IN_IGNORED_DIR = {
    f"{SERVICE}/build/uses_helpers.py": "from services.alpha_service.app.helpers import greet\n\nprint(greet())\n",
    f"{SERVICE}/build/legacy.py": "VALUE = 1\n",
}
# (from, to) relative to the service; the plan moves these, in this order
MOVES = [
    ("app/main.py", "main.py"),
    ("app/helpers.py", "helpers.py"),
    ("app/scripts", "scripts"),
    ("build/legacy.py", "build/current.py"),
]
STEPS = [
    *(f"{{op: move, from: {a}, to: {b}}}" for a, b in MOVES),
    "{op: delete, path: app/obsolete.txt}",
    "{op: ensure-package, path: scripts}",  # a new package over moved files: only git add stages it
]
PLAN = (
    "version: 1\nservices_dir: services\nservice_suffix: _service\nline_limit: 300\nservices: [alpha]\n"
    "phases:\n  - phase: 1\n    title: one\n    scope: alpha\n    steps:\n"
    + "".join(f"      - {step}\n" for step in STEPS)
)
REFUSING_HOOK = "#!/bin/sh\necho 'lint: 3 problems' >&2\nexit 1\n"


def moved(path: str) -> str:
    """Where the plan's moves take ``path``."""
    for source, dest in MOVES:
        source, dest = f"{SERVICE}/{source}", f"{SERVICE}/{dest}"
        if path == source or path.startswith(source + "/"):
            return dest + path[len(source) :]
    return path


def make_repo(tmp_path: Path) -> tuple[Path, Path]:
    """The repository, committed and clean, and the plan file beside it."""
    repo = tmp_path / "repo"
    for rel, text in {**FILES, **IN_IGNORED_DIR}.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    for rel in EXECUTABLE:
        (repo / rel).chmod(0o755)
    for rel, target in SYMLINKS.items():
        (repo / rel).symlink_to(target)
    (repo / ".gitignore").write_text(IGNORED_DIR + "\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "tests@example.com")
    git(repo, "config", "user.name", "Tests")
    git(repo, "add", "-A")
    git(repo, "add", "-f", *IN_IGNORED_DIR)
    git(repo, "commit", "-q", "-m", "start")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    return repo, plan


def hook(repo: Path, name: str, script: str) -> Path:
    path = repo / ".git" / "hooks" / name
    path.write_text(script)
    path.chmod(0o755)
    return path


def snapshot(repo: Path) -> dict[str, str]:
    """Everything a rollback must put back: per path in the work tree (ignored and
    untracked files too) its type, permission bits and bytes or link target; git's status,
    its index with modes, the raw index file, HEAD, the branch HEAD names and its commit."""
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        if Path(dirpath) == repo:
            dirnames.remove(".git")
        for name in dirnames + filenames:
            full = Path(dirpath) / name
            info = os.lstat(full)
            rel = full.relative_to(repo).as_posix()
            if stat.S_ISLNK(info.st_mode):
                state[rel] = f"symlink -> {os.readlink(full)}"
            elif stat.S_ISDIR(info.st_mode):
                state[rel] = f"dir {stat.S_IMODE(info.st_mode):o}"
            else:
                digest = hashlib.sha256(full.read_bytes()).hexdigest()
                state[rel] = f"file {stat.S_IMODE(info.st_mode):o} {digest}"
    state["git status"] = git(
        repo, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--ignored"
    )
    state["git ls-files -s"] = git(repo, "ls-files", "-s")
    state[".git/index"] = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    state["HEAD"] = git(repo, "symbolic-ref", "HEAD").strip()
    state["HEAD commit"] = git(repo, "rev-parse", "HEAD").strip()
    state["branches"] = git(repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads")
    return state


def changed(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str | None, str | None]]:
    return {
        k: (before.get(k), after.get(k)) for k in sorted(before.keys() | after.keys()) if before.get(k) != after.get(k)
    }


def run_phase1(repo: Path, plan: Path, env: dict[str, str] | None = None):
    return invoke(repo, "phase1", "--repo", str(repo), "--plan", str(plan), "--commit", env=env)


def quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The steps of the committing phase, in order, as the fault-injection hook counts them:
    recorded from a run that goes to the end."""
    repo, plan = make_repo(tmp_path_factory.mktemp("steps"))
    seen: list[str] = []
    tick = editset._WriteCounter.tick

    def counting(self: editset._WriteCounter, what: str) -> None:
        seen.append(what)
        tick(self, what)

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("RESTRUCTURE_FAULT_AT_WRITE", raising=False)
        patch.delenv("RESTRUCTURE_SIGINT_AT_WRITE", raising=False)
        patch.setattr(editset._WriteCounter, "tick", counting)
        report = engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=quiet)
    assert report.commit, "the recorded run commits"
    kinds = [what.split(" (")[0].split(" ")[0] if not what.startswith("git") else what.split(" (")[0] for what in seen]
    # every kind of step the transaction has is here, each git command included
    assert {"move", "write", "delete", "git add", "renames", "git commit"} <= set(kinds), seen
    assert kinds.count("move") == len([p for p in [*FILES, *SYMLINKS, *IN_IGNORED_DIR] if moved(p) != p]), seen
    return seen


# --- the happy path ------------------------------------------------------------------------------


def test_a_committed_phase_keeps_modes_and_symlinks_and_commits_tracked_files_in_ignored_dirs(
    tmp_path: Path,
) -> None:
    repo, plan = make_repo(tmp_path)
    result = run_phase1(repo, plan)
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == "", "the commit took everything"
    index = {line.split("\t")[1]: line.split()[0] for line in git(repo, "ls-files", "-s").splitlines()}
    committed = {line.split("\t")[1]: line.split()[0] for line in git(repo, "ls-tree", "-r", "HEAD").splitlines()}
    for rel in EXECUTABLE:
        new = moved(rel)
        assert new != rel and not (repo / rel).exists()
        assert stat.S_IMODE(os.lstat(repo / new).st_mode) == 0o755, new
        assert index[new] == committed[new] == "100755", new
    for rel, target in SYMLINKS.items():
        new = moved(rel)
        assert new != rel and (repo / new).is_symlink() and os.readlink(repo / new) == target, new
        assert index[new] == committed[new] == "120000", new
    # the tracked files inside the ignored directory: moved and rewritten, and committed
    for rel, text in IN_IGNORED_DIR.items():
        new = moved(rel)
        assert new in committed, (new, sorted(committed))
        assert git(repo, "show", f"HEAD:{new}") == (repo / new).read_text()
        if new == rel:
            assert (repo / rel).read_text() != text, f"{rel} names a moved module: it is rewritten"
    # the fixture's first commit, the renames (moved files are also rewritten), the phase
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "3"
    renamed = {line.split("\t")[1]: line.split()[0] for line in git(repo, "ls-tree", "-r", "HEAD~1").splitlines()}
    for rel in [*EXECUTABLE, *SYMLINKS]:  # the renames commit keeps each file's mode and bytes
        assert renamed[moved(rel)] == committed[moved(rel)], rel
        assert git(repo, "rev-parse", f"HEAD~1:{moved(rel)}") == git(repo, "rev-parse", f"HEAD~2:{rel}"), rel


def test_a_users_ignored_untracked_file_is_never_forced_into_the_index(tmp_path: Path) -> None:
    """``git add -f`` stages only what git tracks or the phase creates."""
    repo, plan = make_repo(tmp_path)
    mine = repo / SERVICE / "build" / "local_notes.py"
    mine.write_text("from services.alpha_service.app.helpers import greet\n")
    result = invoke(repo, "phase1", "--repo", str(repo), "--plan", str(plan), "--commit", "--allow-dirty")
    assert result.returncode == 0, result.stdout + result.stderr
    rel = mine.relative_to(repo).as_posix()
    assert git(repo, "ls-files", "--", rel) == "" and git(repo, "log", "--format=%H", "--", rel) == ""
    assert "!! " + rel in git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all").splitlines()


# --- failures: everything as it was ----------------------------------------------------------------


@dataclass
class Failure:
    name: str
    arrange: Callable[[Path], None]  # break the repository (before the "before" snapshot)
    says: list[str]  # the one error line names these
    env: dict[str, str] = field(default_factory=dict)


def _refusing_pre_commit(repo: Path) -> None:
    hook(repo, "pre-commit", REFUSING_HOOK)


def _refusing_commit_msg(repo: Path) -> None:
    hook(repo, "commit-msg", REFUSING_HOOK)


def _index_locked(repo: Path) -> None:
    """Another git process holds the index: the index update of the moves fails."""
    (repo / ".git" / "index.lock").write_text("")


def _failing_clean_filter(path: str) -> Callable[[Path], None]:
    """A required clean filter that fails (as a missing git-lfs does) on ``path``."""

    def arrange(repo: Path) -> None:
        (repo / ".git" / "info").mkdir(exist_ok=True)
        (repo / ".git" / "info" / "attributes").write_text(f"{path} filter=broken\n")
        git(repo, "config", "filter.broken.clean", "false")
        git(repo, "config", "filter.broken.required", "true")

    return arrange


FAILURES = [
    Failure(
        "pre-commit hook refuses", _refusing_pre_commit, ["pre-commit", ".git/hooks/pre-commit", "lint: 3 problems"]
    ),
    Failure("commit-msg hook refuses", _refusing_commit_msg, ["commit-msg", ".git/hooks/commit-msg"]),
    Failure("index update of the moves fails: index locked", _index_locked, ["git update-index", "index.lock"]),
    # only ``git add`` stages the package the phase creates (git mv may or may not run the
    # filter on a moved file, depending on whether git trusts its stat data)
    Failure("git add fails: filter", _failing_clean_filter(f"{SERVICE}/scripts/__init__.py"), ["git add", "broken"]),
]


@pytest.mark.parametrize("row", FAILURES, ids=[f.name for f in FAILURES])
def test_a_failing_git_step_leaves_everything_as_it_was(row: Failure, tmp_path: Path) -> None:
    repo, plan = make_repo(tmp_path)
    before = snapshot(repo)
    row.arrange(repo)
    result = run_phase1(repo, plan, env=row.env)
    (repo / ".git" / "index.lock").unlink(missing_ok=True)  # the row's own lock, not the tool's
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in [*row.says, "the phase was undone"]:
        assert word in lines[0], (word, lines[0])
    after = snapshot(repo)
    assert after == before, changed(before, after)
    assert not (repo / ".git" / "restructure" / "reports" / "phase-01.json").exists(), "no report of a phase undone"


def test_a_fault_at_every_step_leaves_everything_as_it_was(steps: list[str], tmp_path: Path) -> None:
    """``RESTRUCTURE_FAULT_AT_WRITE=N`` for every step: a write fails before it happens, a
    git command after it ran (the commit included: HEAD must come back)."""
    problems = []
    for number, what in enumerate(steps, start=1):
        repo, plan = make_repo(tmp_path / f"fault-{number}")
        committed = tmp_path / f"committed-{number}"
        hook(repo, "post-commit", f"#!/bin/sh\ntouch '{committed}'\n")
        before = snapshot(repo)
        result = run_phase1(repo, plan, env={"RESTRUCTURE_FAULT_AT_WRITE": str(number)})
        if result.returncode == 0 or f"injected failure at write {number} ({what})" not in result.stderr:
            problems.append(f"step {number} ({what}): exit {result.returncode}, {result.stderr[-300:]}")
            continue
        after = snapshot(repo)
        if after != before:
            problems.append(f"step {number} ({what}): {changed(before, after)}")
        if what == "git commit" and not committed.exists():
            problems.append("the fault at the commit came before the commit: HEAD was never moved")
    assert problems == []
    # past the last step nothing is injected: the same run goes to the end
    repo, plan = make_repo(tmp_path / "past-the-end")
    result = run_phase1(repo, plan, env={"RESTRUCTURE_FAULT_AT_WRITE": str(len(steps) + 1)})
    assert result.returncode == 0, result.stderr


def test_a_fault_after_each_git_command_of_a_phase_without_commit_leaves_everything_as_it_was(
    steps: list[str], tmp_path: Path
) -> None:
    """Without ``--commit`` the transaction keeps only the index of ``.git`` (HEAD cannot
    move): a fault after each of its git commands still puts the index and the tree back."""
    git_steps = [(n, what) for n, what in enumerate(steps, start=1) if what.startswith("git ")]
    git_steps = [(n, what) for n, what in git_steps if "commit" not in what]
    assert git_steps, steps
    problems = []
    for number, what in git_steps:
        repo, plan = make_repo(tmp_path / f"fault-{number}")
        before = snapshot(repo)
        env = {"RESTRUCTURE_FAULT_AT_WRITE": str(number)}
        result = invoke(repo, "phase1", "--repo", str(repo), "--plan", str(plan), env=env)
        if result.returncode == 0 or f"injected failure at write {number} ({what})" not in result.stderr:
            problems.append(f"step {number} ({what}): exit {result.returncode}, {result.stderr[-300:]}")
            continue
        after = snapshot(repo)
        if after != before:
            problems.append(f"step {number} ({what}): {changed(before, after)}")
    assert problems == []


INTERRUPTED = ["move", "git add", "renames commit", "git commit"]


@pytest.mark.parametrize("kind", INTERRUPTED)
def test_ctrl_c_while_a_git_command_runs_leaves_everything_as_it_was(
    kind: str, steps: list[str], tmp_path: Path
) -> None:
    """Ctrl-C lands while git runs; git finishes (a commit is made), then all is undone."""
    number = next(n for n, what in enumerate(steps, start=1) if what.startswith(kind))
    repo, plan = make_repo(tmp_path)
    committed = tmp_path / "committed"
    hook(repo, "post-commit", f"#!/bin/sh\ntouch '{committed}'\n")
    before = snapshot(repo)
    result = run_phase1(repo, plan, env={"RESTRUCTURE_SIGINT_AT_WRITE": str(number)})
    assert result.returncode != 0, result.stdout
    assert result.stderr.strip().splitlines() == [
        "error: interrupted: phase 1 wrote nothing, the work tree is as it was"
    ], result.stderr
    after = snapshot(repo)
    assert after == before, changed(before, after)
    if kind == "git commit":
        assert committed.exists(), "the commit was made before the interrupt took effect, and then undone"


# --- the field case: the default plan on the main fixture -------------------------------------------


def test_phase1_of_the_default_plan_with_a_refusing_pre_commit_hook_changes_nothing(tmp_path: Path) -> None:
    repo = make_git_copy(MONOREPO, tmp_path / "monorepo")
    path = hook(repo, "pre-commit", REFUSING_HOOK)
    before = snapshot(repo)
    result = invoke(repo, "phase1", "--repo", str(repo), "--commit")
    assert result.returncode != 0, result.stdout[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pre-commit" in lines[0] and str(path) in lines[0], result.stderr
    after = snapshot(repo)
    assert after == before, list(changed(before, after))[:10]
