"""Verification judges the restructure, not the repository: the production fixture.

The fixture's services need their compose environment to import, share one database
migrated in the order of its script, are tested by repository tests not named after them,
and one of them (billing) crashes at start before any restructure. A baseline is taken,
the fixture's own plan runs, and verification must be green except what the baseline
already had, which is listed as pre-existing. Then one regression of each kind is planted
in a copy of the restructured tree: it must fail exactly its step(s) of exactly its service.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from restructure.engine import run_phase
from restructure.plan import load_plan
from tests.conftest import FIXTURES, PYTHON, git, make_git_copy
from tests.verify_support import REQUIRE_DOCKER, clone, describe, docker_available, edit, results, verify
from verify import repo_tests, snapshot
from verify.context import FAILED, PASSED, PREEXISTING, SKIPPED
from verify.runner import BaselineRefused, take_snapshot

pytestmark = pytest.mark.slow

PRODUCTION = FIXTURES / "production"
PLAN = PRODUCTION / "restructure-plan.yaml"
SERVICES = ["accounts", "billing", "orders"]
NO_DOCKER = ["layout", "imports", "routes", "metadata", "alembic", "uvicorn", "tests", "compose"]
# What the baseline already gets wrong (HAZARDS.md 5): billing's lifespan needs a variable
# compose never sets, so it stops at start under uvicorn.
PREEXISTING_CELLS = {("billing", "uvicorn")}


def _quiet(_line: str) -> None:
    pass


@pytest.fixture(scope="module")
def database_url(pg_server) -> str:
    return pg_server.url()


@pytest.fixture(scope="module")
def baseline_repo(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Path:
    repo = make_git_copy(PRODUCTION, tmp_path_factory.mktemp("production") / "production")
    take_snapshot(repo, None, PYTHON, database_url, echo=_quiet, steps=[s for s in NO_DOCKER if s != "tests"])
    return repo


@pytest.fixture(scope="module")
def restructured(baseline_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = clone(baseline_repo, tmp_path_factory.mktemp("production-after") / "production")
    plan = load_plan(PLAN)
    for number in plan.phases:
        run_phase(repo, number, commit=True, echo=_quiet, plan=plan)
    return repo


def _failed_cells(runs) -> dict[tuple[str, str], str]:
    return {(run.service, r.step): r.status for run in runs for r in run.results if r.status in {FAILED, PREEXISTING}}


# --- the baseline -------------------------------------------------------------------------------


def test_baseline_records_what_already_fails(baseline_repo: Path) -> None:
    billing = snapshot.load(baseline_repo, "billing")
    assert billing["steps"]["uvicorn"]["status"] == FAILED
    assert "RuntimeError: PAYMENT_GATEWAY_URL is not set" in billing["steps"]["uvicorn"]["message"]
    assert "uvicorn" not in billing["judgeable"] and "alembic" in billing["judgeable"]
    for name in ("accounts", "orders"):
        data = snapshot.load(baseline_repo, name)
        assert all(r["status"] == PASSED for r in data["steps"].values()), data["steps"]


def test_repository_tests_are_attributed_by_imports(baseline_repo: Path) -> None:
    """Every test the CI workflow selects (``-m "not live"`` over tests/) ran once; each is
    counted under the services it imports or patches."""
    run = snapshot.load(baseline_repo, "repo-tests")
    files = sorted(p.name for p in (PRODUCTION / "tests").glob("test_*.py"))
    expected_ids, live = set(), set()
    for f in files:
        lines = (PRODUCTION / "tests" / f).read_text().splitlines()
        for before, line in zip(["", *lines], lines, strict=False):
            if line.startswith("def test_"):
                test = f"tests.{f.removesuffix('.py')}::{line.split('(')[0].removeprefix('def ')}"
                (live if before == "@pytest.mark.live" else expected_ids).add(test)
    assert live, "the fixture has a test its CI workflow leaves out"
    assert set(run["outcomes"]) == expected_ids
    assert run["source"] == "CI workflow .github/workflows/ci.yml" and "-m not live" in run["summary"]
    assert all(o == "passed" for o in run["outcomes"].values()), run["outcomes"]
    owners = run["owners"]
    assert owners["tests.test_checkout::test_quote_uses_the_tax_rate"] == ["orders"]  # a fixture's lazy import
    assert owners["tests.test_checkout::test_invoice_number_format"] == ["billing"]  # a lazy import in the test
    assert owners["tests.test_smoke::test_accounts_health"] == ["accounts"]  # a module-level import
    assert owners["tests.test_checkout::test_rounding_is_bankers"] == ["repo-tests"]


@pytest.mark.parametrize(
    ("scope", "files"),
    [
        ({"accounts"}, ["tests/test_smoke.py"]),  # a module-level import
        ({"billing"}, ["tests/test_checkout.py"]),  # a lazy import inside one test
        ({"orders"}, ["tests/test_checkout.py"]),  # a lazy import inside a fixture the tests ask for
        ({"accounts", "orders"}, ["tests/test_checkout.py", "tests/test_smoke.py"]),
    ],
)
def test_verifying_some_services_runs_only_the_files_that_exercise_them(
    baseline_repo: Path, scope: set[str], files: list[str]
) -> None:
    from verify import services as svc

    assert repo_tests.scoped_files(baseline_repo, ["tests"], svc.discover(baseline_repo), scope) == files


def test_one_service_is_judged_by_its_own_repository_tests(
    baseline_repo: Path, tmp_path: Path, database_url: str
) -> None:
    """``verify-accounts`` runs the files exercising accounts, judged against the whole run's baseline."""
    (run,) = verify(baseline_repo, ["accounts"], tmp_path, steps=["tests"], database_url=database_url)
    result = results(run)["tests"]
    assert result.status == PASSED, describe(result)
    junit = (tmp_path / "repo-tests-junit.xml").read_text()
    assert "test_smoke" in junit and "test_checkout" not in junit


RUN = repo_tests.RepoTestRun
WHOLE = RUN(
    outcomes={"a1": "passed", "b1": "failed", "x": "passed"}, owners={"a1": ["a"], "b1": ["b"], "x": ["repo-tests"]}
)


@pytest.mark.parametrize(
    ("earlier", "now", "outcomes", "scope"),
    [
        # no earlier record: the scoped run is what there is
        (None, RUN(outcomes={"a1": "failed"}, owners={"a1": ["a"]}, scope=["a"]), {"a1": "failed"}, ["a"]),
        # a scoped snapshot over the whole run replaces its services' tests and keeps the others
        (WHOLE, RUN(outcomes={"a1": "failed"}, owners={"a1": ["a"]}, scope=["a"]),
         {"a1": "failed", "b1": "failed", "x": "passed"}, None),
        # a test of the scope that no longer exists is dropped, not kept from the earlier record
        (WHOLE, RUN(outcomes={}, owners={}, scope=["b"]), {"a1": "passed", "x": "passed"}, None),
        # two scoped snapshots add up to the union of their scopes
        (RUN(outcomes={"b1": "passed"}, owners={"b1": ["b"]}, scope=["b"]),
         RUN(outcomes={"a1": "passed"}, owners={"a1": ["a"]}, scope=["a"]),
         {"a1": "passed", "b1": "passed"}, ["a", "b"]),
        # a whole run replaces everything
        (WHOLE, RUN(outcomes={"a1": "passed"}, owners={"a1": ["a"]}), {"a1": "passed"}, None),
    ],
)  # fmt: skip
def test_a_scoped_baseline_is_merged_into_the_earlier_record(
    earlier: repo_tests.RepoTestRun | None,
    now: repo_tests.RepoTestRun,
    outcomes: dict[str, str],
    scope: list[str] | None,
) -> None:
    got = repo_tests.merged(earlier, now)
    assert (got.outcomes, got.scope) == (outcomes, scope)
    assert set(got.owners) == set(outcomes)


def test_shared_database_order_comes_from_the_migrate_script(baseline_repo: Path, database_url: str) -> None:
    from verify import databases, environment
    from verify import services as svc

    every = svc.discover(baseline_repo)
    envs = {s.name: environment.declared(baseline_repo, s).values for s in every}
    (group,) = databases.shared_databases(baseline_repo, every, envs, {})
    script = (PRODUCTION / "scripts" / "migrate.sh").read_text()
    assert group.services == sorted(SERVICES, key=lambda n: script.index(f"{n}_service"))
    assert "migrate script" in group.order_reason


@pytest.mark.parametrize(
    ("plant", "refused"),
    [
        # billing's compose entry loses the shared database block: its settings have no default
        (("docker-compose.yml", "      <<: *database\n      SERVICE_NAME: billing", "      SERVICE_NAME: billing"),
         {"billing": "KeyError: 'DATABASE_URL'"}),
    ],
)  # fmt: skip
def test_a_baseline_whose_apps_do_not_import_is_refused(
    tmp_path: Path, database_url: str, plant: tuple[str, str, str], refused: dict[str, str]
) -> None:
    repo = make_git_copy(PRODUCTION, tmp_path / "production")
    edit(repo / plant[0], plant[1], plant[2])
    with pytest.raises(BaselineRefused) as caught:
        take_snapshot(repo, None, PYTHON, database_url, echo=_quiet, steps=[])
    lines = str(caught.value).splitlines()[1:]
    assert [line.split(":")[0] for line in lines] == sorted(refused)
    for line, (_name, error) in zip(lines, sorted(refused.items()), strict=True):
        assert error in line
    assert snapshot.load(repo, "accounts") is None, "a refused baseline writes nothing"
    # --allow-partial: the others are recorded, and the app that does not import is pre-existing
    take_snapshot(repo, None, PYTHON, database_url, echo=_quiet, steps=["imports"], allow_partial=True)
    assert snapshot.load(repo, "accounts")["steps"]["imports"]["status"] == PASSED
    (run,) = verify(repo, ["billing"], tmp_path / "reports", steps=["imports", "routes"], database_url=database_url)
    assert {r.status for r in run.results} == {PREEXISTING}, [describe(r) for r in run.results]


# --- after the restructure ------------------------------------------------------------------------


def test_restructured_fixture_is_green_but_for_what_was_already_broken(
    restructured: Path, database_url: str, tmp_path: Path
) -> None:
    runs = verify(restructured, None, tmp_path, steps=NO_DOCKER, database_url=database_url)
    by_service = {run.service: results(run) for run in runs}
    assert sorted(by_service) == [*SERVICES, "repo-tests"]
    cells = _failed_cells(runs)
    assert cells == {cell: PREEXISTING for cell in PREEXISTING_CELLS}, {
        c: describe(by_service[c[0]][c[1]]) for c in cells
    }
    billing = by_service["billing"]["uvicorn"]
    assert "PAYMENT_GATEWAY_URL is not set" in billing.message
    for name in SERVICES:
        assert by_service[name]["alembic"].status == PASSED, describe(by_service[name]["alembic"])
        assert "shared database" in by_service[name]["alembic"].message
        assert by_service[name]["tests"].status == PASSED, describe(by_service[name]["tests"])


REGRESSIONS = [
    # (id, file, old, new, the failed cells)
    ("route", "services/accounts_service/router.py", '@router.get("/support")', '@router.get("/help")',
     {("accounts", "routes")}),
    ("column", "services/orders_service/models.py", "status: Mapped[str] = mapped_column(String(20))",
     "status: Mapped[str] = mapped_column(String(40))", {("orders", "metadata"), ("orders", "alembic")}),
    ("patch string", "tests/test_checkout.py", '"services.orders_service.pricing.tax_rate"',
     '"services.orders_service.app.pricing.tax_rate"', {("orders", "tests")}),
    ("dropped env var", "docker-compose.yml", "    env_file: services/accounts_service/.env\n", "",
     {("accounts", "compose")}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"), [r[1:] for r in REGRESSIONS], ids=[r[0] for r in REGRESSIONS]
)
def test_a_planted_regression_fails_exactly_its_step(
    restructured: Path,
    database_url: str,
    tmp_path: Path,
    file: str,
    old: str,
    new: str,
    expected: set[tuple[str, str]],
) -> None:
    repo = clone(restructured, tmp_path / "production")
    edit(repo / file, old, new)
    runs = verify(repo, None, tmp_path / "reports", steps=NO_DOCKER, database_url=database_url)
    cells = _failed_cells(runs)
    failed = {cell for cell, status in cells.items() if status == FAILED}
    assert failed == expected, {c: describe(results(next(r for r in runs if r.service == c[0]))[c[1]]) for c in cells}
    assert {cell for cell, status in cells.items() if status == PREEXISTING} == PREEXISTING_CELLS


# --- docker, relative to the baseline -------------------------------------------------------------


def test_docker_relative_to_the_baseline(tmp_path: Path, database_url: str) -> None:
    """billing's container crashes on the baseline already: pre-existing, with its cause.
    orders' CMD pointed at a module phase 1 moved: it fails, with the container's log."""
    if not docker_available():
        if REQUIRE_DOCKER:
            pytest.fail("REQUIRE_DOCKER=1 but no Docker engine answers")
        pytest.skip("no Docker engine")
    repo = make_git_copy(PRODUCTION, tmp_path / "production")
    take_snapshot(repo, ["billing", "orders"], PYTHON, database_url, echo=_quiet, steps=["docker"])
    before = {n: snapshot.load(repo, n)["steps"]["docker"] for n in ("billing", "orders")}
    assert before["orders"]["status"] == PASSED and before["billing"]["status"] == FAILED, before
    plan = load_plan(PLAN)
    run_phase(repo, 1, commit=True, echo=_quiet, plan=plan)
    dockerfile = repo / "services/orders_service/Dockerfile"
    edit(dockerfile, "services.orders_service.main:app", "services.orders_service.app.main:app")
    runs = verify(repo, ["billing", "orders"], tmp_path / "reports", steps=["docker"], database_url=database_url)
    docker = {run.service: results(run)["docker"] for run in runs}
    assert docker["billing"].status == PREEXISTING, describe(docker["billing"])
    assert "RuntimeError: PAYMENT_GATEWAY_URL is not set" in docker["billing"].message
    assert docker["orders"].status == FAILED, describe(docker["orders"])
    assert "No module named 'services.orders_service.app'" in docker["orders"].message
    assert docker["orders"].details, "the container's log tail is shown"
    assert docker["orders"].status != SKIPPED


def test_a_service_without_a_health_route_is_judged_by_its_openapi_document(tmp_path: Path, database_url: str) -> None:
    """A service that has no ``/health`` route is up when FastAPI's own ``/openapi.json``
    answers: uvicorn and the container pass on the baseline and after the move, instead of
    a 404 that would make both steps "pre-existing" and judge nothing."""
    if not docker_available():
        if REQUIRE_DOCKER:
            pytest.fail("REQUIRE_DOCKER=1 but no Docker engine answers")
        pytest.skip("no Docker engine")
    repo = make_git_copy(PRODUCTION, tmp_path / "production")
    edit(repo / "services/orders_service/app/main.py", '@app.get("/health")\ndef health():', "def health():")
    git(repo, "commit", "-qam", "orders: no health route")
    take_snapshot(repo, ["orders"], PYTHON, database_url, echo=_quiet, steps=["uvicorn", "docker"])
    before = snapshot.load(repo, "orders")["steps"]
    assert {step: before[step]["status"] for step in ("uvicorn", "docker")} == {"uvicorn": PASSED, "docker": PASSED}
    run_phase(repo, 1, commit=True, echo=_quiet, plan=load_plan(PLAN))
    runs = verify(repo, ["orders"], tmp_path / "reports", steps=["uvicorn", "docker"], database_url=database_url)
    uvicorn, docker = (results(runs[0])[step] for step in ("uvicorn", "docker"))
    assert uvicorn.status == PASSED and "/openapi.json 200" in uvicorn.message, describe(uvicorn)
    assert docker.status == PASSED and "answers /openapi.json" in docker.message, describe(docker)


def test_a_dockerfile_outside_the_service_directory_is_found_through_compose(tmp_path: Path, database_url: str) -> None:
    """orders' Dockerfile lives in ``deploy/`` and only the compose entry names it: the
    docker step builds that one (before and after the move) instead of skipping the service."""
    if not docker_available():
        if REQUIRE_DOCKER:
            pytest.fail("REQUIRE_DOCKER=1 but no Docker engine answers")
        pytest.skip("no Docker engine")
    repo = make_git_copy(PRODUCTION, tmp_path / "production")
    (repo / "deploy").mkdir()
    git(repo, "mv", "services/orders_service/Dockerfile", "deploy/orders.Dockerfile")
    edit(
        repo / "docker-compose.yml",
        "dockerfile: services/orders_service/Dockerfile",
        "dockerfile: deploy/orders.Dockerfile",
    )
    git(repo, "commit", "-qam", "orders: the Dockerfile under deploy/")
    take_snapshot(repo, ["orders"], PYTHON, database_url, echo=_quiet, steps=["docker"])
    assert snapshot.load(repo, "orders")["steps"]["docker"]["status"] == PASSED, "built and started on the baseline"
    run_phase(repo, 1, commit=True, echo=_quiet, plan=load_plan(PLAN))
    assert "services.orders_service.main:app" in (repo / "deploy/orders.Dockerfile").read_text()
    runs = verify(repo, ["orders"], tmp_path / "reports", steps=["docker"], database_url=database_url)
    docker = results(runs[0])["docker"]
    assert docker.status == PASSED and "answers /health" in docker.message, describe(docker)
