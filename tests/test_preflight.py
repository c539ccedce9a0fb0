"""``invoke all`` runs every phase on a scratch copy before its first write.

Each row is a tiny repository and a plan whose phases plant problems; the real ``invoke
all`` must list every planted problem of every phase in one run, exit non-zero and leave
the repository exactly as it was (HEAD, index, work tree, ignored files, ``.git`` state).
A plan with no problem runs for real after its pre-flight; ``--dry-run`` is the pre-flight
plus the diff of the whole run, each phase built on the one before.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, git, make_repo

SERVICE = "services/alpha_service"
HEAD = "version: 1\nservices_dir: services\nservice_suffix: _service\nline_limit: 300\nservices: [alpha]\n"
FILES = {
    "services/__init__.py": "",
    f"{SERVICE}/__init__.py": "",
    f"{SERVICE}/app/__init__.py": '"""The application package."""\n',
    f"{SERVICE}/app/main.py": (
        "from fastapi import FastAPI\n\nfrom services.alpha_service import models\n\napp = FastAPI()\n"
    ),
    f"{SERVICE}/models.py": (
        '"""Models."""\n\n\nclass Order:\n    total = 1\n\n\nclass OrderLine:\n    order = Order\n\n\n'
        "class Customer:\n    name = 'x'\n"
    ),
    f"{SERVICE}/stale.py": "X = 1\n",
    f"{SERVICE}/legacy.py": "Y = 2\n",
}
MOVE_MAIN = "{op: move, from: app/main.py, to: main.py}"
SPLIT = (
    "{op: split, module: models.py, into: models, groups: {order: {prefixes: [Order]}, "
    "customer: {prefixes: [Customer]}}}"
)
SPLIT_GHOST = (
    "{op: split, module: models.py, into: models, groups: {order: {prefixes: [Order]}, "
    "customer: {prefixes: [Customer]}, ghost: {prefixes: [Ghost]}}}"
)
MOVE_ONTO = "{op: move, from: stale.py, to: legacy.py}"


@dataclass
class Row:
    hazard: str
    phases: list[tuple[str, str]]  # (scope, YAML flow list of steps), numbered from 1
    expected: dict[int, list[tuple[str, ...]]]  # phase -> one tuple of fragments per problem listed
    beta: bool = False  # a second service on disk, a copy of alpha


ROWS = [
    Row(
        "an empty group and a move onto an existing file, in two phases",
        [("alpha", f"[{MOVE_MAIN}, {SPLIT_GHOST}]"), ("alpha", f"[{MOVE_ONTO}]")],
        {1: [("ghost",)], 2: [("stale.py", "legacy.py")]},
    ),
    Row(
        "an empty group, the service's later step not run, and an unknown service in another phase",
        [("alpha", f"[{SPLIT_GHOST}, {MOVE_ONTO}]"), ("beta", f"[{MOVE_MAIN}]")],
        {1: [("ghost",)], 2: [("'beta'", "not on disk")]},
    ),
    Row(
        "two services' problems in one phase (all services), and one in the next",
        [("all", f"[{MOVE_ONTO}]"), ("alpha", f"[{SPLIT_GHOST}]")],
        {1: [("alpha_service/stale.py",), ("beta_service/stale.py",)], 2: [("ghost",)]},
        beta=True,
    ),
]


def _plan(path: Path, phases: list[tuple[str, str]], line_limit: int = 300) -> Path:
    text = HEAD.replace("line_limit: 300", f"line_limit: {line_limit}").replace("[alpha]", "[alpha, beta]")
    text += "phases:\n" + "".join(
        f"  - phase: {n}\n    title: step {n}\n    scope: {scope}\n    steps: {steps}\n"
        for n, (scope, steps) in enumerate(phases, start=1)
    )
    path.write_text(text)
    return path


def _invoke(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *args], cwd=repo, capture_output=True, text=True
    )


def repo_state(repo: Path) -> tuple[str, ...]:
    """HEAD, every ref, the index, git status and every file's bytes (ignored ones too), and
    whether the tool's state directory exists: all a refused run must leave as they were."""
    files = sorted(
        (p.relative_to(repo).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    )
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "show-ref"),
        git(repo, "ls-files", "-s"),
        git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored"),
        repr(files),
        str((repo / ".git" / "restructure").exists()),
    )


def _with_caches(repo: Path) -> None:
    """The code has been run: ``__pycache__`` next to every package (ignored by git)."""
    (repo / ".gitignore").write_text("__pycache__/\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore caches")
    subprocess.run([sys.executable, "-m", "compileall", "-q", "services"], cwd=repo, check=True)


@pytest.mark.parametrize("row", ROWS, ids=[r.hazard for r in ROWS])
def test_every_problem_of_every_phase_is_listed_and_nothing_written(row: Row, tmp_path: Path) -> None:
    files = {**FILES, **({k.replace("alpha_", "beta_"): v for k, v in FILES.items()} if row.beta else {})}
    repo = make_repo(tmp_path / "repo", files)
    _with_caches(repo)
    plan = _plan(tmp_path / "plan.yaml", row.phases)
    before = repo_state(repo)
    done = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--commit")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert repo_state(repo) == before, f"{row.hazard}: the refused run wrote something"
    listed = _listed_problems(done.stdout)
    assert set(listed) == set(row.expected), output
    for number, problems in row.expected.items():
        assert len(listed[number]) == len(problems), (number, listed)
        for fragments in problems:
            assert any(all(f in problem for f in fragments) for problem in listed[number]), (number, listed)
    assert f"problem(s) in phase {', '.join(map(str, sorted(row.expected)))}" in done.stderr, done.stderr


def _listed_problems(stdout: str) -> dict[int, list[str]]:
    """The pre-flight's list: phase number -> its problem lines."""
    out: dict[int, list[str]] = {}
    current = None
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("pre-flight:"))
    for line in lines[start + 1 :]:
        if line.startswith("  phase "):
            current = int(line.split()[1].rstrip(":"))
            out[current] = []
        elif line.startswith("    ") and current is not None and not line.strip().startswith("(ran without"):
            out[current].append(line.strip())
    return out


def test_a_problem_only_the_later_tree_has_is_found_before_any_write(tmp_path: Path) -> None:
    """Phase 2 splits what phase 1 leaves; over the line limit only there. Phase 1 would pass on
    its own, so run one by one it would have been written before phase 2 failed."""
    repo = make_repo(tmp_path / "repo", FILES)
    plan = _plan(tmp_path / "plan.yaml", [("alpha", f"[{MOVE_MAIN}]"), ("alpha", f"[{SPLIT}]")], line_limit=6)
    before = repo_state(repo)
    done = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--commit")
    assert done.returncode != 0
    assert repo_state(repo) == before
    listed = _listed_problems(done.stdout)
    assert list(listed) == [2] and any("limit 6" in p for p in listed[2]), done.stdout


def test_a_plan_that_passes_runs_for_real_and_dry_run_shows_the_whole_diff(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FILES)
    plan = _plan(
        tmp_path / "plan.yaml",
        [("alpha", f"[{MOVE_MAIN}, {{op: delete-if-empty, path: app}}]"), ("alpha", f"[{SPLIT}]")],
    )
    before = repo_state(repo)
    dry = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert repo_state(repo) == before, "a dry run writes nothing"
    # one diff for the whole run: phase 2's split of the file phase 1's tree holds
    assert f"rename from {SERVICE}/app/main.py" in dry.stdout
    assert f"+++ b/{SERVICE}/models/order.py" in dry.stdout and f"--- a/{SERVICE}/models.py" in dry.stdout
    assert "Binary files" not in dry.stdout  # the scratch copy's git threshold is not the diff's
    assert "committed" not in dry.stdout and "pre-flight: phases 1-2 pass" in dry.stdout
    done = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--commit")
    assert done.returncode == 0, done.stderr
    assert (repo / SERVICE / "main.py").is_file() and (repo / SERVICE / "models" / "order.py").is_file()
    assert git(repo, "log", "--format=%s").splitlines()[:2] == [
        "restructure: phase 2: step 2",
        "restructure: phase 1: step 1",
    ]


def _two_phase_plan(tmp_path: Path) -> Path:
    return _plan(
        tmp_path / "plan.yaml",
        [("alpha", f"[{MOVE_MAIN}, {{op: delete-if-empty, path: app}}]"), ("alpha", f"[{SPLIT}]")],
    )


@pytest.mark.parametrize("commit", [True, False], ids=["commit", "work tree only"])
def test_the_pre_flights_changes_are_written_as_a_phase_by_phase_run_writes_them(tmp_path: Path, commit: bool) -> None:
    """``invoke all`` writes what the pre-flight planned instead of planning each phase again:
    the tree, the index, the commits' messages and the reports are those of running the
    phases one by one."""
    plan = _two_phase_plan(tmp_path)
    flag = ["--commit"] if commit else []
    replayed = make_repo(tmp_path / "replayed", FILES)
    done = _invoke(replayed, "all", "--repo", str(replayed), "--plan", str(plan), *flag)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tree differs" not in done.stdout
    one_by_one = make_repo(tmp_path / "one-by-one", FILES)
    for number in (1, 2):
        extra = flag if commit or number == 1 else ["--allow-dirty"]
        step = _invoke(one_by_one, f"phase{number}", "--repo", str(one_by_one), "--plan", str(plan), *extra)
        assert step.returncode == 0, step.stdout + step.stderr
    for args in (["write-tree"], ["log", "--format=%B"], ["status", "--porcelain"]):
        assert git(replayed, *args) == git(one_by_one, *args), args
    for name in ("phase-01.json", "phase-02.json"):
        ours, theirs = (json.loads((r / ".git/restructure/reports" / name).read_text()) for r in (replayed, one_by_one))
        for data in (ours, theirs):
            data.pop("seconds"), data.pop("commit")
        assert ours == theirs, name


def test_without_commit_the_phases_are_written_all_or_nothing(tmp_path: Path) -> None:
    """Without ``--commit`` the passing phases are written as one transaction. A failure
    injected at a step that only the joint write has (each phase alone has fewer steps, so the
    pre-flight passes) must leave no phase written: the tree byte for byte as before, no
    report, and an error naming the phases. Written phase by phase, phase 1 would have stayed."""
    plan = _two_phase_plan(tmp_path)
    for step in range(1, 40):
        repo = make_repo(tmp_path / f"repo-{step}", FILES)
        before = repo_state(repo)
        done = subprocess.run(
            [sys.executable, "-m", "invoke", "-r", str(ROOT), "all", "--repo", str(repo), "--plan", str(plan)],
            cwd=repo, capture_output=True, text=True, env={**os.environ, "RESTRUCTURE_FAULT_AT_WRITE": str(step)},
        )  # fmt: skip
        assert done.returncode != 0 and "InjectedFault" in done.stderr, done.stdout + done.stderr
        if "apply_prepared_together" in done.stderr:  # not in a phase of the pre-flight
            break
    else:
        pytest.fail("no step of the joint write lies beyond every single phase's steps")
    assert repo_state(repo) == before
    assert not (repo / ".git" / "restructure" / "reports").exists(), "no phase reported as written"


def test_a_joint_write_that_git_refuses_says_every_phase_was_undone(tmp_path: Path) -> None:
    """Another git command holds the index lock: the joint write fails at its ``git add``, the
    error names the phases and says they were undone, and the tree is as it was."""
    plan = _two_phase_plan(tmp_path)
    repo = make_repo(tmp_path / "repo", FILES)
    before = repo_state(repo)
    (repo / ".git" / "index.lock").write_text("")
    done = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan))
    (repo / ".git" / "index.lock").unlink()
    assert done.returncode != 0
    assert "writing phase 1, 2:" in done.stderr and "index.lock" in done.stderr, done.stderr
    assert "the phases were undone" in done.stderr, done.stderr
    assert repo_state(repo) == before


HOOK = """#!/bin/sh
# a formatter run as a pre-commit hook: it rewrites the staged main.py and stages it again
for f in $(git diff --cached --name-only --diff-filter=AR); do
  case "$f" in */main.py) printf '# checked\\n' >> "$f"; git add "$f";; esac
done
"""


def test_a_commit_hook_that_changes_the_tree_makes_the_later_phases_plan_again(tmp_path: Path) -> None:
    """The hook's rewrite is in phase 1's commit, so the target no longer holds the tree the
    pre-flight planned phase 2 on: phase 2 is planned again on the target as it is (which
    here refuses the file the hook left modified, as running phase 2 on its own does)."""
    repo = make_repo(tmp_path / "repo", FILES)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK)
    hook.chmod(0o755)
    done = _invoke(repo, "all", "--repo", str(repo), "--plan", str(_two_phase_plan(tmp_path)), "--commit")
    assert "note: after phase 1 the tree differs from the pre-flight's" in done.stdout, done.stdout
    assert "# checked" in git(repo, "show", f"HEAD:{SERVICE}/main.py")
    alone = _invoke(repo, "phase2", "--repo", str(repo), "--plan", str(_two_phase_plan(tmp_path)), "--commit")
    assert done.returncode == alone.returncode != 0
    assert done.stderr.strip().splitlines()[-1].startswith(alone.stderr.strip().splitlines()[-1][:60]), done.stderr


def test_the_pre_flight_sees_uncommitted_changes_when_allowed(tmp_path: Path) -> None:
    """``--allow-dirty``: the scratch copy holds the work tree as it is, not HEAD."""
    repo = make_repo(tmp_path / "repo", FILES)
    (repo / SERVICE / "stale.py").unlink()  # deleted, not committed: the move has nothing to move
    (repo / SERVICE / "notes.py").write_text("Z = 3\n")  # untracked
    plan = _plan(
        tmp_path / "plan.yaml", [("alpha", f"[{MOVE_ONTO}]"), ("alpha", "[{op: move, from: notes.py, to: legacy.py}]")]
    )
    before = repo_state(repo)
    done = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--allow-dirty")
    assert done.returncode != 0
    assert repo_state(repo) == before
    assert list(_listed_problems(done.stdout)) == [2], done.stdout


# --- an ambiguous patch target: settled by the test's own calls, or refused before any write ---

ROUTER = """\
from fastapi import APIRouter

from services.alpha_service.clients import fetch

router = APIRouter()


@router.get("/members/{member_id}")
def get_member(member_id: int):
    return fetch("members", member_id)


@router.get("/orders/{order_id}")
def get_order(order_id: int):
    return fetch("orders", order_id)
"""
PATCHED = "services.alpha_service.router.fetch"
SPLIT_ROUTER = (
    "{op: split, module: router.py, into: routers, "
    'groups: {members: {paths: ["/members"]}, orders: {paths: ["/orders"]}}}'
)
PATCH_ROWS = [
    # (hazard, body of the test function holding the patch, the patch string after, or None: refused)
    ("the test calls a function of one candidate", "get_member(1)", "services.alpha_service.routers.members.fetch"),
    ("the test requests a route of one candidate", 'client.get("/api/orders/7")',
     "services.alpha_service.routers.orders.fetch"),
    ("an f-string URL", 'client.get(f"/api/orders/{7}")', "services.alpha_service.routers.orders.fetch"),
    ("the test exercises both candidates", 'get_member(1)\n        client.get("/api/orders/7")', None),
    ("the test exercises neither", "assert True", None),
]  # fmt: skip


@pytest.mark.parametrize(("hazard", "body", "expected"), PATCH_ROWS, ids=[r[0] for r in PATCH_ROWS])
def test_an_ambiguous_patch_target_is_settled_by_evidence_or_refused(
    hazard: str, body: str, expected: str | None, tmp_path: Path
) -> None:
    test = (
        "from unittest import mock\n\nfrom services.alpha_service.router import get_member\n\n\n"
        f"def test_it(client):\n    with mock.patch({PATCHED!r}):\n        {body}\n"
    )
    files = {
        **FILES,
        f"{SERVICE}/clients.py": "def fetch(*args):\n    return args\n",
        f"{SERVICE}/router.py": ROUTER,
        f"{SERVICE}/tests/test_router.py": test,
    }
    repo = make_repo(tmp_path / "repo", files)
    plan = _plan(tmp_path / "plan.yaml", [("alpha", f"[{SPLIT_ROUTER}]"), ("alpha", f"[{MOVE_MAIN}]")])
    before = repo_state(repo)
    done = _invoke(repo, "all", "--repo", str(repo), "--plan", str(plan), "--commit")
    if expected is None:
        assert done.returncode != 0, hazard
        assert repo_state(repo) == before
        (problem,) = _listed_problems(done.stdout)[1]
        assert f"{SERVICE}/tests/test_router.py:7" in problem, problem
        assert "`patch_targets: {fetch: members}` (or orders)" in problem, problem
        assert "routers.members" in problem and "routers.orders" in problem, problem
        return
    assert done.returncode == 0, (hazard, done.stdout[-2000:], done.stderr)
    written = (repo / SERVICE / "tests" / "test_router.py").read_text()
    assert f"mock.patch({expected!r})" in written, written
