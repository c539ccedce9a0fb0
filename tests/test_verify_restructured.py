"""``nox -s verify`` on fully restructured trees, against the baseline taken before phase 1.

The other verify tests judge the tree after phase 1 only; here every phase of the plan has
run (splits, merges, assembled routers, the gateway's move, the cleanup), which is what a
user verifies at the end. Per fixture, on a scratch git copy: the baseline of a few
services (``invoke snapshot``'s runner), every phase of the fixture's plan with one commit
each, then the real ``nox -s verify`` command line for those services, with PostgreSQL,
uvicorn and alembic for real and, for one service, a Docker image build and container run.
Every step of every service must pass (alembic is not applicable to a service without a
database). The services are chosen for what their phases do:

* monorepo ``sessions``: its literal ``/sessions/templates`` route must stay ahead of
  ``/sessions/{session_id}`` through a routers package assembled from a main.py include
  block (the route-order hazard); its image is built and run;
* monorepo ``academy``: models, schemas and router all split into packages, side schema
  modules merged, so metadata and alembic autogenerate see tables through a package;
* harbour ``berths``: a fixture of another shape, split models and routers with a side
  router moved into the routers package;
* harbour ``pilots`` and ``tugs``: images whose Dockerfiles copy only ``app/`` (from the
  repository root, and ``./app`` from the service folder as build context); phase 1 moves
  ``main.py`` out of it (and deletes tugs' emptied ``app/``), so their images are built and run.

A planted regression on the restructured tree must make the same command fail, naming the
step: the include order of the assembled routers reversed (routes), and the Dockerfile's
command left at the app's old module (docker).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from restructure import demo, engine
from restructure.plan import Plan, load_plan
from tests.conftest import FIXTURES, PYTHON, ROOT, make_git_copy
from tests.verify_support import REQUIRE_DOCKER, clone, docker_available
from verify.context import FAILED, PASSED, SKIPPED
from verify.runner import STEP_NAMES, take_snapshot

pytestmark = pytest.mark.slow

# fixture -> services verified; the DOCKER_SERVICES also run the docker step
SERVICES = {"monorepo": ["sessions", "academy"], "harbour": ["berths", "pilots", "tugs"]}
DOCKER_SERVICE = ("monorepo", "sessions")
# harbour's pilots image copies only app/ (main.py moves out of it), tugs' copies ./app from
# a service-folder build context (app/ is deleted): their images must still start and answer
DOCKER_SERVICES = {DOCKER_SERVICE, ("harbour", "pilots"), ("harbour", "tugs")}
WITHOUT_DOCKER = [s for s in STEP_NAMES if s != "docker"]


def quiet(_: str) -> None:
    pass


def service_dir(plan: Plan, service: str) -> str:
    return f"{plan.services_dir}/{service}{plan.service_suffix}"


@dataclass
class Restructured:
    fixture: str
    plan: Plan
    repo: Path


@pytest.fixture(scope="module")
def database_url(pg_server) -> str:
    return pg_server.url()


@pytest.fixture(scope="module")
def with_docker() -> bool:
    available = docker_available()
    if REQUIRE_DOCKER and not available:
        pytest.fail("REQUIRE_DOCKER=1 but no Docker engine answers")
    return available


@pytest.fixture(scope="module")
def restructured(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> dict[str, Restructured]:
    """Each fixture: the baseline of its services, then every phase of its plan, committed."""
    done = {}
    for fixture, services in SERVICES.items():
        plan = load_plan(demo.fixture_plan(fixture))
        repo = make_git_copy(FIXTURES / fixture, tmp_path_factory.mktemp(f"verify-{fixture}") / fixture)
        take_snapshot(repo, services, PYTHON, database_url, echo=quiet)
        for number in plan.phases:
            report = engine.run_phase(repo, number, commit=True, echo=quiet, plan=plan)
            assert not report.failed, (fixture, number, report.problems)
        done[fixture] = Restructured(fixture, plan, repo)
    return done


def nox_verify(repo: Path, services: list[str], reports: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``RESTRUCTURE_REPO=REPO nox -s verify -- --service S ...``, as a user runs it."""
    command = [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "verify", "--"]
    command += [arg for service in services for arg in ("--service", service)]
    return subprocess.run(
        [*command, "--python", PYTHON, "--reports", str(reports), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "RESTRUCTURE_REPO": str(repo)},
    )


@dataclass
class Verified:
    result: subprocess.CompletedProcess[str]
    steps: dict[str, list[str]]  # service -> steps asked for
    statuses: dict[tuple[str, str], tuple[str, str]]  # (service, step) -> (status, message)


def statuses(reports: Path) -> dict[tuple[str, str], tuple[str, str]]:
    data = json.loads((reports / "verify.json").read_text())
    return {(entry["service"], r["step"]): (r["status"], r["message"]) for entry in data for r in entry["results"]}


@pytest.fixture(scope="module")
def verified(
    restructured: dict[str, Restructured],
    database_url: str,
    with_docker: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Verified]:
    out = {}
    for fixture, services in SERVICES.items():
        repo = restructured[fixture].repo
        found: dict[tuple[str, str], tuple[str, str]] = {}
        asked: dict[str, list[str]] = {}
        results = []
        for service in services:  # one run per service: the docker step for one of them only
            docker = (fixture, service) in DOCKER_SERVICES
            steps = STEP_NAMES if docker else WITHOUT_DOCKER
            reports = tmp_path_factory.mktemp(f"reports-{fixture}-{service}")
            extra = ["--require-docker"] if docker and with_docker else []
            result = nox_verify(
                repo, [service], reports, "--database-url", database_url, "--steps", ",".join(steps), *extra
            )
            results.append(result)
            asked[service] = steps
            found.update(statuses(reports))
        out[fixture] = Verified(results[-1] if len(results) == 1 else _joined(results), asked, found)
    return out


def _joined(results: list[subprocess.CompletedProcess[str]]) -> subprocess.CompletedProcess[str]:
    """Several runs as one: the worst exit code, the outputs one after the other."""
    code = max(r.returncode for r in results)
    return subprocess.CompletedProcess(
        results[0].args, code, "".join(r.stdout for r in results), "".join(r.stderr for r in results)
    )


# --- the trees are restructured --------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "service"), [(f, s) for f, ss in SERVICES.items() for s in ss])
def test_every_step_of_the_plan_for_the_service_shows_in_the_tree(
    restructured: dict[str, Restructured], fixture: str, service: str
) -> None:
    """What verify judges is the finished layout: every split, merge and move of the
    service's phases (and of the phases for every service) is on disk, read from the plan."""
    plan, repo = restructured[fixture].plan, restructured[fixture].repo
    root = repo / service_dir(plan, service)
    missing = []
    for phase in plan.phases.values():
        if phase.scope not in {"all", service}:
            continue
        for step in phase.steps:
            args = step.args
            if not step.applies_to(service):
                continue
            if step.op in {"split", "merge"}:
                sources = [args["module"]] if step.op == "split" else args["modules"]
                if any((root / s).exists() for s in sources) or not (root / args["into"]).exists():
                    missing.append(f"phase {phase.number}: {step.op} {sources} -> {args['into']}")
            elif step.op == "move" and (root / args["from"]).exists():
                missing.append(f"phase {phase.number}: move {args['from']} -> {args['to']}")
    assert missing == []
    assert (root / "main.py").is_file() and not (root / "app").exists()


# --- every step passes --------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", list(SERVICES))
def test_verify_passes_on_the_fully_restructured_tree(
    verified: dict[str, Verified], restructured: dict[str, Restructured], fixture: str, with_docker: bool
) -> None:
    run = verified[fixture]
    assert run.result.returncode == 0, run.result.stdout[-4000:] + run.result.stderr[-2000:]
    problems = []
    for service, steps in run.steps.items():
        for step in steps:
            status, message = run.statuses.get((service, step), ("missing", "no result"))
            no_database = (
                step == "alembic"
                and not (
                    restructured[fixture].repo / service_dir(restructured[fixture].plan, service) / "alembic.ini"
                ).exists()
            )
            expected = SKIPPED if no_database or (step == "docker" and not with_docker) else PASSED
            if status != expected:
                problems.append(f"{service} {step}: {status} (expected {expected}): {message}")
    assert problems == []


def test_verify_judged_the_new_paths_against_the_old_baseline(verified: dict[str, Verified]) -> None:
    """The green result compares the new layout with the surface recorded before phase 1."""
    for fixture, run in verified.items():
        plan = load_plan(demo.fixture_plan(fixture))
        for service in run.steps:
            dotted = service_dir(plan, service).replace("/", ".")
            assert f"uvicorn {dotted}.main:app: /health 200" in run.statuses[(service, "uvicorn")][1]
            assert "equal the baseline" in run.statuses[(service, "routes")][1]
            assert "no test worse than the baseline" in run.statuses[(service, "tests")][1]
    for fixture, service in sorted(DOCKER_SERVICES):
        status, message = verified[fixture].statuses[(service, "docker")]
        if status == PASSED:
            assert ".main:app" in message and ".app.main:app" not in message, message


# --- planted regressions go red -----------------------------------------------------------------


def _reverse_includes(repo: Path, plan: Plan, service: str) -> None:
    """The assembled routers module includes its routers in the reverse order."""
    path = repo / service_dir(plan, service) / "routers" / "__init__.py"
    text = path.read_text()
    includes = re.findall(r"^api_router\.include_router\(.*\)\n", text, re.MULTILINE)
    assert len(includes) >= 2, text
    head, tail = text.split(includes[0], 1)
    path.write_text(head + "".join(reversed(includes)) + tail.split(includes[-1], 1)[1])


def _old_dockerfile_command(repo: Path, plan: Plan, service: str) -> None:
    """The Dockerfile still starts the app at the module phase 1 moved it from."""
    move = next(s for s in plan.phases[min(plan.phases)].steps if s.op == "move" and s.args["to"] == "main.py")
    dotted = service_dir(plan, service).replace("/", ".")
    old = f"{dotted}.{move.args['from'].removesuffix('.py').replace('/', '.')}:app"
    path = repo / service_dir(plan, service) / "Dockerfile"
    text = path.read_text()
    assert f"{dotted}.main:app" in text, text
    path.write_text(text.replace(f"{dotted}.main:app", old))


@dataclass
class Regression:
    name: str
    plant: Callable[[Path, Plan, str], None]
    steps: list[str]  # the steps run (the failing one first)
    needs_docker: bool = False


REGRESSIONS = [
    Regression("include order of the assembled routers reversed", _reverse_includes, ["routes", "uvicorn"]),
    Regression("Dockerfile command left at the old module", _old_dockerfile_command, ["docker"], needs_docker=True),
]


@pytest.mark.parametrize("row", REGRESSIONS, ids=[r.name for r in REGRESSIONS])
def test_a_planted_regression_makes_verify_fail(
    row: Regression,
    restructured: dict[str, Restructured],
    database_url: str,
    with_docker: bool,
    tmp_path: Path,
) -> None:
    fixture, service = DOCKER_SERVICE
    if row.needs_docker and not with_docker:
        pytest.skip("no Docker engine answers (CI sets REQUIRE_DOCKER=1, which fails instead)")
    done = restructured[fixture]
    repo = clone(done.repo, tmp_path / fixture)
    row.plant(repo, done.plan, service)
    reports = tmp_path / "reports"
    extra = ["--require-docker"] if row.needs_docker else []
    result = nox_verify(
        repo, [service], reports, "--database-url", database_url, "--steps", ",".join(row.steps), *extra
    )
    assert result.returncode != 0, result.stdout[-3000:]
    found = statuses(reports)
    status, message = found[(service, row.steps[0])]
    assert status == FAILED, f"{row.steps[0]}: {status}: {message}"
