"""Bad inputs: one clear line naming the problem and its location, a non-zero exit, nothing changed.

One row per case, run through the real command lines (``invoke`` and ``nox``) on a scratch
git copy of the fixture; the tree (every file, including untracked and ignored ones, and
the git index) must be byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, git, make_git_copy

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


RESTRUCTURE_CASES = [
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
