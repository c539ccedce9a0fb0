"""The monorepo fixture "five months later" (``scripts/drift_fixture.py``), through ``invoke all``.

With the shipped plan the run must refuse in the pre-flight, listing the problems planted in
two different phases at once and writing nothing, on a copy whose code has been imported
(caches present). With the plan a user writes after reading that list it must finish with
every phase's check green: every service of the tree (the two the plan gained included)
imports, no ``app/`` remains, ``invoke status`` shows nothing failed, drifted or pending.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MONOREPO, ROOT, git, make_git_copy
from tests.test_preflight import _listed_problems, repo_state

DEFAULT_PLAN = ROOT / "restructure" / "plans" / "default.yaml"


def _drift_module():
    spec = importlib.util.spec_from_file_location("drift_fixture", ROOT / "scripts" / "drift_fixture.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


drift = _drift_module()


def _invoke(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *args], cwd=repo, capture_output=True, text=True
    )


@pytest.fixture
def drifted(tmp_path: Path) -> Path:
    repo = make_git_copy(MONOREPO, tmp_path / "monorepo")
    drift.advance(repo)
    return repo


def test_the_drift_has_what_it_promises(drifted: Path) -> None:
    """What the script plants is there (so the refusal below is about it)."""
    services = {p.name for p in (drifted / "services").glob("*_service")}
    assert {"billing_service", "search_service"} <= services
    assert (drifted / "services/billing_service/app/deps.py").is_file()
    assert (drifted / "services/members_service/models/__init__.py").is_file()
    assert not (drifted / "services/members_service/models.py").exists()
    assert "router = routers_router" in (drifted / "services/members_service/router.py").read_text()
    assert (drifted / "docs/ARCHITECTURE.md").is_file() and not (drifted / "ARCHITECTURE.md").exists()
    inits = list(drifted.glob("services/*_service/app/__init__.py"))
    assert inits and all(p.read_text().startswith('"""') for p in inits)
    assert git(drifted, "status", "--porcelain") == ""


def test_the_shipped_plan_is_refused_in_the_pre_flight_with_every_problem(drifted: Path) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", "services"], cwd=drifted, check=True)
    assert list(drifted.glob("services/*_service/app/__pycache__")), "the code has been run"
    before = repo_state(drifted)
    done = _invoke(drifted, "all", "--repo", str(drifted), "--commit")
    assert done.returncode != 0, done.stdout[-2000:]
    assert repo_state(drifted) == before, "the refused run wrote something"
    listed = _listed_problems(done.stdout)
    assert set(drift.PLANTED) <= set(listed), done.stdout[-3000:]
    for number, fragment in drift.PLANTED.items():
        assert any(fragment in problem for problem in listed[number]), (number, listed[number])
    # the app/ directories left are named: the two services the plan does not list
    (app_dirs,) = [p for p in listed[15] if "app/ directories remain" in p]
    assert "services/billing_service/app" in app_dirs and "services/search_service/app" in app_dirs
    # status says the hand-made split drifted, read from the tree alone
    status = _invoke(drifted, "status", "--repo", str(drifted))
    members = [line for line in status.stdout.splitlines() if line.strip().startswith("members ")]
    assert "drifted" in members[1], status.stdout  # phase 3 (members' own phase), after phase 1's row


def test_the_settled_plan_finishes_with_every_check_green(drifted: Path, tmp_path: Path) -> None:
    plan = drift.settle_plan(DEFAULT_PLAN, tmp_path / "settled.yaml")
    done = _invoke(drifted, "all", "--repo", str(drifted), "--commit", "--plan", str(plan))
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr)
    assert "pre-flight: phases 1-15 pass" in done.stdout
    assert "FAILED" not in done.stdout
    status = _invoke(drifted, "status", "--repo", str(drifted), "--plan", str(plan))
    states = {line.split()[-1] for line in status.stdout.splitlines() if line.startswith("  ")}
    assert not states & {"failed", "drifted", "pending"}, status.stdout
    assert not list(drifted.glob("services/*_service/app")), "no app/ remains"
    assert (drifted / "services/billing_service/deps.py").is_file()
    assert git(drifted, "status", "--porcelain") == ""
    # every service on disk, the two the plan gained included, still imports
    for service in sorted(p.name for p in (drifted / "services").glob("*_service")):
        imported = subprocess.run(
            [sys.executable, "-c", f"import services.{service}.main"], cwd=drifted, capture_output=True, text=True
        )
        assert imported.returncode == 0, f"{service}: {imported.stderr[-800:]}"


# The services nox verifies after the settled run: the hand-split one, the two the plan gained
# (billing had more than main.py in app/), and one the drift did not touch. Every service on
# disk has a session (``nox -l``); the whole table over all of them is measured in the issue
# notes (about ten minutes), too long to repeat in CI.
VERIFIED = ["members", "billing", "search", "sessions"]
STEPS = "layout,imports,routes,metadata,uvicorn,alembic,compose,tests"


def test_the_settled_run_is_verified_against_the_baseline(drifted: Path, tmp_path: Path, pg_server) -> None:
    """``invoke snapshot``, ``invoke all`` with the settled plan, then ``nox -s verify`` as a
    user runs them: every cell green or pre-existing, and a session for every service."""
    plan = drift.settle_plan(DEFAULT_PLAN, tmp_path / "settled.yaml")
    common = ["--python", sys.executable, "--database-url", pg_server.url()]
    services = [arg for name in VERIFIED for arg in ("--service", name)]
    snap = _invoke(drifted, "snapshot", "--repo", str(drifted), "--no-docker", *services, *common)
    assert snap.returncode == 0, (snap.stdout[-3000:], snap.stderr[-2000:])
    done = _invoke(drifted, "all", "--repo", str(drifted), "--commit", "--plan", str(plan))
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr)
    env = {**os.environ, "RESTRUCTURE_REPO": str(drifted)}
    nox = [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py")]
    listed = subprocess.run([*nox, "-l"], cwd=ROOT, capture_output=True, text=True, env=env)
    on_disk = sorted(p.name.removesuffix("_service") for p in (drifted / "services").glob("*_service"))
    assert {f"verify-{name}" for name in on_disk} <= set(re.findall(r"verify-[\w-]+", listed.stdout)), listed.stdout
    reports = tmp_path / "reports"
    verified = subprocess.run(
        [*nox, "-s", "verify", "--", *services, *common, "--steps", STEPS, "--reports", str(reports)],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=1200,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stdout[-4000:] + verified.stderr[-2000:]
    cells = {
        (entry["service"], result["step"]): result["status"]
        for entry in json.loads((reports / "verify.json").read_text())
        for result in entry["results"]
    }
    assert {service for service, _ in cells} == set(VERIFIED)
    assert set(cells.values()) <= {"passed", "pre-existing", "skipped"}, cells
    assert cells[("billing", "imports")] == "passed" and cells[("members", "routes")] == "passed"
