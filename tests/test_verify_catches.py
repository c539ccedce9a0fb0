"""The harness catches breakage: faults planted in a restructured (phase 1) scratch copy.

Each test plants one fault in its own copy of one restructured repository (baseline taken
before phase 1, shared by the module) and requires the matching step to FAIL with a
message naming the cause. A harness that passes a broken tree is worse than none. The
missing-component cases (no Docker engine, no PostgreSQL, a port already taken, a
container that never answers) must fail clearly, in bounded time, leaving nothing behind.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from restructure.engine import run_phase
from tests.conftest import PYTHON
from tests.verify_support import clone, describe, edit, edit_re, results, snapshotted_copy, step, verify
from verify import postgres
from verify import uvicorn_server as uvicorn_module
from verify.cli import verify_main
from verify.context import FAILED, PASSED, SKIPPED
from verify.docker_engine import LABEL, DockerRun
from verify.ports import free_port

pytestmark = pytest.mark.slow

SERVICES = ["sessions", "attendance"]
SESSIONS = Path("services/sessions_service")


@pytest.fixture(scope="module")
def database_url(pg_server) -> str:
    return pg_server.url()


@pytest.fixture(scope="module")
def restructured(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Path:
    """Baseline of sessions and attendance taken before phase 1, then phase 1 committed."""
    repo = snapshotted_copy(tmp_path_factory.mktemp("catches") / "monorepo", SERVICES, database_url)
    run_phase(repo, 1, commit=True, echo=lambda _line: None)
    return repo


@pytest.fixture
def repo(restructured: Path, tmp_path: Path) -> Path:
    """A copy of the restructured repository that the test may break."""
    return clone(restructured, tmp_path / "monorepo")


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    return tmp_path / "reports"


def _run_id(reports: Path, service: str = "sessions") -> str:
    """The run id of a docker step, read from the LABEL step of its build log."""
    log = (reports / f"{service}-docker-build.log").read_text()
    match = re.search(rf"LABEL {re.escape(LABEL)}=(\w+)", log)
    assert match, log[-2000:]
    return match.group(1)


def _assert_nothing_left(docker_client, run_id: str) -> None:
    label = f"{LABEL}={run_id}"
    assert docker_client.containers.list(all=True, filters={"label": label}) == []
    assert docker_client.images.list(all=True, filters={"label": label}) == []


def _set_cmd(repo: Path, cmd: str) -> None:
    edit_re(repo / SESSIONS / "Dockerfile", r"^CMD .*$", cmd)


# --- the surface ----------------------------------------------------------------------------


def test_clean_restructured_copy_passes(repo: Path, reports: Path) -> None:
    """The control: the same steps pass on the copy before any fault is planted."""
    (run,) = verify(repo, ["sessions"], reports, steps=["imports", "routes", "metadata", "uvicorn"])
    for result in run.results:
        assert result.status == PASSED, describe(result)


def test_swapped_include_order_shadows_a_literal_route(repo: Path, reports: Path) -> None:
    edit(
        repo / SESSIONS / "main.py",
        '    app.include_router(template_router, prefix="/api/v1")\n    app.include_router(router, prefix="/api/v1")\n',
        '    app.include_router(router, prefix="/api/v1")\n    app.include_router(template_router, prefix="/api/v1")\n',
    )
    (run,) = verify(repo, ["sessions"], reports, steps=["routes", "uvicorn"])
    got = results(run)
    routes = got["routes"]
    assert routes.status == FAILED
    assert routes.message == (
        "GET /api/v1/sessions/templates is shadowed by /api/v1/sessions/{session_id} "
        "(reaches get_session, not list_templates)"
    ), describe(routes)
    assert any(line.startswith("route order changes a match") for line in routes.details)
    uvicorn = got["uvicorn"]
    assert uvicorn.status == FAILED
    assert "/api/v1/sessions/templates" in uvicorn.message and "list_templates" in uvicorn.message, describe(uvicorn)


def test_dropped_model_is_named_by_the_metadata_step(repo: Path, reports: Path, database_url: str) -> None:
    """The read-only ``members`` stub model dropped from attendance's models module."""
    edit_re(repo / "services/attendance_service/models.py", r"^class MemberRef\(Base\):.*?(?=^class )", "")
    (run,) = verify(repo, ["attendance"], reports, steps=["imports", "metadata", "alembic"], database_url=database_url)
    got = results(run)
    assert got["imports"].status == PASSED, describe(got["imports"])  # the app still imports
    metadata = got["metadata"]
    assert metadata.status == FAILED
    assert metadata.message == "table members is no longer registered on the metadata", describe(metadata)
    assert "mapped class MemberRef (members) is gone" in metadata.details
    alembic = got["alembic"]
    assert alembic.status == FAILED
    assert "could not find table 'members'" in alembic.message, describe(alembic)


def test_changed_column_type_is_named_by_metadata_and_alembic(repo: Path, reports: Path, database_url: str) -> None:
    edit(
        repo / SESSIONS / "models.py",
        "name: Mapped[str] = mapped_column(String(150), nullable=False)",
        "name: Mapped[str] = mapped_column(String(80), nullable=False)",
    )
    (run,) = verify(repo, ["sessions"], reports, steps=["metadata", "alembic"], database_url=database_url)
    got = results(run)
    metadata = got["metadata"]
    assert metadata.status == FAILED
    assert metadata.message == 'column training_session_templates.name: type: "VARCHAR(150)" -> "VARCHAR(80)"'
    alembic = got["alembic"]
    assert alembic.status == FAILED, describe(alembic)
    operation = (
        "op.alter_column('training_session_templates', 'name', existing_type=sa.VARCHAR(length=150), "
        "type_=sa.String(length=80), existing_nullable=False)"
    )
    assert alembic.message == f"models and migrations differ: {operation}"
    assert alembic.details == [operation]
    text = alembic.message + "\n".join(alembic.details)
    assert " at 0x" not in text and "modify_type" not in text and "<" not in text  # no object reprs


def test_import_cycle_that_breaks_the_import_is_named(repo: Path, reports: Path) -> None:
    edit(
        repo / SESSIONS / "router.py",
        "\nimport logging\n",
        "\nimport logging\n\nfrom services.sessions_service import template_router as _templates  # noqa: F401\n",
    )
    edit(
        repo / SESSIONS / "template_router.py",
        "\nimport uuid\n",
        "\nimport uuid\n\nfrom services.sessions_service import router as _sessions  # noqa: F401\n",
    )
    result = step(repo, "sessions", "imports", reports)
    assert result.status == FAILED
    assert result.message.startswith(
        "import cycle: services.sessions_service.router -> services.sessions_service.template_router"
        " -> services.sessions_service.router"
    ), describe(result)
    assert "circular import" in result.message


def test_import_cycle_that_still_imports_is_named(repo: Path, reports: Path) -> None:
    """Module-level imports both ways between two modules: it imports today, by luck of order."""
    edit(
        repo / SESSIONS / "schemas.py",
        "\nimport uuid\n",
        "\nimport uuid\n\nimport services.sessions_service.template_schemas\n",
    )
    edit(
        repo / SESSIONS / "template_schemas.py",
        "\nimport uuid\n",
        "\nimport uuid\n\nimport services.sessions_service.schemas\n",
    )
    result = step(repo, "sessions", "imports", reports)
    assert result.status == FAILED
    assert result.message == (
        "import cycle: services.sessions_service.schemas -> services.sessions_service.template_schemas"
        " -> services.sessions_service.schemas"
    ), describe(result)


def test_lazy_and_type_checking_imports_are_not_cycles(repo: Path, reports: Path) -> None:
    edit(
        repo / SESSIONS / "schemas.py",
        "\nimport uuid\n",
        "\nimport uuid\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from services.sessions_service import template_schemas  # noqa: F401\n",
    )
    (repo / SESSIONS / "template_schemas.py").write_text(
        (repo / SESSIONS / "template_schemas.py").read_text()
        + "\n\ndef _lazy():\n    from services.sessions_service import schemas\n\n    return schemas\n"
    )
    result = step(repo, "sessions", "imports", reports)
    assert result.status == PASSED, describe(result)


def test_failing_existing_test_is_named(repo: Path, reports: Path, database_url: str) -> None:
    edit(
        repo / SESSIONS / "tests/test_api.py",
        'assert client.get(f"{API}/upcoming").status_code == 200',
        'assert client.get(f"{API}/upcoming").status_code == 201',
    )
    result = step(repo, "sessions", "tests", reports, database_url=database_url)
    assert result.status == FAILED
    assert result.message == (
        "1 test(s) worse than the baseline: "
        "sessions-tests:test_api::test_templates_and_upcoming_are_not_read_as_session_ids: passed -> failed"
    ), describe(result)
    assert (reports / "sessions-junit-tests.xml").is_file()


def test_failing_new_test_is_named(repo: Path, reports: Path, database_url: str) -> None:
    """A test added after the baseline has no outcome to be 'no worse than': it must pass."""
    path = repo / SESSIONS / "tests/test_api.py"
    path.write_text(path.read_text() + "\n\ndef test_planted_failure():\n    assert 1 == 2\n")
    result = step(repo, "sessions", "tests", reports, database_url=database_url)
    assert result.status == FAILED
    assert "sessions-tests:test_api::test_planted_failure: new test, failed" in result.message, describe(result)


# --- Docker ---------------------------------------------------------------------------------


def test_stale_app_main_in_dockerfile_cmd(repo: Path, reports: Path, docker_client) -> None:
    edit(repo / SESSIONS / "Dockerfile", "services.sessions_service.main:app", "services.sessions_service.app.main:app")
    result = step(repo, "sessions", "docker", reports, require_docker=True)
    assert result.status == FAILED
    assert result.message.startswith(
        "container exited at start with code 1 (CMD `uvicorn services.sessions_service.app.main:app"
    )
    assert result.message.endswith("ModuleNotFoundError: No module named 'services.sessions_service.app'"), describe(
        result
    )
    _assert_nothing_left(docker_client, _run_id(reports))


def test_container_that_exits_at_start(repo: Path, reports: Path, docker_client) -> None:
    _set_cmd(repo, """CMD ["python", "-c", "import sys; sys.exit('SECRET_KEY is not set')"]""")
    result = step(repo, "sessions", "docker", reports, require_docker=True)
    assert result.status == FAILED
    assert result.message == (
        "container exited at start with code 1 "
        "(CMD `python -c import sys; sys.exit('SECRET_KEY is not set')`): SECRET_KEY is not set"
    ), describe(result)
    _assert_nothing_left(docker_client, _run_id(reports))


def test_container_that_never_answers_is_bounded_and_cleaned_up(repo: Path, reports: Path, docker_client) -> None:
    _set_cmd(repo, """CMD ["python", "-c", "import time; print('warming up', flush=True); time.sleep(600)"]""")
    args = ["--repo", str(repo), "--python", PYTHON, "--steps", "docker", "--require-docker"]
    code = verify_main([*args, "--health-timeout", "3", "--reports", str(reports)], ["sessions"])
    assert code == 1
    (entry,) = json.loads((reports / "verify.json").read_text())
    (result,) = entry["results"]
    assert result["status"] == FAILED
    assert result["message"] == (
        "container (CMD `python -c import time; print('warming up', flush=True); time.sleep(600)`) "
        "is running but /health did not answer within 3s; last log line: warming up"
    )
    assert result["seconds"] < 90  # the build (cached layers) plus three seconds, not ten minutes
    _assert_nothing_left(docker_client, _run_id(reports))


def test_ctrl_c_during_the_docker_step_leaves_nothing(
    repo: Path, reports: Path, docker_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self, container, port, path="/health", timeout=30.0):
        raise KeyboardInterrupt

    monkeypatch.setattr(DockerRun, "wait_healthy", interrupted)
    with pytest.raises(KeyboardInterrupt):
        verify(repo, ["sessions"], reports, steps=["docker"], require_docker=True)
    _assert_nothing_left(docker_client, _run_id(reports))


def test_no_docker_engine(repo: Path, reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    socket = f"unix://{tmp_path}/no-engine/docker.sock"
    monkeypatch.setenv("DOCKER_HOST", socket)
    monkeypatch.delenv("REQUIRE_DOCKER", raising=False)  # CI sets it: the lenient default is under test
    args = ["--repo", str(repo), "--python", PYTHON, "--steps", "docker", "--reports", str(reports)]

    assert verify_main(args, ["sessions"]) == 0
    (skipped,) = json.loads((reports / "verify.json").read_text())[0]["results"]
    assert skipped["status"] == SKIPPED
    assert skipped["message"].startswith(f"no Docker engine answers at {socket}")

    assert verify_main([*args, "--require-docker"], ["sessions"]) == 1
    (failed,) = json.loads((reports / "verify.json").read_text())[0]["results"]
    assert failed["status"] == FAILED
    assert failed["message"].startswith(f"no Docker engine answers at {socket}")
    assert failed["message"].endswith("(--require-docker)")

    monkeypatch.setenv("REQUIRE_DOCKER", "1")  # as in CI: strict without the flag
    assert verify_main(args, ["sessions"]) == 1


# --- PostgreSQL and ports -------------------------------------------------------------------


def test_no_postgresql_fails_alembic_with_one_line(
    repo: Path, reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-postgres-bin"
    empty.mkdir()
    monkeypatch.setenv("PG_BINDIR", str(empty))
    assert postgres.find_bindir() is None  # PG_BINDIR is honoured alone, no fallback
    result = step(repo, "sessions", "alembic", reports, database_url=None)
    assert result.status == FAILED
    assert "\n" not in result.message
    assert result.message.startswith(f"no PostgreSQL available: PG_BINDIR={empty} holds no initdb and pg_ctl")
    assert "apt-get install postgresql" in result.message and "--database-url" in result.message


def test_unreachable_database_url_fails_alembic_without_the_password(repo: Path, reports: Path) -> None:
    url = f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{free_port()}/postgres"
    result = step(repo, "sessions", "alembic", reports, database_url=url)
    assert result.status == FAILED
    assert result.message.startswith("cannot connect to --database-url postgresql+psycopg://postgres:***@127.0.0.1:")
    assert "s3cret" not in result.message


def test_unknown_service_is_one_line_and_exit_code_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = verify_main(["--repo", str(repo), "--python", PYTHON], ["nosuch"])
    assert code == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(f"error: unknown service 'nosuch' in {repo}/services (known: ")
    assert "sessions" in line


class _Impostor(http.server.BaseHTTPRequestHandler):
    """Another program on the port: answers 200 to everything."""

    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'{"status": "ok", "openapi": "3.1.0", "paths": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def impostor() -> Iterator[tuple[int, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Impostor,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


def test_uvicorn_refuses_a_port_already_taken(repo: Path, impostor: tuple[int, list[str]]) -> None:
    port, hits = impostor
    with (
        pytest.raises(uvicorn_module.ServerFailed, match=rf"port {port} on 127.0.0.1 is already in use"),
        uvicorn_module.uvicorn_server(PYTHON, repo, "services.sessions_service.main:app", port=port),
    ):
        pass
    assert hits == []


def test_uvicorn_step_is_not_fooled_by_another_server_on_its_port(
    repo: Path, reports: Path, impostor: tuple[int, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The port picked for uvicorn is taken before uvicorn binds it (a race): the step must
    start the app on another port, never take the other server's answers for the app's."""
    port, hits = impostor
    ports = iter([port])
    monkeypatch.setattr(uvicorn_module, "free_port", lambda: next(ports, None) or free_port())
    monkeypatch.setattr(uvicorn_module, "port_in_use", lambda *_args, **_kw: False)
    result = step(repo, "sessions", "uvicorn", reports)
    assert result.status == PASSED, describe(result)
    assert hits == []


def test_throwaway_postgresql_on_a_taken_port(impostor: tuple[int, list[str]], monkeypatch) -> None:
    port, _ = impostor
    with pytest.raises(postgres.PostgresUnavailable) as info, postgres.throwaway_cluster(port=port):
        pass
    message = str(info.value)
    assert message.startswith(f"PostgreSQL did not start on 127.0.0.1:{port} (the port is already taken)")
    assert "\n" not in message

    ports = iter([port])
    monkeypatch.setattr(postgres, "free_port", lambda: next(ports, None) or free_port())
    with postgres.throwaway_cluster() as server:  # a picked port that was taken: picked again
        assert server.port != port
        with server.database() as url:
            assert url.startswith(f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/verify_")
