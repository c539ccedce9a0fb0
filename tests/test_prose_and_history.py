"""Notes about a move, migration documents, and history that follows the moves.

One row per hazard:

- a prose line (Markdown, a Python comment or docstring, a ``#`` comment of YAML, shell, a
  Dockerfile or an ini file) that already names both ends of a relocation is a note about the move: it is
  left alone ("`app/main.py` -> `main.py`" must not become "`main.py` -> `main.py`");
- a line naming only the old end is still rewritten, and so is every code line (a compose
  ``command:``, a Dockerfile ``COPY``, an import, a string in code), whatever else it names;
- a document that is a copy of the plan (or another migration document) is left alone
  and reported once per phase, in a real run with the shipped plan on the fixture;
- git history: every moved file shows as a 100 % rename of its own source (a phase that also
  edits a moved file, or moves an empty one, commits the renames on their own first), a
  created ``__init__.py`` is never empty, and no ``__init__.py`` shows as renamed from another
  package.
"""

# ruff: noqa: E501  (table rows read best one per line)

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from restructure.plan import Plan, load_plan
from tests.conftest import MONOREPO, git, make_git_copy, make_repo
from tests.repo_state import invoke
from tests.rewrite_harness import PHASE1, SERVICE, relocate, rewrite

S = SERVICE

# --- 1. a prose line naming both ends of a relocation is left alone ----------------------------

NOTES = [
    (
        "markdown, full paths",
        "docs/MIGRATION.md",
        False,
        "Moved `services/x_service/app/main.py` → `services/x_service/main.py`.\n",
    ),
    (
        "markdown, ascii arrow, directory",
        "CHANGELOG.md",
        False,
        "- services/x_service/app/tests -> services/x_service/tests\n",
    ),
    (
        "markdown, dotted modules",
        "README.md",
        False,
        "`services.x_service.app.main` is now `services.x_service.main`.\n",
    ),
    (
        "markdown, old module and new path",
        "README.md",
        False,
        "The old `services.x_service.app.main` lives in `services/x_service/main.py`.\n",
    ),
    (
        "markdown, service-relative paths",
        f"{S}/README.md",
        False,
        "Move `app/main.py` → `main.py` and `app/tests/` → `tests/`.\n",
    ),
    ("markdown, service-relative modules", f"{S}/README.md", False, "`app.main` becomes `main`.\n"),
    ("markdown, template paths", "CLAUDE.md", True, "- `services/<svc>/app/main.py` → `services/<svc>/main.py`\n"),
    (
        "markdown, template modules",
        "CLAUDE.md",
        True,
        "change `uvicorn services.<svc>.app.main:app` → `uvicorn services.<svc>.main:app`\n",
    ),
    (
        "restructured text",
        "docs/moves.rst",
        False,
        "* ``services/x_service/app/tests`` moved to ``services/x_service/tests``\n",
    ),
    (
        "python comment",
        "tests/test_x.py",
        False,
        "# moved services/x_service/app/main.py -> services/x_service/main.py\nimport os\n",
    ),
    (
        "python docstring",
        "tests/test_x.py",
        False,
        '"""Moved `services.x_service.app.main` to `services.x_service.main`."""\n',
    ),
    (
        "python function docstring",
        "tests/test_x.py",
        False,
        'def test_x() -> None:\n    """services/x_service/app/tests -> services/x_service/tests"""\n',
    ),
    (
        "compose comment",
        "docker-compose.yml",
        False,
        "services:\n  x:\n    # services.x_service.app.main:app became services.x_service.main:app\n    image: x\n",
    ),
    (
        "shell comment",
        "scripts/run.sh",
        False,
        "#!/bin/sh\n# was services/x_service/app/tests, now services/x_service/tests\nexit 0\n",
    ),
    (
        "dockerfile comment",
        f"{S}/Dockerfile",
        False,
        "FROM python:3.11-slim\n# services/x_service/app/main.py -> services/x_service/main.py\n",
    ),
    ("ini comment", "pytest.ini", False, "[pytest]\n; services/x_service/app/tests -> services/x_service/tests\n"),
]


@pytest.mark.parametrize(("path", "all_services", "src"), [r[1:] for r in NOTES], ids=[r[0] for r in NOTES])
def test_a_line_naming_both_ends_of_a_move_is_left_alone(path: str, all_services: bool, src: str) -> None:
    result = relocate({path: src}, PHASE1, all_services=all_services)
    assert result[path] == src
    assert path not in result.report.files_rewritten


# --- 2. a line naming only the old end is rewritten, next to a note that is not ----------------

OLD_ONLY = [
    (
        "markdown: the note stays, the command follows",
        "docs/MIGRATION.md",
        "Moved `services/x_service/app/main.py` → `services/x_service/main.py`.\nRun `uvicorn services.x_service.app.main:app`.\n",
        "Moved `services/x_service/app/main.py` → `services/x_service/main.py`.\nRun `uvicorn services.x_service.main:app`.\n",
    ),
    (
        "docstring: one line is a note, the next a reference",
        "tests/test_x.py",
        '"""Checks.\n\nMoved services/x_service/app/main.py to services/x_service/main.py.\nSee services/x_service/app/tests.\n"""\n',
        '"""Checks.\n\nMoved services/x_service/app/main.py to services/x_service/main.py.\nSee services/x_service/tests.\n"""\n',
    ),
    (
        "comments: each line on its own",
        "tests/test_x.py",
        "# services.x_service.app.main -> services.x_service.main\n# see services/x_service/app/main.py\nimport os\n",
        "# services.x_service.app.main -> services.x_service.main\n# see services/x_service/main.py\nimport os\n",
    ),
    (
        "a bare word of prose is not the new path",
        f"{S}/README.md",
        "Run `uvicorn app.main:app`; main is the entry point.\n",
        "Run `uvicorn main:app`; main is the entry point.\n",
    ),
    (
        "the new path inside the old one does not count",
        f"{S}/README.md",
        "`app/tests/conftest.py` provides the client for tests/.\n",
        "`tests/conftest.py` provides the client for tests/.\n",
    ),
    (
        "the new end of another move does not count",
        "README.md",
        "`services/x_service/app/main.py` runs `services/x_service/tests`.\n",
        "`services/x_service/main.py` runs `services/x_service/tests`.\n",
    ),
]


@pytest.mark.parametrize(("path", "src", "expected"), [r[1:] for r in OLD_ONLY], ids=[r[0] for r in OLD_ONLY])
def test_a_line_naming_only_the_old_end_is_rewritten(path: str, src: str, expected: str) -> None:
    assert rewrite(src, path) == expected


def test_a_note_is_not_counted_as_a_rewrite() -> None:
    src = "Moved `services/x_service/app/main.py` → `services/x_service/main.py`.\nSee `services/x_service/app/main.py`.\n"
    assert relocate({"README.md": src}, PHASE1).report.rewrites["markdown"] == 1


# --- 3. code lines are rewritten whatever else they name --------------------------------------

CODE = [
    (
        "compose command under a note comment",
        "docker-compose.yml",
        "services:\n  x:\n    # services.x_service.app.main:app -> services.x_service.main:app\n    command: uvicorn services.x_service.app.main:app\n",
        "services:\n  x:\n    # services.x_service.app.main:app -> services.x_service.main:app\n    command: uvicorn services.x_service.main:app\n",
    ),
    (
        "dockerfile COPY naming both ends",
        f"{S}/Dockerfile",
        "FROM python:3.11-slim\nCOPY services/x_service/app/main.py services/x_service/main.py\n",
        "FROM python:3.11-slim\nCOPY services/x_service/main.py services/x_service/main.py\n",
    ),
    (
        "dockerfile CMD",
        f"{S}/Dockerfile",
        'FROM python:3.11-slim\nCMD ["uvicorn", "services.x_service.app.main:app"]\n',
        'FROM python:3.11-slim\nCMD ["uvicorn", "services.x_service.main:app"]\n',
    ),
    (
        "shell command naming both ends",
        "scripts/run.sh",
        "#!/bin/sh\ncp services/x_service/app/main.py services/x_service/main.py.bak\n",
        "#!/bin/sh\ncp services/x_service/main.py services/x_service/main.py.bak\n",
    ),
    (
        "python string in code is data, not prose",
        "tests/test_x.py",
        'CMD = "cp services/x_service/app/main.py services/x_service/main.py.bak"\n',
        'CMD = "cp services/x_service/main.py services/x_service/main.py.bak"\n',
    ),
    (
        "python import under a note comment",
        "tests/test_x.py",
        "# services.x_service.app.main -> services.x_service.main\nfrom services.x_service.app.main import app\n",
        "# services.x_service.app.main -> services.x_service.main\nfrom services.x_service.main import app\n",
    ),
]


@pytest.mark.parametrize(("path", "src", "expected"), [r[1:] for r in CODE], ids=[r[0] for r in CODE])
def test_code_lines_are_rewritten(path: str, src: str, expected: str) -> None:
    assert rewrite(src, path) == expected


# --- 4. migration documents -------------------------------------------------------------------


def plan_document(plan: Plan) -> str:
    """A Markdown copy of ``plan`` as a team would commit it: for each phase, the current
    state (old paths only) and a checklist of its moves, splits and merges (old -> new)."""
    lines = ["# Restructuring plan", ""]
    for phase in plan.phases.values():
        lines += [f"## Phase {phase.number}: {phase.title}", "", "Current state:", ""]
        checklist = []
        for index, step in enumerate(phase.steps, start=1):
            if step.op == "move":
                sources, target = [step.args["from"]], step.args["to"]
            elif step.op in {"split", "extract-schemas"}:
                sources, target = [step.args["module"]], step.args["into"] + "/"
            elif step.op == "merge":
                sources, target = list(step.args["modules"]), step.args["into"]
            else:
                continue
            lines += [f"- `{plan.services_dir}/<svc>/{s}`" for s in sources]
            checklist.append(f"- [ ] **{phase.number}.{index}** `{'`, `'.join(sources)}` → `{target}`")
        lines += ["", *checklist, ""]
    return "\n".join(lines) + "\n"


def test_a_migration_document_is_left_alone_and_reported_once() -> None:
    doc = (
        "# Migration\n\n"
        "- `services/x_service/app/main.py` → `services/x_service/main.py`\n"
        "- `services/x_service/app/tests/` → `services/x_service/tests/`\n"
        "- `services.x_service.app.main:app` → `services.x_service.main:app`\n\n"
        "Today the app starts from `services/x_service/app/main.py`.\n"
    )
    result = relocate({"docs/MIGRATION.md": doc}, PHASE1)
    assert result["docs/MIGRATION.md"] == doc
    notes = [n for n in result.report.notes if n.startswith("docs/MIGRATION.md:")]
    assert len(notes) == 1 and "migration document" in notes[0], result.report.notes


NOT_MIGRATION = [
    (
        "one note among references",
        "Moved `services/x_service/app/main.py` → `services/x_service/main.py`.\nStart `services/x_service/app/main.py`.\nTest `services/x_service/app/tests`.\n",
        "Moved `services/x_service/app/main.py` → `services/x_service/main.py`.\nStart `services/x_service/main.py`.\nTest `services/x_service/tests`.\n",
    ),
    (
        "three notes about one move",
        "`app.main` → `main`\n`services/x_service/app/main.py` → `services/x_service/main.py`\n`services.x_service.app.main` → `services.x_service.main`\nTest `services/x_service/app/tests`.\n",
        "`app.main` → `main`\n`services/x_service/app/main.py` → `services/x_service/main.py`\n`services.x_service.app.main` → `services.x_service.main`\nTest `services/x_service/tests`.\n",
    ),
]


@pytest.mark.parametrize(("src", "expected"), [r[1:] for r in NOT_MIGRATION], ids=[r[0] for r in NOT_MIGRATION])
def test_a_document_with_a_few_notes_is_still_rewritten(src: str, expected: str) -> None:
    result = relocate({"README.md": src}, PHASE1)
    assert result["README.md"] == expected
    assert not [n for n in result.report.notes if "migration document" in n]


# --- 5. the fixture, every phase of the shipped plan with --commit ----------------------------

PLAN = load_plan(None)
PHASES = sorted(PLAN.phases)
PLAN_COPY = "docs/RESTRUCTURING_PLAN.md"


@dataclass
class Run:
    repo: Path
    before: dict[int, str]  # phase -> HEAD before it ran
    commits: dict[int, list[str]]  # phase -> its commits, oldest first (none: it changed nothing)
    reports: dict[int, dict]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A scratch git copy of the fixture with a copy of the plan committed in docs/, then every
    phase of the shipped plan through the command line with ``--commit``."""
    repo = tmp_path_factory.mktemp("history") / "monorepo"
    make_git_copy(MONOREPO, repo)
    (repo / "docs").mkdir(exist_ok=True)
    (repo / PLAN_COPY).write_text(plan_document(PLAN))
    git(repo, "add", PLAN_COPY)
    git(repo, "commit", "-q", "-m", "the plan, for the team")
    heads: dict[int, str] = {}
    commits: dict[int, list[str]] = {}
    reports: dict[int, dict] = {}
    for number in PHASES:
        heads[number] = git(repo, "rev-parse", "HEAD").strip()
        result = invoke(repo, f"phase{number}", "--commit", "--repo", str(repo))
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        commits[number] = git(repo, "rev-list", "--reverse", f"{heads[number]}..HEAD").split()
        reports[number] = json.loads((repo / ".git/restructure/reports" / f"phase-{number:02d}.json").read_text())
        report = reports[number]
        assert commits[number] == [c for c in (report["renames_commit"], report["commit"]) if c]
    return Run(repo, heads, commits, reports)


def _renames(repo: Path, commit: str) -> list[tuple[int, str, str]]:
    """(similarity, source, destination) of every rename git sees in ``commit`` (``-M``)."""
    out = subprocess.run(
        ["git", "diff", "-M", "--name-status", "-z", f"{commit}~1", commit],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    renames, index = [], 0
    while index < len(out) - 1:
        status = out[index]
        if status.startswith(("R", "C")):
            renames.append((int(status[1:]), out[index + 1], out[index + 2]))
            index += 3
        else:
            index += 2
    return renames


def _blob(repo: Path, commit: str, path: str) -> str:
    return git(repo, "rev-parse", f"{commit}:{path}").strip()


def _size(repo: Path, commit: str, path: str) -> int:
    return int(git(repo, "cat-file", "-s", f"{commit}:{path}"))


def test_the_plan_copy_is_left_alone_and_reported_once_per_phase(run: Run) -> None:
    assert (run.repo / PLAN_COPY).read_text() == plan_document(PLAN)
    mentions = {n: [x for x in r["notes"] if x.startswith(f"{PLAN_COPY}:")] for n, r in run.reports.items()}
    assert all(len(m) <= 1 for m in mentions.values()), mentions
    assert mentions[PHASES[0]] and "migration document" in mentions[PHASES[0]][0]
    assert not [h for r in run.reports.values() for h in r["needs_human"] if h["path"] == PLAN_COPY]


@pytest.mark.parametrize("phase", PHASES)
def test_every_moved_file_is_a_100_percent_rename_of_its_own_source(run: Run, phase: int) -> None:
    """In the phase's first commit, whether the tool rewrote a reference in the file or not,
    empty files included; a phase with an edited or empty moved file committed twice."""
    commits, report = run.commits[phase], run.reports[phase]
    if not commits:
        assert report["moves"] == []
        return
    renames = {(src, dst): similarity for similarity, src, dst in _renames(run.repo, commits[0])}
    for src, dst in report["moves"]:
        assert renames.get((src, dst)) == 100, f"phase {phase}: {src} -> {dst}: {renames.get((src, dst))}"
    edited_or_empty = [
        (src, dst)
        for src, dst in report["moves"]
        if _size(run.repo, run.before[phase], src) == 0
        or _blob(run.repo, run.before[phase], src) != _blob(run.repo, commits[-1], dst)
    ]
    assert len(commits) == (2 if edited_or_empty else 1), (phase, edited_or_empty[:3])
    if len(commits) == 2:  # the renames commit holds the moves and nothing else
        assert sorted(renames) == sorted(tuple(m) for m in report["moves"])
        assert git(run.repo, "diff", "--name-only", "-M", "--diff-filter=AMD", f"{commits[0]}~1", commits[0]) == ""


#: Why a moved empty file can show as renamed from a deleted empty one when both are in one commit.
GIT_PAIRS_EMPTY_FILES = (
    "git's exact-rename pass (diffcore-rename.c, find_identical_files) walks the added paths in "
    "path order and gives each the first still-unused deleted path, in path order, with the same "
    "blob, preferring one with the same basename; every empty file has the same blob and every "
    "__init__.py the same basename, so a moved empty __init__.py is paired with any deleted empty "
    "__init__.py that sorts before its old path: its parent package's ('_' < 'a'-'z') or another "
    "service's. Nothing in one commit can change it: the moved file's bytes, name and mode are "
    "fixed (move, never modify), the deleted file's blob is the parent commit's, modes only count "
    "for non-regular files, and no git setting orders the candidates; only a separate commit for "
    "the renames does, which is what a phase that moves an empty file makes"
)


@pytest.mark.parametrize("phase", PHASES)
def test_no_init_file_is_renamed_from_another_package(run: Run, phase: int) -> None:
    """Every rename git sees with an ``__init__.py`` at one end, in any commit of the phase,
    is one of the phase's moves (see :data:`GIT_PAIRS_EMPTY_FILES` for the hazard;
    ``test_git_pairs_identical_files_by_path_order`` pins that behaviour of git)."""
    moves = {tuple(m) for m in run.reports[phase]["moves"]}
    foreign = [
        (similarity, src, dst)
        for commit in run.commits[phase]
        for similarity, src, dst in _renames(run.repo, commit)
        if (src, dst) not in moves and "__init__.py" in {Path(src).name, Path(dst).name}
    ]
    assert foreign == [], GIT_PAIRS_EMPTY_FILES


def test_git_pairs_identical_files_by_path_order(tmp_path: Path) -> None:
    """The git behaviour :data:`GIT_PAIRS_EMPTY_FILES` describes: an empty ``__init__.py``
    moved in the commit that deletes another one that sorts first is paired with that one;
    the same move paired right when the deletion is its own commit, or when the moved file
    sorts first."""

    def renamed_from(layout: dict[str, str], moved: str, deleted: str, dest: str, split: bool) -> str:
        repo = make_repo(tmp_path / f"r{len(list(tmp_path.iterdir()))}", layout)
        (repo / dest).parent.mkdir(parents=True, exist_ok=True)
        git(repo, "mv", moved, dest)
        if split:
            git(repo, "commit", "-q", "-m", "moves")
        git(repo, "rm", "-q", deleted)
        git(repo, "commit", "-q", "-m", "deletions" if split else "phase")
        commit = "HEAD~1" if split else "HEAD"
        pairs = {dst: src for _, src, dst in _renames(repo, commit)}
        return pairs[dest]

    layout = {"s/app/__init__.py": "", "s/app/tests/__init__.py": "", "s/app/tests/t.py": "x = 1\n"}
    one_commit = renamed_from(layout, "s/app/tests/__init__.py", "s/app/__init__.py", "s/tests/__init__.py", False)
    assert one_commit == "s/app/__init__.py"  # the deleted parent: sorts first
    two_commits = renamed_from(layout, "s/app/tests/__init__.py", "s/app/__init__.py", "s/tests/__init__.py", True)
    assert two_commits == "s/app/tests/__init__.py"
    # the same two files where the moved one sorts first ("A" < "_"): paired right in one commit
    upper = {"s/app/__init__.py": "", "s/app/A/__init__.py": ""}
    assert renamed_from(upper, "s/app/A/__init__.py", "s/app/__init__.py", "s/A/__init__.py", False) == (
        "s/app/A/__init__.py"
    )


@pytest.mark.parametrize("phase", PHASES)
def test_a_created_init_file_is_never_empty(run: Run, phase: int) -> None:
    commits = run.commits[phase]
    created = [p for p in run.reports[phase]["created"] if p.endswith("__init__.py")]
    for path in created:
        assert commits and _size(run.repo, commits[-1], path) > 0, path


# --- 6. a tiny repository: ensure-package next to a deleted empty __init__.py ----------------

TINY_PLAN = (
    "version: 1\nservices: [tiny]\nphases:\n  - phase: 1\n    scope: all\n    steps:\n"
    "      - {op: move, from: app/main.py, to: main.py}\n"
    "      - {op: move, from: app/routers, to: routers}\n"
    "      - {op: ensure-package, path: routers}\n"
    "      - {op: delete-if-empty, path: app}\n"
)


def test_tiny_repo_renames_are_the_moves_at_100_percent(tmp_path: Path) -> None:
    repo = tmp_path / "tiny"
    files = {
        "services/__init__.py": "",
        "services/tiny_service/__init__.py": "",
        "services/tiny_service/app/__init__.py": "",
        "services/tiny_service/app/main.py": "app = object()\n",
        "services/tiny_service/app/routers/boats.py": "ROUTES = ['/boats']\n",
    }
    make_repo(repo, files)
    plan = tmp_path / "plan.yaml"
    plan.write_text(TINY_PLAN)
    result = invoke(repo, "phase1", "--commit", "--repo", str(repo), "--plan", str(plan))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    base = "services/tiny_service"
    assert sorted(_renames(repo, "HEAD")) == [
        (100, f"{base}/app/main.py", f"{base}/main.py"),
        (100, f"{base}/app/routers/boats.py", f"{base}/routers/boats.py"),
    ]
    init = (repo / base / "routers/__init__.py").read_text()
    assert init.startswith('"""') and "routers" in init.lower() and "tiny" in init, init


def test_an_edited_move_is_followed_at_100_percent_through_its_renames_commit(tmp_path: Path) -> None:
    """main.py imports from the package that moves with it: the import is rewritten, and
    ``git log --follow`` still walks back to app/main.py through a 100 % rename."""
    repo = tmp_path / "tiny"
    base = "services/tiny_service"
    make_repo(
        repo,
        {
            "services/__init__.py": "",
            f"{base}/__init__.py": "",
            f"{base}/app/__init__.py": "",
            f"{base}/app/main.py": "from services.tiny_service.app.routers.boats import ROUTES\n\napp = ROUTES\n",
            f"{base}/app/routers/__init__.py": '"""Routers."""\n',
            f"{base}/app/routers/boats.py": "ROUTES = ['/boats']\n",
        },
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(TINY_PLAN)
    start = git(repo, "rev-parse", "HEAD").strip()
    result = invoke(repo, "phase1", "--commit", "--repo", str(repo), "--plan", str(plan))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "services.tiny_service.routers.boats" in (repo / base / "main.py").read_text()
    renames_commit, phase_commit = git(repo, "rev-list", "--reverse", f"{start}..HEAD").split()
    assert sorted(_renames(repo, renames_commit)) == [
        (100, f"{base}/app/main.py", f"{base}/main.py"),
        (100, f"{base}/app/routers/__init__.py", f"{base}/routers/__init__.py"),
        (100, f"{base}/app/routers/boats.py", f"{base}/routers/boats.py"),
    ]
    assert "(renames only)" in git(repo, "log", "-1", "--format=%s", renames_commit)
    followed = git(repo, "log", "--follow", "--name-status", "--format=%H", "--", f"{base}/main.py")
    assert f"R100\t{base}/app/main.py\t{base}/main.py" in followed
    assert git(repo, "diff", "--name-only", renames_commit, phase_commit).split() == [
        f"{base}/app/__init__.py",
        f"{base}/main.py",
    ]
    assert git(repo, "status", "--porcelain") == ""


# --- 7. prose inside a service that did not lose the path it names -----------------------------


def test_service_relative_prose_is_reported_only_where_that_service_lost_the_path(tmp_path: Path) -> None:
    """An all-services phase reports ``app/main.py`` in a service's own files only when that
    service's ``app/main.py`` moved: a service that never had one (its ``main.py`` already at
    the root) keeps a README that is no business of this phase. A repo-level document cannot
    say which service it means, so it is still reported."""
    repo = tmp_path / "two"
    make_repo(
        repo,
        {
            "services/a/app/__init__.py": "",
            "services/a/app/main.py": "app = object()\n",
            "services/a/README.md": "Run `uvicorn app.main:app` from here.\n",
            "services/b/main.py": "app = object()\n",
            "services/b/README.md": "Old notes: `app/main.py` held the app.\n",
            "NOTES.md": "Every service starts from `app/main.py`.\n",
        },
    )
    plan = Path(__file__).resolve().parents[1] / "restructure/plans/phase1-generic.yaml"
    result = invoke(repo, "phase1", "--commit", "--repo", str(repo), "--plan", str(plan))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    report = json.loads((repo / ".git/restructure/reports/phase-01.json").read_text())
    flagged = sorted(item["path"] for item in report["needs_human"])
    assert "services/b/README.md" not in flagged, report["needs_human"]
    assert "NOTES.md" in flagged, report["needs_human"]
    assert (repo / "services/a/README.md").read_text() == "Run `uvicorn main:app` from here.\n"


def test_a_copy_of_the_plan_kept_in_the_repository_is_not_prose_to_fix(tmp_path: Path) -> None:
    """The plan run from outside the repository, with a byte-identical copy committed inside
    it (a fixture carrying its own plan): the copy names the old paths on purpose."""
    plan_text = (Path(__file__).resolve().parents[1] / "restructure/plans/phase1-generic.yaml").read_text()
    repo = make_repo(
        tmp_path / "repo",
        {
            "services/a/app/__init__.py": "",
            "services/a/app/main.py": "app = object()\n",
            "ops/restructure-plan.yaml": plan_text,
        },
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text)
    result = invoke(repo, "phase1", "--commit", "--repo", str(repo), "--plan", str(plan))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    report = json.loads((repo / ".git/restructure/reports/phase-01.json").read_text())
    assert not [i for i in report["needs_human"] if i["path"] == "ops/restructure-plan.yaml"], report["needs_human"]
    assert (repo / "ops/restructure-plan.yaml").read_text() == plan_text
