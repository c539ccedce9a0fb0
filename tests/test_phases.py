"""End to end, through the command line, on scratch git copies of the fixtures.

The CLI contract (exit codes, ``--dry-run``, ``--commit``, dirty and non-git targets,
``invoke --list``, ``invoke status`` after a ``git reset``), then phases 1, 14 and 15 on
the main fixture and phases 1 and 5 on the harbour fixture with its own plan: no ``app/``
left, no stale old path in any file (unless the phase reported the line for a human),
every app importable at ``services.<svc>.main`` in a fresh process, the fixture's own
tests passing against PostgreSQL, history following the moves, and a second run that
changes nothing. The split phases are not run, so the phase writing CONVENTIONS.md must
first fail on the files they would have split (writing nothing), then pass with those
accepted under ``exceptions:``. Read-only tests share one prepared copy per fixture.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from restructure.plan import DEFAULT_PLAN, load_plan
from tests.conftest import FIXTURES, MONOREPO, PYTHON, git, make_git_copy, make_repo
from tests.repo_state import invoke, porcelain, tree_state
from verify.target import target_env

HARBOUR = FIXTURES / "harbour"
HARBOUR_PLAN = "restructure-plan.yaml"
MAIN_PHASES = [1, 14, 15]
HARBOUR_PHASES = [1, 5]  # the phases without split or merge operations
WORKERS = max(2, min(4, os.cpu_count() or 2))

ACTIVE = [
    "academy", "ai", "attendance", "communications", "events", "gateway", "media", "members",
    "payments", "sessions", "store", "transport", "volunteer",
]  # fmt: skip
HARBOUR_SERVICES = ["berths", "harbourmaster", "pilots", "tugs", "vessels"]

# Old paths in any spelling: full dotted or slashed service paths through app/, the
# relative forms a service README uses, and the deleted identity stub.
STALE = re.compile(
    r"services[./]\w+_service[./]app\b"
    r"|(?<![\w./-])app[./](?:main|tests|clients|routers|api|core|models|schemas|services)\b"
    r"|identity_service"
)


def run_ok(repo: Path, *args: str) -> str:
    result = invoke(repo, *args, "--repo", str(repo))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return result.stdout


def text_files(repo: Path) -> dict[str, str]:
    """Every text file of the work tree (tracked or not), by relative path."""
    out = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if rel.startswith((".git/", ".ruff_cache/")) or "__pycache__" in path.parts or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" not in data[:8192]:
            out[rel] = data.decode("utf-8", errors="replace")
    return out


def reported_for_a_human(reports: dict[int, dict]) -> set[tuple[str, int]]:
    """(path, line number) of every line the phase reports listed as needing a human (later
    phases may have rewritten other parts of such a line; they do not add or remove lines)."""
    return {(item["path"], item["line"]) for report in reports.values() for item in report["needs_human"]}


def reported_migration_documents(reports: dict[int, dict]) -> set[str]:
    """Documents a phase left alone as migration documents (a plan copy, HAZARDS.md): one note each."""
    return {
        note.split(":", 1)[0] for report in reports.values() for note in report["notes"] if "migration document" in note
    }


def stale_lines(done: Restructured, ignore: frozenset[str] = frozenset()) -> list[str]:
    reported = reported_for_a_human(done.reports)
    documents = reported_migration_documents(done.reports)
    found = []
    for rel, text in text_files(done.repo).items():
        if rel in ignore or rel in documents:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if STALE.search(line) and (rel, number) not in reported:
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


@dataclass
class Restructured:
    repo: Path
    before: dict[str, str]  # tree_state before the phases
    outputs: dict[int, str]
    reports: dict[int, dict]
    plans: dict[int, str | None]  # the plan each phase ran with (None: the shipped default)


def read_report(repo: Path, number: int, failed: bool = False) -> dict:
    name = f"phase-{number:02d}{'.failed' if failed else ''}.json"
    return json.loads((repo / ".git" / "restructure" / "reports" / name).read_text())


CONVENTION = re.compile(r"^CONV(\d+) ")


def accepting_plan(repo: Path, plan: str | None, report: dict, dest: Path) -> str:
    """The plan with every violation ``report`` lists accepted under ``exceptions:``, written
    to ``dest`` (outside the work tree): what a user who runs only part of the plan does."""
    source = repo / plan if plan else DEFAULT_PLAN
    data = yaml.safe_load(source.read_text())
    accepted = data.setdefault("exceptions", [])
    for item in report["needs_human"]:
        # the conventions step is the only one that may fail here
        match = CONVENTION.match(item["text"])
        assert item["reason"] == "convention violation" and match, item
        entry = {"path": item["path"], "rule": int(match.group(1)), "reason": "its split phase is not run"}
        if entry not in accepted:
            accepted.append(entry)
    dest.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(dest)


def restructure(source: Path, dest: Path, phases: list[int], plan: str | None = None) -> Restructured:
    """Run ``phases`` with --commit. The split phases are not among them, so the phase that
    writes CONVENTIONS.md must fail on the files they would have split, writing nothing; it is
    then run again with those files accepted as exceptions."""
    repo = make_git_copy(source, dest)
    before = tree_state(repo)
    outputs, reports, plans = {}, {}, {}
    for number in phases:
        extra = ["--plan", plan] if plan else []
        result = invoke(repo, f"phase{number}", "--commit", *extra, "--repo", str(repo))
        if result.returncode != 0:
            assert "write-conventions CONVENTIONS.md failed" in result.stdout + result.stderr, result.stdout[-3000:]
            assert porcelain(repo) == "", "a failed phase writes nothing"
            report = read_report(repo, number, failed=True)
            plan = accepting_plan(repo, plan, report, dest.parent / "accepting-plan.yaml")
            extra = ["--plan", plan]
            result = invoke(repo, f"phase{number}", "--commit", *extra, "--repo", str(repo))
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        outputs[number] = result.stdout
        reports[number] = read_report(repo, number)
        plans[number] = plan
    return Restructured(repo, before, outputs, reports, plans)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of the main fixture that tests only read (dry runs)."""
    return make_git_copy(MONOREPO, tmp_path_factory.mktemp("pristine") / "monorepo")


@pytest.fixture(scope="module")
def main_done(tmp_path_factory: pytest.TempPathFactory) -> Restructured:
    """The main fixture after ``invoke phase1``, ``phase14`` and ``phase15``, each with --commit."""
    return restructure(MONOREPO, tmp_path_factory.mktemp("main") / "monorepo", MAIN_PHASES)


@pytest.fixture(scope="module")
def harbour_done(tmp_path_factory: pytest.TempPathFactory) -> Restructured:
    return restructure(HARBOUR, tmp_path_factory.mktemp("harbour") / "harbour", HARBOUR_PHASES, HARBOUR_PLAN)


# --- the command-line contract ---------------------------------------------------------------


def test_invoke_list_shows_every_task_with_a_description() -> None:
    result = invoke(FIXTURES, "--list")
    assert result.returncode == 0, result.stderr
    described: dict[str, str] = {}
    name = None
    for line in result.stdout.splitlines():
        match = re.match(r"^  (\S+)\s+(\S.*)$", line)
        if match:
            name, description = match.groups()
            described[name] = description
        elif name and line.startswith("    "):
            described[name] += " " + line.strip()
    expected = {"all", "status", "conventions", *(f"phase{n}" for n in range(1, 16))}
    assert expected <= set(described), result.stdout
    for task in expected:
        assert len(described[task]) > 10, (task, described[task])
    assert described["phase1"].startswith("Phase 1: ")
    assert "app/main.py" in described["phase1"]


def test_dry_run_prints_operations_and_a_unified_diff_and_changes_nothing(pristine: Path) -> None:
    before = tree_state(pristine)
    result = invoke(pristine, "phase1", "--dry-run", "--repo", str(pristine))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Phase 1: Foundation" in out and "(dry run: nothing written)" in out
    assert re.search(r"^\s+done\s+move app/main\.py -> main\.py$", out, re.M)
    assert re.search(r"^\s+not found, skipped\s+move app/tests -> tests", out, re.M)
    assert "rename services/academy_service/app/main.py -> services/academy_service/main.py" in out
    assert "delete services/academy_service/app/api/__init__.py" in out
    assert "--- a/docker-compose.yml\n+++ b/docker-compose.yml\n" in out
    assert "-    command: uvicorn services.gateway_service.app.main:app" in out
    assert "+    command: uvicorn services.gateway_service.main:app" in out
    assert re.search(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@", out, re.M)
    assert tree_state(pristine) == before
    assert porcelain(pristine) == ""


def test_dry_run_of_a_finished_phase_says_no_changes(main_done: Restructured) -> None:
    result = invoke(main_done.repo, "phase14", "--dry-run", "--repo", str(main_done.repo))
    assert result.returncode == 0, result.stderr
    assert "(no changes)" in result.stdout


def test_a_rerun_keeps_the_report_of_the_run_that_did_the_work(main_done: Restructured) -> None:
    reports = main_done.repo / ".git" / "restructure" / "reports"
    first = (reports / "phase-14.json").read_text()
    result = invoke(main_done.repo, "phase14", "--repo", str(main_done.repo))
    assert result.returncode == 0 and "nothing to change" in result.stdout, result.stderr
    assert (reports / "phase-14.json").read_text() == first and json.loads(first)["moves"]
    rerun = json.loads((reports / "phase-14.rerun.json").read_text())
    assert not rerun["moves"] and not rerun["files_rewritten"]


def test_dirty_tree_is_refused_with_one_line(tmp_path: Path) -> None:
    repo = make_git_copy(MONOREPO, tmp_path / "repo")
    (repo / "README.md").write_text((repo / "README.md").read_text() + "local edit\n")
    before = tree_state(repo)
    result = invoke(repo, "phase1", "--repo", str(repo))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "uncommitted changes" in lines[0] and "README.md" in lines[0] and "--allow-dirty" in lines[0]
    assert tree_state(repo) == before
    # told otherwise, it runs and keeps the local edit
    run_ok(repo, "phase1", "--allow-dirty")
    assert (repo / "services" / "academy_service" / "main.py").is_file()
    assert (repo / "README.md").read_text().endswith("local edit\n")


def test_non_git_target_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "services").mkdir()
    result = invoke(tmp_path, "phase1", "--repo", str(plain))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {plain}: not a git repository; run 'git init' there or pass --repo PATH to a git work tree"
    ]
    assert sorted(p.name for p in plain.iterdir()) == ["services"]


def test_missing_target_and_unknown_task_exit_non_zero(tmp_path: Path) -> None:
    missing = invoke(tmp_path, "phase1", "--repo", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "not a directory" in missing.stderr
    unknown = invoke(tmp_path, "phase99", "--repo", str(tmp_path))
    assert unknown.returncode != 0


def test_commit_makes_one_commit_per_phase_after_its_renames(main_done: Restructured) -> None:
    repo = main_done.repo
    subjects = git(repo, "log", "--format=%s").splitlines()
    assert subjects == [
        "restructure: phase 15: Cleanup: identity stub, docs, conventions",
        "restructure: phase 14: Gateway: clients, routers and tests to the service root",
        "restructure: phase 14: Gateway: clients, routers and tests to the service root (renames only)",
        "restructure: phase 1: Foundation: move app/main.py and tests (all services)",
        "restructure: phase 1: Foundation: move app/main.py and tests (all services) (renames only)",
        "fixture",
    ]
    renames = git(repo, "log", "-1", "--format=%B", "HEAD~4")
    assert "git log --follow" in renames and "git bisect skip" in renames
    phase1 = git(repo, "log", "-1", "--format=%B", "HEAD~3")
    assert "Moved:\n" in phase1
    assert "  services/academy_service/app/main.py -> services/academy_service/main.py" in phase1
    assert "  services/members_service/app/tests/conftest.py -> services/members_service/tests/conftest.py" in phase1
    phase14 = git(repo, "log", "-1", "--format=%B", "HEAD~1")
    assert "  services/gateway_service/app/clients.py -> services/gateway_service/clients.py" in phase14
    assert "Rewrote references: " in phase14
    assert porcelain(repo) == ""


def test_status_reads_the_repository_after_a_manual_reset(tmp_path: Path) -> None:
    repo = make_git_copy(MONOREPO, tmp_path / "repo")

    def status() -> dict[tuple[int, str], str]:
        out = run_ok(repo, "status")
        rows, phase = {}, 0
        for line in out.splitlines():
            if line.startswith("phase "):
                phase = int(line.split()[1])
            elif line.strip():
                service, state = line.split(maxsplit=1)
                rows[(phase, service)] = state
        return rows

    before = status()
    assert {before[(1, s)] for s in ACTIVE} == {"pending"}
    assert before[(1, "identity")] == "not applicable"
    assert before[(14, "gateway")] == "pending" and before[(15, "repo")] == "pending"
    run_ok(repo, "phase1", "--commit")
    after = status()
    assert {after[(1, s)] for s in ACTIVE} == {"done"}
    assert after[(1, "identity")] == "not applicable"
    assert after[(12, "events")] == "done" and after[(13, "ai")] == "done"
    assert after[(14, "gateway")] == "pending"
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    assert status() == before


# --- phases 1, 14 and 15 on the main fixture -----------------------------------------------


def phase1_expectations() -> tuple[int, int, int]:
    """(files phase 1 moves, Dockerfile and compose lines naming ``app.main``), read from the
    fixture and the shipped plan rather than copied from a run."""
    plan = load_plan()
    phase = plan.phase(1)
    moves = 0
    for service in sorted(MONOREPO.glob("services/*_service")):
        name = service.name.removesuffix("_service")
        if not (service / "app" / "main.py").is_file():
            continue  # a service without an app is not in phase 1
        for step in phase.steps:
            if step.op != "move" or not step.applies_to(name):
                continue
            source = service / step.args["from"]
            files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
            moves += sum(1 for f in files if "__pycache__" not in f.parts)
    pattern = re.compile(r"\bapp\.main:app\b")
    dockerfiles = sum(len(pattern.findall(p.read_text())) for p in MONOREPO.glob("services/*/Dockerfile"))
    compose = sum(len(pattern.findall(p.read_text())) for p in MONOREPO.glob("docker-compose*.yml"))
    return moves, dockerfiles, compose


def phase14_expectations() -> tuple[int, int, int]:
    """(module-level and in-function ``from P import n`` statements where ``P.n`` is a module
    phase 14 moves, patch targets naming such a module), counted in the fixture: the gateway
    keeps ``app/`` until phase 14, so these are the references phase 14 rewrites."""
    plan = load_plan()
    gateway = "services/gateway_service"
    earlier = {s.args["from"] for s in plan.phase(1).steps if s.op == "move" and s.applies_to("gateway")}
    sources = [
        f"{gateway}/{s.args['from']}".removesuffix(".py")
        for s in plan.phase(14).steps
        if s.op == "move" and s.args["from"] not in earlier
    ]

    def moves(dotted: str) -> bool:
        path = dotted.replace(".", "/")
        return any(path == source or path.startswith(source + "/") for source in sources)

    counts = [0, 0, 0]
    for file in MONOREPO.rglob("*.py"):
        tree = ast.parse(file.read_text())
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        nested = {id(inner) for f in functions for inner in ast.walk(f) if inner is not f}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if any(moves(f"{node.module}.{alias.name}") for alias in node.names):
                    counts[1 if id(node) in nested else 0] += 1
            elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = ast.unparse(node.func).rsplit(".", 1)[-1]
                target = node.args[0].value
                if name in {"patch", "setattr"} and isinstance(target, str) and moves(target.rsplit(".", 1)[0]):
                    counts[2] += 1
    return counts[0], counts[1], counts[2]


def test_phase_reports(main_done: Restructured) -> None:
    phase1, phase14, phase15 = (main_done.reports[n] for n in MAIN_PHASES)
    moves, dockerfiles, compose = phase1_expectations()
    assert moves and dockerfiles and compose, "the fixture has what phase 1 rewrites"
    assert len(phase1["moves"]) == moves
    assert phase1["rewrites"]["dockerfile"] == dockerfiles and phase1["rewrites"]["compose"] == compose
    assert phase1["rewrites"]["shell"] >= 1  # scripts/db/migrate.sh
    assert phase1["python_parses_max_per_file"] <= 1  # 0 when only statements were parsed on their own
    assert phase1["python_fragments_parsed"] > 0
    outcomes = {(o["service"], o["step"]): o["outcome"] for o in phase1["outcomes"]}
    assert outcomes[("identity", "phase")] == "not applicable"
    assert outcomes[("gateway", "move app/tests -> tests")] == "not applicable"
    assert outcomes[("gateway", "move app/main.py -> main.py")] == "done"
    assert outcomes[("events", "move app/tests -> tests")] == "not found, skipped"
    package_attribute, in_function, patch_targets = phase14_expectations()
    assert package_attribute and in_function and patch_targets, "the fixture has what phase 14 rewrites"
    assert phase14["rewrites"]["import-package-attribute"] == package_attribute
    assert phase14["rewrites"]["import-package-attribute (in function)"] == in_function
    assert phase14["rewrites"]["patch-target"] == patch_targets
    assert "services/gateway_service/routers/__init__.py" in phase14["created"]
    assert "CONVENTIONS.md" in phase15["created"]
    assert {o["outcome"] for o in phase15["outcomes"]} == {"done"}


def test_no_app_directory_remains(main_done: Restructured) -> None:
    left = sorted(p.relative_to(main_done.repo).as_posix() for p in main_done.repo.glob("services/*/app"))
    assert left == []
    assert not (main_done.repo / "services" / "identity_service").exists()
    for name in ACTIVE:
        service = main_done.repo / "services" / f"{name}_service"
        assert (service / "main.py").is_file(), name
    for name in ["members", "sessions", "attendance", "gateway"]:
        tests = main_done.repo / "services" / f"{name}_service" / "tests"
        assert (tests / "__init__.py").is_file(), name
    gateway = main_done.repo / "services" / "gateway_service"
    assert (gateway / "clients.py").is_file() and (gateway / "routers" / "__init__.py").is_file()


def test_no_stale_reference_in_any_file(main_done: Restructured) -> None:
    assert stale_lines(main_done) == []


def test_every_file_kind_was_rewritten(main_done: Restructured) -> None:
    repo = main_done.repo
    assert "command: uvicorn services.gateway_service.main:app" in (repo / "docker-compose.prod.yml").read_text()
    assert '"services.academy_service.main:app"' in (repo / "services/academy_service/Dockerfile").read_text()
    assert "import services.${svc}_service.main" in (repo / "scripts/db/migrate.sh").read_text()
    assert '"services.academy_service.main"' in (repo / "scripts/generate_openapi.py").read_text()
    assert "uvicorn main:app" in (repo / "services/members_service/README.md").read_text()
    assert "services/sessions_service/tests" in (repo / "services/sessions_service/README.md").read_text()
    assert "arq services.academy_service.worker.WorkerSettings" in (repo / "docker-compose.yml").read_text()
    conftest = (repo / "services/gateway_service/tests/conftest.py").read_text()
    assert "from services.gateway_service import clients" in conftest
    proxy = (repo / "services/gateway_service/tests/test_gateway_proxy.py").read_text()
    assert 'monkeypatch.setattr("services.gateway_service.clients.academy_client"' in proxy
    main = (repo / "services/gateway_service/main.py").read_text()
    assert "    from services.gateway_service.routers import cleanup, dashboard\n" in main  # still lazy
    conventions = (repo / "CONVENTIONS.md").read_text()
    assert conventions.count("\n1. ") == 1 and "\n7. " in conventions


def test_history_follows_moved_files(main_done: Restructured) -> None:
    repo = main_done.repo
    for path in [
        "services/academy_service/main.py",
        "services/members_service/tests/conftest.py",
        "services/gateway_service/clients.py",
        "services/gateway_service/routers/dashboard.py",
        "services/gateway_service/tests/test_gateway_proxy.py",
    ]:
        log = git(repo, "log", "--follow", "--format=%s", "--name-status", "-M100%", "--", path)
        assert "fixture" in log.splitlines(), (path, log)
        assert any(line.startswith("R100\t") and line.endswith(f"\t{path}") for line in log.splitlines()), (path, log)


def _import_main(repo: Path, package: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import importlib, sys\n"
        f"m = importlib.import_module('services.{package}.main')\n"
        "assert m.app.__class__.__name__ == 'FastAPI', m.app\n"
        "try:\n"
        f"    importlib.import_module('services.{package}.app')\n"
        "except ModuleNotFoundError:\n"
        "    pass\n"
        "else:\n"
        "    sys.exit('the old app package still imports')\n"
    )
    return subprocess.run(
        [PYTHON, "-c", code], cwd=repo, env=target_env(repo), capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def main_imports(main_done: Restructured) -> dict[str, subprocess.CompletedProcess[str]]:
    """One fresh process per service (stub models of different services clash in one)."""
    with ThreadPoolExecutor(WORKERS) as pool:
        results = pool.map(lambda name: _import_main(main_done.repo, f"{name}_service"), ACTIVE)
        return dict(zip(ACTIVE, results, strict=True))


@pytest.mark.parametrize("name", ACTIVE)
def test_every_app_imports_from_its_new_path(main_imports, name: str) -> None:
    result = main_imports[name]
    assert result.returncode == 0, result.stderr[-3000:]


def _pytest(repo: Path, target: str, database_url: str) -> dict[str, int | str]:
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", target],
        cwd=repo,
        env=target_env(repo, {"TEST_DATABASE_URL": database_url}),
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
    counts: dict[str, int | str] = {
        k.rstrip("s"): int(v) for v, k in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary)
    }
    counts["output"] = result.stdout[-3000:] + result.stderr[-1000:]
    return counts


def _test_targets(repo: Path) -> list[str]:
    """Each repo-level test file alone (services register clashing stub models), and each
    service's tests directory."""
    repo_level = sorted(p.relative_to(repo).as_posix() for p in (repo / "tests").glob("test_*.py"))
    return repo_level + sorted(p.relative_to(repo).as_posix() for p in repo.glob("services/*/tests"))


def _run_fixture_tests(repo: Path, pg_server) -> dict[str, dict[str, int | str]]:
    targets = _test_targets(repo)
    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(zip(targets, pool.map(lambda t: _pytest(repo, t, pg_server.url()), targets), strict=True))


@pytest.fixture(scope="module")
def main_fixture_tests(main_done: Restructured, pg_server) -> dict[str, dict[str, int | str]]:
    return _run_fixture_tests(main_done.repo, pg_server)


@pytest.fixture(scope="module")
def attendance_errors_before(pg_server, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The stale attendance test errors in the untouched fixture too: keep that outcome."""
    repo = make_git_copy(MONOREPO, tmp_path_factory.mktemp("attendance") / "monorepo")
    counts = _pytest(repo, "services/attendance_service/app/tests", pg_server.url())
    assert counts.get("passed", 0) > 0, counts["output"]
    return int(counts.get("error", 0))


def test_fixture_test_targets_moved(main_done: Restructured) -> None:
    targets = _test_targets(main_done.repo)
    assert [t for t in targets if t.startswith("services/")] == [
        f"services/{name}_service/tests" for name in ["attendance", "gateway", "members", "sessions"]
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "target",
    [p.relative_to(MONOREPO).as_posix() for p in sorted((MONOREPO / "tests").glob("test_*.py"))]
    + [f"services/{name}_service/tests" for name in ["attendance", "gateway", "members", "sessions"]],
)
def test_fixture_own_tests_pass_after_the_phases(main_fixture_tests, attendance_errors_before, target: str) -> None:
    counts = main_fixture_tests[target]
    expected_errors = attendance_errors_before if target == "services/attendance_service/tests" else 0
    assert counts.get("passed", 0) > 0, counts["output"]
    assert counts.get("failed", 0) == 0, counts["output"]
    assert counts.get("skipped", 0) == 0, counts["output"]
    assert counts.get("error", 0) == expected_errors, counts["output"]


def test_second_run_changes_nothing(main_done: Restructured) -> None:
    repo = main_done.repo
    before = tree_state(repo)
    for number in MAIN_PHASES:
        plan = main_done.plans[number]
        out = run_ok(repo, f"phase{number}", "--commit", *(["--plan", plan] if plan else []))
        assert "nothing to change" in out, out
    assert tree_state(repo) == before
    assert git(repo, "status", "--porcelain") == ""


# --- the harbour fixture with its own plan ---------------------------------------------------


def test_harbour_phases(harbour_done: Restructured) -> None:
    repo = harbour_done.repo
    assert sorted(p.name for p in repo.glob("services/*/app")) == []
    for name in HARBOUR_SERVICES:
        assert (repo / "services" / f"{name}_service" / "main.py").is_file()
    assert (repo / "services/berths_service/tests/__init__.py").is_file()
    assert (repo / "CONVENTIONS.md").is_file()
    outcomes = {(o["service"], o["step"]): o["outcome"] for o in harbour_done.reports[1]["outcomes"]}
    assert outcomes[("vessels", "move app/tests -> tests")] == "not found, skipped"
    assert outcomes[("harbourmaster", "delete-if-empty app/api")] == "already done"
    compose = (repo / "docker-compose.yml").read_text()
    assert "uvicorn services.berths_service.main:app" in compose
    assert "arq services.berths_service.worker.WorkerSettings" in compose
    assert "uvicorn main:app" in (repo / "services/harbourmaster_service/README.md").read_text()
    subjects = [s for s in git(repo, "log", "--format=%s").splitlines() if not s.endswith("(renames only)")]
    # one commit per phase run (each of them changes something, some after their renames)
    assert len(subjects) == len(HARBOUR_PHASES) + 1 and subjects[-1] == "fixture"


def test_harbour_no_stale_reference(harbour_done: Restructured) -> None:
    assert stale_lines(harbour_done, ignore=frozenset({HARBOUR_PLAN})) == []


def test_harbour_history_follows(harbour_done: Restructured) -> None:
    for path in ["services/berths_service/main.py", "services/berths_service/tests/test_api.py"]:
        log = git(harbour_done.repo, "log", "--follow", "--format=%s", "--", path).splitlines()
        # the fixture's commit and phase 1's, the one phase that moves (or changes) the file,
        # after its renames commit when phase 1 also edits a file it moves
        phases = {subject.removesuffix(" (renames only)") for subject in log[:-1]}
        assert log[-1] == "fixture" and len(log) in (2, 3) and len(phases) == 1, (path, log)


@pytest.mark.parametrize("name", HARBOUR_SERVICES)
def test_harbour_apps_import_from_their_new_path(harbour_done: Restructured, name: str) -> None:
    result = _import_main(harbour_done.repo, f"{name}_service")
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
def test_harbour_own_tests_pass(harbour_done: Restructured, pg_server) -> None:
    results = _run_fixture_tests(harbour_done.repo, pg_server)
    assert "services/berths_service/tests" in results
    for target, counts in results.items():
        assert counts.get("passed", 0) > 0, (target, counts["output"])
        assert counts.get("failed", 0) == counts.get("error", 0) == counts.get("skipped", 0) == 0, (
            target,
            counts["output"],
        )


def test_harbour_second_run_changes_nothing(harbour_done: Restructured) -> None:
    repo = harbour_done.repo
    before = tree_state(repo)
    for number in HARBOUR_PHASES:
        out = run_ok(repo, f"phase{number}", "--commit", "--plan", harbour_done.plans[number] or "")
        assert "nothing to change" in out, out
    assert tree_state(repo) == before
    assert git(repo, "status", "--porcelain") == ""


TINY_SPLIT_PLAN = (
    "version: 1\nservices: [tiny]\nphases:\n  - phase: 1\n    scope: tiny\n    steps:\n"
    "      - {op: split, module: models.py, into: models, groups: {boat: [Boat, helper], berth: [Berth]}}\n"
)
TINY_MODELS = (
    "from dataclasses import dataclass\n\n\ndef helper() -> int:\n    return 1\n\n\n"
    "@dataclass\nclass Boat:\n    name: str\n\n    def size(self) -> int:\n        return helper()\n\n\n"
    "@dataclass\nclass Berth:\n    number: int\n"
)


def tiny_repo(tmp_path: Path, extra: dict[str, str] | None = None) -> tuple[Path, Path]:
    """A one-service repository whose models.py the plan splits into models/boat.py and berth.py."""
    repo = tmp_path / "tiny"
    files = {
        "services/__init__.py": "",
        "services/tiny_service/__init__.py": "",
        "services/tiny_service/main.py": "app = object()\n",
        "services/tiny_service/models.py": TINY_MODELS,
        **(extra or {}),
    }
    make_repo(repo, files)
    plan = tmp_path / "plan.yaml"
    plan.write_text(TINY_SPLIT_PLAN)
    return repo, plan


def test_a_split_alone_is_reported_and_committed_as_a_change(tmp_path: Path) -> None:
    """A phase whose only step is a split lists what it created and deleted, in its report
    and in its commit message; it never says "nothing to change"."""
    from restructure import engine

    repo, plan = tiny_repo(tmp_path)
    printed: list[str] = []
    report = engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=printed.append)
    assert report.changed and "nothing to change" not in printed[-1]
    assert report.deleted == ["services/tiny_service/models.py"]
    assert set(report.created) == {f"services/tiny_service/models/{n}.py" for n in ("__init__", "boat", "berth")}
    message = git(repo, "log", "-1", "--format=%B")
    assert "Deleted (1): services/tiny_service/models.py" in message
    assert "services/tiny_service/models/boat.py" in message


def test_every_modified_file_is_listed_in_report_and_commit(tmp_path: Path) -> None:
    """A phase that only rewrites references in existing files says which, never "nothing to change"."""
    from restructure import engine

    user = 'from unittest import mock\n\nPATCH = mock.patch("services.tiny_service.models.helper")\n'
    repo, plan = tiny_repo(tmp_path, {"tests/test_uses.py": user})
    printed: list[str] = []
    report = engine.run_phase(repo, 1, plan_path=plan, commit=True, echo=printed.append)
    changed_existing = {p for p in git(repo, "diff", "--name-only", "--diff-filter=M", "HEAD~1", "HEAD").split() if p}
    assert changed_existing, "the plan's split must change an existing importer"
    assert set(report.modified) == changed_existing
    message = git(repo, "log", "-1", "--format=%B")
    assert f"Modified ({len(changed_existing)}): " in message
    assert all(p in message and p in printed[-1] for p in changed_existing)


def test_a_patch_follows_a_function_when_the_split_module_keeps_its_name(tmp_path: Path) -> None:
    """models.py becomes the package models/ (same dotted name): the only thing that tells a
    test file to change is the patch target itself, which must now name models.boat."""
    test = (
        "from unittest import mock\n\nfrom services.tiny_service.models import Boat\n\n\n"
        "def test_size() -> None:\n"
        '    with mock.patch("services.tiny_service.models.helper", return_value=5):\n'
        '        assert Boat("x").size() == 5\n'
    )
    repo, plan = tiny_repo(tmp_path, {"tests/__init__.py": "", "tests/test_boat.py": test})
    run_ok(repo, "phase1", "--plan", str(plan), "--commit")
    assert 'mock.patch("services.tiny_service.models.boat.helper"' in (repo / "tests/test_boat.py").read_text()
    result = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=repo,
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:]
