"""The verification harness on the fixture, before restructuring and after phase 1.

One baseline is taken per module for three representative services (sessions: literal
routes that must come first; gateway: no database, many literal/parameter pairs;
communications: an arq worker in the compose files). Before any phase every applicable
step passes except layout, which lists what does not match yet; after phase 1 the app
starts at ``services.<svc>.main:app`` under uvicorn and in its container, and the surface
still equals the baseline taken before.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from restructure.engine import run_phase
from tests.conftest import PYTHON
from tests.verify_support import (
    REQUIRE_DOCKER,
    clone,
    describe,
    docker_available,
    results,
    snapshotted_copy,
    verify,
)
from verify import services as svc
from verify import snapshot
from verify.cli import verify_main
from verify.context import FAILED, PASSED, SKIPPED, StepResult
from verify.report import ServiceRun, write
from verify.runner import STEP_NAMES, exit_code

pytestmark = pytest.mark.slow

SERVICES = ["sessions", "gateway", "communications"]
NOT_APPLICABLE = {("gateway", "alembic")}  # the gateway has no database


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
def baseline_repo(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Path:
    return snapshotted_copy(tmp_path_factory.mktemp("harness") / "monorepo", SERVICES, database_url)


@pytest.fixture(scope="module")
def before(
    baseline_repo: Path, database_url: str, with_docker: bool, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, ServiceRun], Path]:
    reports = tmp_path_factory.mktemp("reports-before")
    runs = verify(baseline_repo, SERVICES, reports, database_url=database_url, require_docker=with_docker)
    return {run.service: run for run in runs}, reports


@pytest.fixture(scope="module")
def phase1_repo(baseline_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = clone(baseline_repo, tmp_path_factory.mktemp("harness-phase1") / "monorepo")
    run_phase(repo, 1, commit=True, echo=lambda _line: None)
    return repo


@pytest.fixture(scope="module")
def after(
    phase1_repo: Path, database_url: str, with_docker: bool, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ServiceRun]:
    reports = tmp_path_factory.mktemp("reports-after")
    runs = verify(phase1_repo, SERVICES, reports, database_url=database_url, require_docker=with_docker)
    return {run.service: run for run in runs}


def _dirname(name: str) -> str:
    return f"{name}_service"


# --- the baseline ---------------------------------------------------------------------------


def test_snapshot_is_kept_where_git_does_not_see_it(baseline_repo: Path) -> None:
    directory = snapshot.snapshot_dir(baseline_repo)
    assert directory.is_relative_to(baseline_repo / ".git")
    expected = [f"{s}.json" for s in SERVICES] + ["repo-tests.json"]  # the repository's own test run
    assert sorted(p.name for p in directory.glob("*.json")) == sorted(expected)
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=baseline_repo, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


@pytest.mark.parametrize("name", SERVICES)
def test_snapshot_records_the_surface(baseline_repo: Path, name: str) -> None:
    data = snapshot.load(baseline_repo, name)
    assert data is not None
    assert data["routes"] and data["openapi"]["paths"]
    assert all(outcome == "passed" for outcome in data["tests"].values()), data["tests"]
    assert data["tests"], "no test outcome recorded"
    if name == "gateway":
        assert data["tables"] == {}
    else:
        column = next(iter(data["tables"].values()))["columns"][0]
        assert {"name", "type", "nullable", "primary_key", "default", "foreign_keys"} <= column.keys()
    if name == "sessions":
        pair = next(p for p in data["pairs"] if p["literal"] == "/api/v1/sessions/templates")
        assert pair["reached"] == pair["literal_endpoint"] == "list_templates"


def test_snapshot_records_the_worker_task_functions(baseline_repo: Path) -> None:
    workers = snapshot.load(baseline_repo, "communications")["workers"]
    assert workers["communications-worker"]["ok"] is True
    assert workers["communications-worker"]["functions"]


def test_probe_is_reproducible(baseline_repo: Path) -> None:
    """A second probe in a new process gives the same OpenAPI document and metadata."""
    service = svc.get(baseline_repo, "sessions")
    again = snapshot.probe(PYTHON, baseline_repo, service, modules=False)
    stored = snapshot.load(baseline_repo, "sessions")
    assert again["openapi"] == stored["openapi"]
    assert again["tables"] == stored["tables"]
    assert again["routes"] == stored["routes"]


# --- before any phase -----------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_before_restructuring_every_applicable_step_passes_but_layout(
    before: tuple[dict[str, ServiceRun], Path], name: str, with_docker: bool
) -> None:
    got = results(before[0][name])
    assert list(got) == STEP_NAMES
    for step_name, result in got.items():
        if step_name == "layout":
            continue
        if (name, step_name) in NOT_APPLICABLE:
            assert result.status == SKIPPED and result.message, describe(result)
        elif step_name == "docker" and not with_docker:
            assert result.status == SKIPPED and "no Docker engine" in result.message, describe(result)
        else:
            assert result.status == PASSED, describe(result)


@pytest.mark.parametrize("name", SERVICES)
def test_a_warm_rebuild_builds_no_layer_that_did_not_change(
    before: tuple[dict[str, ServiceRun], Path], name: str, with_docker: bool
) -> None:
    """The snapshot built these images from the same tree: verify's build of it reuses every
    layer; only the run's own label (a metadata step, new per run by design, so a crashed
    run's leftovers can be found) is built again."""
    if not with_docker:
        pytest.skip("no Docker engine")
    docker = results(before[0][name])["docker"]
    assert docker.status == PASSED, describe(docker)
    log = (before[1] / f"{name}-docker-build.log").read_text()
    steps = re.split(r"^Step \d+/\d+ : ", log, flags=re.M)[1:]
    built = [s.splitlines()[0] for s in steps if " ---> Using cache" not in s]
    assert built and built[0].startswith("FROM ") and built[-1].startswith("LABEL restructure-verify.run=")
    assert len(built) == 2, f"layers built again: {built[1:-1]}"
    assert re.search(rf"\({len(steps) - 2}/{len(steps)} steps cached\)", docker.message), describe(docker)


@pytest.mark.parametrize("name", SERVICES)
def test_before_restructuring_layout_lists_what_does_not_match(
    before: tuple[dict[str, ServiceRun], Path], name: str
) -> None:
    layout = results(before[0][name])["layout"]
    assert layout.status == FAILED
    assert "convention violation" in layout.message
    root = f"services/{_dirname(name)}"
    assert f"{root}/app:0: CONV4 app/ wrapper directory" in layout.message + "\n".join(layout.details)
    assert f"{root}:0: CONV1 no main.py at the service root" in layout.details
    assert all(line.startswith(root) for line in layout.details), layout.details


@pytest.mark.parametrize("name", SERVICES)
def test_before_restructuring_uvicorn_runs_the_old_path(before: tuple[dict[str, ServiceRun], Path], name: str) -> None:
    uvicorn = results(before[0][name])["uvicorn"]
    assert f"uvicorn services.{_dirname(name)}.app.main:app: /health 200" in uvicorn.message


def test_literal_routes_are_requested_over_http(before: tuple[dict[str, ServiceRun], Path]) -> None:
    for name in ("sessions", "gateway"):
        message = results(before[0][name])["uvicorn"].message
        pairs = int(message.split("; ")[1].split()[0])
        assert pairs > 0, message
        assert "requested over HTTP" in message


def test_compose_step_checks_the_arq_worker(before: tuple[dict[str, ServiceRun], Path]) -> None:
    compose = results(before[0]["communications"])["compose"]
    assert compose.status == PASSED, describe(compose)
    assert "arq services.communications_service.worker:WorkerSettings" in compose.message
    assert any("task function" in line for line in compose.details), compose.details
    gateway = results(before[0]["gateway"])["compose"]
    assert "uvicorn services.gateway_service.app.main:app" in gateway.message


# --- after phase 1 --------------------------------------------------------------------------


def test_phase1_moved_the_apps(phase1_repo: Path) -> None:
    for name in SERVICES:
        service = svc.get(phase1_repo, name)
        assert service.main_module == f"services.{_dirname(name)}.main"
        assert not (service.root / "app" / "main.py").exists()


@pytest.mark.parametrize("name", SERVICES)
def test_after_phase1_uvicorn_starts_at_the_new_path(after: dict[str, ServiceRun], name: str) -> None:
    uvicorn = results(after[name])["uvicorn"]
    assert uvicorn.status == PASSED, describe(uvicorn)
    assert f"uvicorn services.{_dirname(name)}.main:app: /health 200" in uvicorn.message


@pytest.mark.parametrize("name", SERVICES)
def test_after_phase1_the_container_runs_the_new_path(
    after: dict[str, ServiceRun], name: str, docker_client: object
) -> None:
    docker = results(after[name])["docker"]
    assert docker.status == PASSED, describe(docker)
    assert f"CMD `uvicorn services.{_dirname(name)}.main:app" in docker.message


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("step_name", ["imports", "routes", "metadata", "tests", "compose"])
def test_after_phase1_the_surface_equals_the_baseline(after: dict[str, ServiceRun], name: str, step_name: str) -> None:
    result = results(after[name])[step_name]
    assert result.status == PASSED, describe(result)
    if step_name in {"routes", "metadata"}:
        assert "equal the baseline" in result.message
    if step_name == "tests":
        assert "no test worse than the baseline" in result.message


def test_after_phase1_migrations_still_apply(after: dict[str, ServiceRun]) -> None:
    for name in ("sessions", "communications"):
        alembic = results(after[name])["alembic"]
        assert alembic.status == PASSED, describe(alembic)
        assert "autogenerate found no difference" in alembic.message


# --- reports --------------------------------------------------------------------------------


def test_reports_are_written_and_parse(before: tuple[dict[str, ServiceRun], Path]) -> None:
    runs, reports = before
    data = json.loads((reports / "verify.json").read_text())
    assert [entry["service"] for entry in data] == SERVICES
    assert [r["step"] for r in data[0]["results"]] == STEP_NAMES
    assert {r["status"] for entry in data for r in entry["results"]} <= {PASSED, FAILED, SKIPPED}

    markdown = (reports / "verify.md").read_text()
    assert markdown.startswith("# Verification\n")
    assert "| service | " + " | ".join(STEP_NAMES) + " | total |" in markdown
    assert all(f"| {name} |" in markdown for name in SERVICES)
    assert "**sessions layout** (failed)" in markdown

    root = ET.parse(reports / "verify.junit.xml").getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == sorted(f"verify-{s}" for s in SERVICES)
    sessions = suites["verify-sessions"]
    assert sessions.get("tests") == str(len(STEP_NAMES))
    failed = [c.get("name") for c in sessions.iter("testcase") if c.find("failure") is not None]
    assert failed == ["layout"]
    assert (reports / "sessions-junit-tests.xml").is_file()  # the service's own test run is kept
    assert exit_code(list(runs.values())) == 1


def test_junit_report_survives_control_characters(tmp_path: Path) -> None:
    run = ServiceRun(
        "sessions",
        [
            StepResult("docker", FAILED, "\x1b[31mboom\x1b[0m \x00 <&>", ["log \x07 line"], 1.0),
            StepResult("alembic", SKIPPED, "no \x0b database", [], 0.0),
        ],
    )
    paths = write([run], tmp_path)
    root = ET.parse(tmp_path / "verify.junit.xml").getroot()
    assert root.find(".//failure").get("message") == "boom ? <&>"
    assert json.loads((tmp_path / "verify.json").read_text())[0]["results"][0]["status"] == FAILED
    assert sorted(p.name for p in paths) == ["verify.json", "verify.junit.xml", "verify.md"]


def test_cli_exit_code_follows_the_steps(baseline_repo: Path, database_url: str, tmp_path: Path) -> None:
    common = ["--repo", str(baseline_repo), "--python", PYTHON, "--database-url", database_url]
    ok = verify_main([*common, "--steps", "routes,metadata", "--reports", str(tmp_path / "ok")], ["sessions"])
    assert ok == 0
    failing = verify_main([*common, "--steps", "layout,routes", "--reports", str(tmp_path / "bad")], ["sessions"])
    assert failing == 1
    for directory in (tmp_path / "ok", tmp_path / "bad"):
        json.loads((directory / "verify.json").read_text())
        ET.parse(directory / "verify.junit.xml")
        assert (directory / "verify.md").read_text().startswith("# Verification")


def test_cli_rejects_an_unknown_step(baseline_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = verify_main(["--repo", str(baseline_repo), "--python", PYTHON, "--steps", "routes,lint"], ["sessions"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown step(s) lint" in err[0]
