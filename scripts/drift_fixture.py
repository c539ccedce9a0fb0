"""Advance a git copy of ``compose-fixtures/monorepo`` to "five months later".

The plan was written against the fixture as it is; a real monorepo keeps moving while the
plan waits. This script makes that drift, as one commit, the way people make it:

* two services the plan does not list: ``billing`` (``app/`` holds ``main.py`` and the
  ``deps.py`` it imports, so moving only ``main.py`` would break it) and ``search``
  (only ``app/main.py``);
* a split done by hand differently from the plan: the members ``models.py`` became the
  package ``models/`` with everything in its ``__init__.py`` (the plan's groups ``member``,
  ``coach_profile``, ``coach_agreement`` do not exist as modules);
* a router alias stub: the members ``router.py`` binds ``router = routers_router``;
* documents moved under ``docs/`` (``ARCHITECTURE.md`` among them);
* ``app/__init__.py`` files that hold a docstring and nothing else;
* a ``.gitignore`` for the caches running the code leaves (``__pycache__/``).

:data:`PLANTED` names what the default plan must refuse in the pre-flight (by phase), and
:func:`settle_plan` writes the plan a user ends with after reading that list: the new
services listed with the step that moves ``deps.py`` too, the hand-made split left as it is.

Usage: ``python scripts/drift_fixture.py REPO`` (REPO: a committed git copy of the fixture).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

#: phase number -> a fragment of the problem the pre-flight must list for it (default plan)
PLANTED = {
    3: "services/members_service/models",  # the split done by hand differently: drifted
    15: "app/ directories remain",  # billing and search keep app/: the plan does not list them
}

NEW_SERVICES = {
    "services/billing_service/__init__.py": "",
    "services/billing_service/app/__init__.py": '"""Billing service: invoices for the club\'s members."""\n',
    "services/billing_service/app/deps.py": (
        '"""Settings the billing routes depend on."""\n\n'
        "from functools import lru_cache\n\n\n"
        "@lru_cache\n"
        "def get_currency() -> str:\n"
        '    return "NGN"\n'
    ),
    "services/billing_service/app/main.py": (
        '"""Billing service: invoices."""\n\n'
        "from fastapi import Depends, FastAPI\n\n"
        "from services.billing_service.app.deps import get_currency\n\n"
        'app = FastAPI(title="Billing Service", version="0.1.0")\n\n\n'
        '@app.get("/health", tags=["health"])\n'
        "async def health() -> dict[str, str]:\n"
        '    return {"status": "ok", "service": "billing"}\n\n\n'
        '@app.get("/api/v1/billing/currency")\n'
        "async def currency(code: str = Depends(get_currency)) -> dict[str, str]:\n"
        '    return {"currency": code}\n'
    ),
    "services/search_service/__init__.py": "",
    "services/search_service/app/__init__.py": '"""Search service."""\n',
    "services/search_service/app/main.py": (
        '"""Search service: finds members and sessions by name."""\n\n'
        "from fastapi import FastAPI\n\n"
        'app = FastAPI(title="Search Service", version="0.1.0")\n\n\n'
        '@app.get("/health", tags=["health"])\n'
        "async def health() -> dict[str, str]:\n"
        '    return {"status": "ok", "service": "search"}\n'
    ),
}

MEMBERS = "services/members_service"
ALIAS_FROM = "from services.members_service.routers import coaches_router, router\n"
ALIAS_TO = (
    "from services.members_service.routers import coaches_router\n"
    "from services.members_service.routers import router as routers_router\n"
)


def advance(repo: Path) -> None:
    """Make the drift in ``repo`` (a clean git copy of the fixture) and commit it."""
    for rel, text in NEW_SERVICES.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    # docstring-only app/__init__.py in every service that has an empty one
    for init in sorted((repo / "services").glob("*_service/app/__init__.py")):
        if not init.read_text().strip():
            name = init.parts[-3].removesuffix("_service")
            init.write_text(f'"""The {name} service application package."""\n')
    # the members models split by hand: one package, everything in __init__.py
    (repo / MEMBERS / "models").mkdir()
    _git(repo, "mv", f"{MEMBERS}/models.py", f"{MEMBERS}/models/__init__.py")
    # the router stub reaches the router through an alias
    stub = repo / MEMBERS / "router.py"
    text = stub.read_text()
    if ALIAS_FROM not in text:
        raise SystemExit(f"{stub}: the fixture changed; expected {ALIAS_FROM.strip()!r}")
    stub.write_text(text.replace(ALIAS_FROM, ALIAS_TO) + "\nrouter = routers_router\n")
    # the code has been run since: caches are ignored, as in any working copy
    ignore = repo / ".gitignore"
    ignore.write_text((ignore.read_text() if ignore.exists() else "") + "__pycache__/\n*.pyc\n.pytest_cache/\n")
    # documents moved under docs/
    (repo / "docs").mkdir(exist_ok=True)
    for name in ("ARCHITECTURE.md", "API_TYPE_GENERATION.md"):
        if (repo / name).exists():
            _git(repo, "mv", name, f"docs/{name}")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "five months later: two new services, members models by hand, docs/")


def settle_plan(default_plan: Path, dest: Path) -> Path:
    """The default plan with what the pre-flight's list asks for: ``billing`` and ``search``
    listed, phase 1 moving billing's ``app/deps.py`` with its ``main.py``, and the members
    models split (done by hand, differently) no longer asked for but accepted as it is under
    ``exceptions:`` (its one 453-line ``__init__.py`` breaks the size and re-export rules)."""
    data = yaml.safe_load(default_plan.read_text())
    data["services"] = [*data["services"], "billing", "search"]
    phases = {p["phase"]: p for p in data["phases"]}
    phases[1]["steps"].insert(1, {"op": "move", "from": "app/deps.py", "to": "deps.py", "only": ["billing"]})
    phases[3]["steps"] = [
        s for s in phases[3]["steps"] if not (s.get("op") == "split" and s.get("module") == "models.py")
    ]
    reason = "split by hand before the restructure (one package, all in __init__.py); kept as the team wrote it"
    data["exceptions"] = [
        *data.get("exceptions", []),
        *({"path": f"{MEMBERS}/models/__init__.py", "rule": rule, "reason": reason} for rule in (2, 6)),
    ]
    dest.write_text(yaml.safe_dump(data, sort_keys=False))
    return dest


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    advance(Path(sys.argv[1]))
