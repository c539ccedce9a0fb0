"""Run the relocation engine on a few in-memory files, for table-driven reference tests.

``relocate(files, moves)`` builds a :class:`VirtualTree` from ``files`` (path -> text,
nothing on disk), applies ``moves`` to it through the plan operation ``move`` (so the
relocation map is the one a phase builds), rewrites every reference with the engine's
own pass (text prefilter included) and returns the final texts by final path. Every file
the pass changed is re-parsed by its type, as the engine does before writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from restructure import engine, operations
from restructure.editset import VirtualTree
from restructure.report import PhaseReport
from restructure.text.validate import check

SERVICE = "services/x_service"

# A small service in the plan's "current state", plus an untouched neighbour.
BASE_FILES = {
    "services/__init__.py": "",
    f"{SERVICE}/__init__.py": "",
    f"{SERVICE}/app/__init__.py": "",
    f"{SERVICE}/app/main.py": "app = object()\n",
    f"{SERVICE}/app/deps.py": "",
    f"{SERVICE}/app/worker.py": "class WorkerSettings: ...\n",
    f"{SERVICE}/app/clients.py": "members_client = None\n",
    f"{SERVICE}/app/routers/__init__.py": "",
    f"{SERVICE}/app/routers/cleanup.py": "",
    f"{SERVICE}/app/routers/dashboard.py": "",
    f"{SERVICE}/app/tests/__init__.py": "",
    f"{SERVICE}/app/tests/conftest.py": "API = '/api'\n",
    f"{SERVICE}/app/tests/stubs.py": "",
    f"{SERVICE}/router.py": "router = None\n",
    f"{SERVICE}/models.py": "Base = None\n",
    f"{SERVICE}/scoring.py": "def grade(): ...\n",
    f"{SERVICE}/migrations/env.py": "",
    "services/y_service/__init__.py": "",
    "services/y_service/app/__init__.py": "",
    "services/y_service/app/main.py": "app = object()\n",
}

# Phase 1 of the seed plan, for one service.
PHASE1 = (("app/main.py", "main.py"), ("app/tests", "tests"))
# Phase 1 plus a worker that moves out of app/ too (for arq paths).
PHASE1_WORKER = (*PHASE1, ("app/worker.py", "worker.py"))
# Phase 14 (the gateway): everything in app/ moves up one level.
GATEWAY = (
    ("app/main.py", "main.py"),
    ("app/clients.py", "clients.py"),
    ("app/routers", "routers"),
    ("app/tests", "tests"),
)
# Files that move down a level, and a rename (the module's own name changes).
DOWN = (("router.py", "routers/sessions.py"), ("scoring.py", "services/scoring.py"))
# A module moving into a new package, for alembic env.py and alembic.ini.
DB = (("models.py", "db/models.py"), ("migrations", "alembic"))


@dataclass
class Result:
    files: dict[str, str]
    report: PhaseReport

    def __getitem__(self, path: str) -> str:
        return self.files[path]


def relocate(
    files: dict[str, str],
    moves: tuple[tuple[str, str], ...],
    *,
    service: str = SERVICE,
    all_services: bool = False,
) -> Result:
    """Apply ``moves`` (relative to ``service``) to BASE_FILES overlaid with ``files``."""
    texts = {**BASE_FILES, **files}
    tree = VirtualTree(Path("/nonexistent-root"), {p: p for p in texts}, dict(texts))
    ctx = engine.PhaseContext(None, None, tree, PhaseReport(0, "test"), phase_scope="all" if all_services else "")  # type: ignore[arg-type]
    scope = operations.Scope(service, service.rsplit("/", 1)[-1])
    for source, dest in moves:
        outcome, detail, _ = operations.move(tree, ctx.relocation, scope, source, dest)
        assert outcome == "done", f"move {source} -> {dest}: {outcome} {detail}"
        if all_services:
            ctx.relocation.add_placeholder_move("services", source, dest)
    engine.rewrite_references(ctx)
    ctx.report.python_files_parsed = ctx.parsed.files
    ctx.report.python_fragments_parsed = ctx.parsed.fragments
    final = {path: tree.read(path) for path in tree.files}
    for path in ctx.report.files_rewritten:
        check(path, final[path])
    return Result(final, ctx.report)


def rewrite(
    src: str,
    path: str = "tests/test_x.py",
    moves: tuple[tuple[str, str], ...] = PHASE1,
    *,
    new_path: str | None = None,
    all_services: bool = False,
) -> str:
    """The text of the file at ``path`` (holding ``src``) after ``moves``; ``new_path`` is
    where the file itself ends up when one of the moves carries it."""
    result = relocate({path: src}, moves, all_services=all_services)
    return result[new_path or path]
