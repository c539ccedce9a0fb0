"""Databases as the repository runs them: which services share one, and in which order they migrate.

Migrating each service alone into an empty database fails for a repository whose services
share one database with foreign keys across services: a service's first migration refers
to a table another service creates. Services share a database when their environments
name the same database (host, port, name) and their alembic environments keep their own
version tables (two services on one ``alembic_version`` would overwrite each other's
revision, so they cannot share). The order comes from the repository itself: a
reset/migrate script that runs the services' migrations one after another, else compose
``depends_on`` and foreign keys into tables another service owns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from verify import compose, environment
from verify.services import Service

_VERSION_TABLE = re.compile(r"(?i)version_table\w*\s*=\s*[\"']([A-Za-z0-9_]+)[\"']")
SCRIPT_GLOBS = ("scripts/*", "bin/*", "Makefile", "*.sh", "justfile", "Taskfile.yml")


def version_table(service: Service) -> str | None:
    """The version table the service's alembic environment names, None for the default."""
    env_py = service.root / "alembic" / "env.py"
    if not env_py.is_file():
        return None
    match = _VERSION_TABLE.search(env_py.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else None


@dataclass
class SharedDatabase:
    key: str  # host:port/name of the target's database
    services: list[str]  # in migration order
    order_reason: str
    problems: list[str] = field(default_factory=list)


def _script_order(repo: Path, services: list[Service]) -> list[str]:
    """Services in the order a reset/migrate script of the repository migrates them."""
    seen: list[str] = []
    for pattern in SCRIPT_GLOBS:
        for path in sorted(repo.glob(pattern)):
            if not path.is_file() or path.stat().st_size > 200_000:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if "alembic" not in text:
                continue
            hits = []
            for service in services:
                pattern_re = re.compile(rf"\b{re.escape(service.dirname)}\b")
                match = pattern_re.search(text)
                if match:
                    hits.append((match.start(), service.name))
            if len(hits) >= 2:
                seen = [name for _, name in sorted(hits)]
                return seen
    return seen


def _compose_edges(repo: Path, services: list[Service]) -> set[tuple[str, str]]:
    """(before, after) pairs from ``depends_on`` between the entries of two services."""
    entry_owner: dict[str, str] = {}
    for service in services:
        for _path, entry, _spec in environment._entries(repo, service):
            entry_owner.setdefault(entry, service.name)
    edges = set()
    for path in compose.compose_files(repo):
        data = compose.load(path, repo)
        for entry, spec in (data.get("services") or {}).items():
            if not isinstance(spec, dict) or entry not in entry_owner:
                continue
            deps = spec.get("depends_on") or []
            for dep in deps if isinstance(deps, list) else list(deps):
                if dep in entry_owner and entry_owner[dep] != entry_owner[entry]:
                    edges.add((entry_owner[dep], entry_owner[entry]))
    return edges


def _foreign_key_edges(baselines: dict[str, dict]) -> set[tuple[str, str]]:
    """(owner of the referred table, service whose table refers to it) from the baseline
    metadata: a table a service registers without ``skip_autogenerate`` is its own."""
    owner: dict[str, str] = {}
    for name, data in baselines.items():
        for table, body in (data.get("tables") or {}).items():
            if not (body.get("info") or {}).get("skip_autogenerate"):
                owner.setdefault(table, name)
    edges = set()
    for name, data in baselines.items():
        for table, body in (data.get("tables") or {}).items():
            if owner.get(table) != name:
                continue
            text = repr(body.get("constraints")) + repr(body.get("columns"))
            for other_table, other in owner.items():
                if other != name and re.search(rf"['\"]{re.escape(other_table)}\.", text):
                    edges.add((other, name))
    return edges


def _topological(names: list[str], edges: set[tuple[str, str]]) -> list[str] | None:
    remaining = sorted(names)
    order: list[str] = []
    while remaining:
        ready = [n for n in remaining if not any(a in remaining and b == n for a, b in edges)]
        if not ready:
            return None
        order.append(ready[0])
        remaining.remove(ready[0])
    return order


def shared_databases(
    repo: Path, services: list[Service], envs: dict[str, dict[str, str]], baselines: dict[str, dict]
) -> list[SharedDatabase]:
    """Groups of services with alembic that migrate into one database, each in its order."""
    by_key: dict[str, list[Service]] = {}
    for service in services:
        if service.alembic_ini is None or version_table(service) is None:
            continue
        urls = environment.database_urls(envs.get(service.name, {}))
        url = urls.get("DATABASE_URL") or next(iter(urls.values()), None)
        if url:
            by_key.setdefault(environment.database_key(url), []).append(service)
    groups = []
    for key, members in sorted(by_key.items()):
        tables: dict[str, list[str]] = {}
        for m in members:
            tables.setdefault(version_table(m) or "alembic_version", []).append(m.name)
        clashes = [f"{t}: {', '.join(n)}" for t, n in tables.items() if len(n) > 1]
        if len(members) < 2:
            continue
        names = [m.name for m in members]
        script = [n for n in _script_order(repo, services) if n in names]
        edges = _compose_edges(repo, members) | {
            (a, b) for a, b in _foreign_key_edges({n: baselines.get(n) or {} for n in names}) if a in names
        }
        if len(script) == len(names):
            order, reason = script, "the order of the repository's migrate script"
        else:
            order = _topological(names, edges) or sorted(names)
            reason = (
                "compose depends_on and cross-service foreign keys" if edges else "name order (nothing orders them)"
            )
        problems = [f"services share a version table in {key}: {c}" for c in clashes]
        groups.append(SharedDatabase(key, order, reason, problems))
    return groups
