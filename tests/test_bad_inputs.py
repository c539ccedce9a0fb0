"""Bad inputs: one clear line naming the problem and its location, a non-zero exit, nothing changed.

One row per case, run through the real command lines (``invoke`` and ``nox``) on a scratch
git copy of the fixture; the tree (every file, including untracked and ignored ones, and
the git index) must be byte-identical afterwards. The verify rows (``nox -s verify-<svc>``)
also bound the time the command takes and check that it left nothing behind: no
temporary cluster or log, no labelled container or image.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, git, make_git_copy
from verify.docker_engine import LABEL

SVC = "services/events_service"


def tree_digest(repo: Path) -> str:
    """Hash of every file under ``repo`` (work tree, untracked, ignored) plus the git index."""
    digest = hashlib.sha256()
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if rel.startswith(".git/") and rel != ".git/index":
            continue
        digest.update(rel.encode() + b"\0")
        if path.is_symlink():
            digest.update(b"->" + os.readlink(path).encode())
        elif path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def invoke(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "-r", str(ROOT), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


def nox(repo: Path, session: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", session, "--", "--repo", str(repo), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def _write(repo: Path, rel: str, data: str | bytes) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)


def _commit(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bad input")


def plan_with(repo: Path, text: str) -> str:
    path = repo.parent / "plan.yaml"
    path.write_text(text)
    return str(path)


GOOD_HEAD = "version: 1\nservices: [events]\nphases:\n"


@dataclass
class Case:
    name: str
    prepare: Callable[[Path], list[str]]  # returns the command's extra arguments
    expect: str  # substring of the one error line
    location: str  # substring naming where the problem is


def _malformed_yaml(repo: Path) -> list[str]:
    return ["phase1", "--plan", plan_with(repo, GOOD_HEAD + "  - phase: 1\n    steps: [op: move\n")]


def _unknown_operation(repo: Path) -> list[str]:
    return [
        "phase1",
        "--plan",
        plan_with(repo, GOOD_HEAD + "  - phase: 1\n    scope: all\n    steps:\n      - {op: teleport, path: x}\n"),
    ]


def _unknown_service(repo: Path) -> list[str]:
    return ["phase1", "--plan", plan_with(repo, GOOD_HEAD + "  - phase: 1\n    scope: billing\n    steps: []\n")]


def _escaping_path(repo: Path) -> list[str]:
    text = (
        GOOD_HEAD
        + "  - phase: 1\n    scope: all\n    steps:\n      - {op: move, from: ../../etc/passwd, to: main.py}\n"
    )
    return ["phase1", "--plan", plan_with(repo, text)]


def _not_git(repo: Path) -> list[str]:
    plain = repo.parent / "plain"
    plain.mkdir()
    (plain / "README.md").write_text("not a repository\n")
    return ["phase1", "--repo", str(plain)]


def _dirty(repo: Path) -> list[str]:
    (repo / "README.md").write_text((repo / "README.md").read_text() + "\nlocal edit\n")
    return ["phase1"]


def _syntax_error(repo: Path) -> list[str]:
    _write(repo, f"{SVC}/broken.py", "from services.events_service.app.main import app\ndef oops(:\n")
    _commit(repo)
    return ["phase1"]


def _not_utf8(repo: Path) -> list[str]:
    _write(repo, f"{SVC}/notes.txt", "uvicorn services.events_service.app.main:app caf\xe9\n".encode("latin-1"))
    _commit(repo)
    return ["phase1"]


def _symlink_outside(repo: Path) -> list[str]:
    outside = repo.parent / "outside.md"
    outside.write_text("run services.events_service.app.main:app\n")
    (repo / "docs-link.md").symlink_to(outside)
    _commit(repo)
    return ["phase1"]


def _bad_dockerfile(repo: Path) -> list[str]:
    path = repo / SVC / "Dockerfile"
    path.write_text(path.read_text().replace("CMD [", 'CMD ["unterminated", ', 1).replace("]\n", "\n", 1))
    _commit(repo)
    return ["phase1"]


def _bad_compose(repo: Path) -> list[str]:
    path = repo / "docker-compose.yml"
    path.write_text(path.read_text() + "  broken: [unclosed\n")
    _commit(repo)
    return ["phase1"]


EVENTS_SPLIT = (
    "  - phase: 1\n    scope: events\n    steps:\n      - op: split\n        module: models.py\n        into: models\n"
)


def _unknown_symbol(repo: Path) -> list[str]:
    groups = "        groups:\n          event: [Event, EventKind]\n"
    return ["phase1", "--plan", plan_with(repo, GOOD_HEAD + EVENTS_SPLIT + groups)]


def _import_cycle(repo: Path) -> list[str]:
    # each enum goes to the other entity's file: event.py and rsvp.py would import each other
    groups = "        groups:\n          event: [Event, RSVPStatus]\n          rsvp: [EventRSVP, EventType]\n"
    return ["phase1", "--plan", plan_with(repo, GOOD_HEAD + EVENTS_SPLIT + groups)]


TINY_ROUTER = """from fastapi import APIRouter

router = APIRouter(prefix="/s")


@router.get("/mine")
def mine() -> list[str]:
    return []


@router.get("/{item_id}")
def one(item_id: str) -> str:
    return item_id


@router.get("/t/latest")
def latest() -> str:
    return "latest"


@router.get("/t/{tag}")
def tag_one(tag: str) -> str:
    return tag
"""


def _route_shadow(repo: Path) -> list[str]:
    """A router split where no include order keeps both literal-before-parameter pairs."""
    tiny = repo.parent / "tiny"
    _write(tiny, "services/__init__.py", "")
    _write(tiny, "services/tiny_service/__init__.py", "")
    _write(tiny, "services/tiny_service/router.py", TINY_ROUTER)
    _write(
        tiny,
        "services/tiny_service/main.py",
        "from fastapi import FastAPI\n\nfrom services.tiny_service.router import router\n\n"
        "app = FastAPI()\napp.include_router(router)\n",
    )
    git(tiny.parent, "init", "-q", str(tiny))
    git(tiny, "add", "-A")
    git(tiny, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "tiny")
    text = (
        "version: 1\nservices: [tiny]\nphases:\n  - phase: 1\n    scope: tiny\n    steps:\n"
        "      - op: split\n        module: router.py\n        into: routers\n        groups:\n"
        '          first: {paths: ["/mine", "/t/{tag}"]}\n          second: {paths: ["/t/latest", "/{item_id}"]}\n'
        "      - {op: assemble-routers}\n"
    )
    return ["phase1", "--repo", str(tiny), "--plan", plan_with(repo, text)]


def _untracked_in_deleted_dir(repo: Path) -> list[str]:
    """A user's untracked notes inside the directory the plan deletes: git could not bring them back."""
    _write(repo, "services/identity_service/MY_NOTES.txt", "half-written design notes\n")
    text = (
        GOOD_HEAD + "  - phase: 1\n    scope: repo\n    steps:\n      - {op: delete, path: services/identity_service}\n"
    )
    return ["phase1", "--allow-dirty", "--plan", plan_with(repo, text)]


RESTRUCTURE_CASES = [
    Case(
        "untracked file inside a directory the plan deletes",
        _untracked_in_deleted_dir,
        "untracked file inside services/identity_service",
        "services/identity_service/MY_NOTES.txt",
    ),
    Case(
        "plan with an unknown symbol",
        _unknown_symbol,
        "symbol 'EventKind' of group 'event' is not defined",
        f"{SVC}/models.py",
    ),
    Case(
        "split group that would create an import cycle",
        _import_cycle,
        "import cycle event -> rsvp -> event",
        "plan.yaml:7",
    ),
    Case(
        "router split that would shadow a route",
        _route_shadow,
        "no include order keeps both GET /s/mine",
        "plan.yaml:13",
    ),
    Case("malformed plan YAML", _malformed_yaml, "malformed YAML", "plan.yaml:"),
    Case("plan with an unknown operation", _unknown_operation, "unknown operation 'teleport'", "plan.yaml:7"),
    Case("plan with an unknown service", _unknown_service, "unknown service 'billing'", "plan.yaml:5"),
    Case("plan path escaping the repository", _escaping_path, "escapes the repository", "plan.yaml:7"),
    Case("target is not a git repository", _not_git, "not a git repository", "plain"),
    Case("dirty tree without --allow-dirty", _dirty, "uncommitted changes", "README.md"),
    Case("source file with a syntax error", _syntax_error, "syntax error", f"{SVC}/broken.py:2"),
    Case("file that is not UTF-8", _not_utf8, "not UTF-8", f"{SVC}/notes.txt"),
    Case(
        "symlink pointing outside the repository",
        _symlink_outside,
        "symlink pointing outside the repository",
        "docs-link.md",
    ),
    Case("Dockerfile that does not parse", _bad_dockerfile, "does not parse", f"{SVC}/Dockerfile"),
    Case("compose file that does not parse", _bad_compose, "does not parse", "docker-compose.yml"),
]


@pytest.mark.parametrize("case", RESTRUCTURE_CASES, ids=[c.name for c in RESTRUCTURE_CASES])
def test_restructure_bad_input(case: Case, tmp_path: Path) -> None:
    repo = make_git_copy(ROOT / "compose-fixtures" / "monorepo", tmp_path / "repo")
    args = case.prepare(repo)
    if "--repo" in args:
        repo = Path(args[args.index("--repo") + 1])
    else:
        args = [*args, "--repo", str(repo)]
    before = tree_digest(repo)
    result = invoke(repo, *args)
    assert result.returncode != 0, result.stdout
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    assert case.expect in errors[0], errors[0]
    assert case.location in errors[0], errors[0]
    assert tree_digest(repo) == before


@pytest.fixture(scope="module")
def events_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_git_copy(ROOT / "compose-fixtures" / "monorepo", tmp_path_factory.mktemp("verify") / "repo")


def test_verify_unknown_service(events_copy: Path) -> None:
    result = nox(events_copy, "verify", "--service", "billing", "--python", sys.executable)
    assert result.returncode != 0
    assert "unknown service 'billing'" in result.stderr + result.stdout
    assert "known: academy" in result.stderr + result.stdout


def test_verify_no_docker_engine_with_require_docker(events_copy: Path, tmp_path: Path) -> None:
    result = nox(
        events_copy,
        "verify-events",
        "--python", sys.executable, "--require-docker", "--steps", "docker", "--reports", str(tmp_path),
        env={"DOCKER_HOST": f"unix://{tmp_path}/no-such-docker.sock"},
    )  # fmt: skip
    assert result.returncode != 0
    assert "FAILED events docker: no Docker engine answers" in result.stdout


def test_verify_no_postgres_binaries_and_no_url(events_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-pg-bin"
    empty.mkdir()
    result = nox(
        events_copy,
        "verify-events",
        "--python", sys.executable, "--steps", "alembic", "--reports", str(tmp_path),
        env={"PG_BINDIR": str(empty), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode != 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("FAILED events alembic"))
    assert "install the server binaries" in line and "--database-url" in line


# --- verify rows: a port already taken, a container that never becomes healthy ----------------

TAKEN_PORT = "VERIFY_TEST_TAKEN_PORT"

# The verify command line has no option to pin a port: the harness asks the OS for a free
# one (verify/ports.py) and picks again when another program took it first. The nox process
# loads this file at start-up (a ``sitecustomize`` on PYTHONPATH) so that every pick is the
# port another program holds, as if that program won every race. The variable is removed
# at once, so no child process sees it (the target's processes do not get our PYTHONPATH).
PORT_SHIM = f"""import os

_taken = os.environ.pop("{TAKEN_PORT}", None)
if _taken:
    from verify import ports, postgres, uvicorn_server

    def _taken_port() -> int:
        return int(_taken)

    ports.free_port = uvicorn_server.free_port = postgres.free_port = _taken_port
"""

NEVER_ANSWERS = "import time; print('warming up', flush=True); time.sleep(600)"


class _Impostor(http.server.BaseHTTPRequestHandler):
    """Another program on the port: answers 200 to everything, and counts the requests."""

    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _impostor() -> Iterator[tuple[int, list[str]]]:
    """The other program, on a port the OS picks: (port, requests it received)."""
    hits: list[str] = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Impostor,), {"hits": hits}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class VerifyRun:
    """What a row's preparation hands to the command, and what it watches."""

    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    hits: list[str] | None = None  # requests the other program on the port received


def _port_taken(repo: Path, tmp: Path, stack: contextlib.ExitStack) -> VerifyRun:
    """Another program listens on 127.0.0.1:<port>, and every port the harness picks is that one."""
    port, hits = stack.enter_context(_impostor())
    shim = tmp / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(PORT_SHIM)
    path = os.pathsep.join(p for p in (str(shim), os.environ.get("PYTHONPATH", "")) if p)
    return VerifyRun(env={"PYTHONPATH": path, TAKEN_PORT: str(port)}, port=port, hits=hits)


def _never_healthy(repo: Path, tmp: Path, stack: contextlib.ExitStack) -> VerifyRun:
    """The service's image starts a process that never serves ``/health``."""
    dockerfile = repo / SVC / "Dockerfile"
    cmd = f'CMD ["python", "-c", "{NEVER_ANSWERS}"]'
    text, count = re.subn(r"^CMD .*$", lambda _: cmd, dockerfile.read_text(), flags=re.M)
    assert count == 1, dockerfile
    dockerfile.write_text(text)
    _commit(repo)
    return VerifyRun(args=["--require-docker", "--health-timeout", "3"])


@dataclass
class VerifyCase:
    """One row: ``nox -s verify-events -- --steps <step>`` after ``prepare``."""

    name: str
    step: str
    prepare: Callable[[Path, Path, contextlib.ExitStack], VerifyRun]
    expect: str  # substring of the one FAILED line; {port} is the port taken
    location: str  # substring naming where the problem is
    seconds: float  # the whole command, or for Docker the time after the image is built
    docker: bool = False


VERIFY_CASES = [
    VerifyCase(
        "a port already taken (the throwaway PostgreSQL)",
        "alembic",
        _port_taken,
        "(the port is already taken)",
        "events alembic: PostgreSQL did not start on 127.0.0.1:{port}",
        seconds=120,
    ),
    VerifyCase(
        "a port already taken (the app under uvicorn)",
        "uvicorn",
        _port_taken,
        "found no free port on 127.0.0.1 (tried {port}, {port}, {port}: each already in use by another process)",
        "events uvicorn: uvicorn services.events_service.app.main:app",
        seconds=60,
    ),
    VerifyCase(
        "a container that never becomes healthy",
        "docker",
        _never_healthy,
        "is running but /health did not answer within 3s; last log line: warming up",
        f"events docker: container (CMD `python -c {NEVER_ANSWERS}`)",
        seconds=60,
        docker=True,
    ),
]


@pytest.fixture
def private_tmp() -> Iterator[Path]:
    """TMPDIR of the command, to see what it leaves there; readable by the ``postgres``
    user, who owns the throwaway cluster when the tests run as root."""
    path = Path(tempfile.mkdtemp(prefix="bad-input-tmp-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _run_id(reports: Path) -> str:
    """The Docker run's id, read from the LABEL step of the build log."""
    log = (reports / "events-docker-build.log").read_text()
    match = re.search(rf"LABEL {re.escape(LABEL)}=(\w+)", log)
    assert match, log[-2000:]
    return match.group(1)


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.name, marks=[pytest.mark.docker] if c.docker else []) for c in VERIFY_CASES]
)
def test_verify_bad_input(case: VerifyCase, tmp_path: Path, private_tmp: Path, request: pytest.FixtureRequest) -> None:
    docker_client = request.getfixturevalue("docker_client") if case.docker else None  # skips without an engine
    repo = make_git_copy(ROOT / "compose-fixtures" / "monorepo", tmp_path / "repo")
    reports = tmp_path / "reports"
    with contextlib.ExitStack() as stack:
        run = case.prepare(repo, tmp_path, stack)
        before = tree_digest(repo)
        started = time.time()
        result = nox(
            repo,
            "verify-events",
            "--python", sys.executable, "--steps", case.step, "--reports", str(reports), *run.args,
            env={**run.env, "TMPDIR": str(private_tmp)},
        )  # fmt: skip
        ended = time.time()
    assert result.returncode != 0, result.stdout[-3000:]
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]
    assert case.expect.format(port=run.port) in failed[0], failed[0]
    assert case.location.format(port=run.port) in failed[0], failed[0]
    # bounded: for Docker, from the end of the build (a cold cache may take minutes) to the exit
    since = (reports / "events-docker-build.log").stat().st_mtime if case.docker else started
    assert ended - since < case.seconds, f"{ended - since:.1f}s"
    assert run.hits in (None, []), run.hits  # the other program's answers were never taken for ours
    assert sorted(p.name for p in private_tmp.iterdir()) == []  # no cluster directory, no server log
    if docker_client is not None:
        label = f"{LABEL}={_run_id(reports)}"
        assert docker_client.containers.list(all=True, filters={"label": label}) == []
        assert docker_client.images.list(all=True, filters={"label": label}) == []
    assert tree_digest(repo) == before
