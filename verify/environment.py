"""Each service's environment as the target's compose file gives it, pointed at throwaway servers.

Apps whose settings have no defaults do not even import without their environment, and a
harness that gives them none judges nothing. Per service (the compose entries that build
or run it): every ``env_file``, then ``environment`` (later wins, as in compose); when no
entry gives any, ``.env.example`` of the service, then of the repository; ``--env-file FILE``
overrides on top. Database and broker URLs are then pointed at the throwaway PostgreSQL
(one database per distinct database of the target, so services that share one keep sharing)
and a throwaway Redis on 127.0.0.1. The same environment serves the snapshot, uvicorn,
the tests, alembic and the containers.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from verify import compose
from verify.ports import free_port
from verify.services import Service

DATABASE_SCHEMES = ("postgres", "postgresql")
REDIS_SCHEMES = ("redis", "rediss")
BROKER_SCHEMES = ("amqp", "amqps", "kafka", "nats")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def parse_dotenv(text: str) -> dict[str, str]:
    """``KEY=value`` lines (``export``, quotes and comments as dotenv files write them)."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if value[:1] in {"'", '"'} and value.endswith(value[0]) and len(value) > 1:
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[key.strip()] = value
    return out


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``$VAR``, from ``variables`` (the
    repository's ``.env``, as compose reads it) or the default; never from our own process."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        op, default = match.group(2), match.group(3) or ""
        if name in variables and (variables[name] or op != ":-"):
            return variables[name]
        return default if op in {":-", "-"} else ""

    return _VARIABLE.sub(one, value.replace("$$", "\0")).replace("\0", "$")


def _entries(repo: Path, service: Service) -> list[tuple[Path, str, dict]]:
    """Compose entries that build or run ``service`` (``compose.serves``), from the main
    compose file when it has them: overrides for other stages do not add to it."""
    found: list[tuple[Path, str, dict]] = []
    current = None
    for path, entry, spec in compose.entries(repo):
        if path != current:
            current = path
            if path.name != "docker-compose.yml" and found:
                break
        if compose.serves(entry, spec, service):
            found.append((path, entry, spec))
    return found


def _environment_block(spec: dict) -> dict[str, str]:
    block = spec.get("environment") or {}
    if isinstance(block, list):
        out = {}
        for item in block:
            key, sep, value = str(item).partition("=")
            if sep:
                out[key] = value
            elif key in os.environ:
                out[key] = os.environ[key]
        return out
    return {str(k): "" if v is None else str(v) for k, v in block.items()}


def _env_files(spec: dict) -> list[tuple[str, bool]]:
    files = spec.get("env_file") or []
    if isinstance(files, str | dict):
        files = [files]
    out = []
    for item in files:
        if isinstance(item, dict):
            out.append((str(item.get("path", "")), bool(item.get("required", True))))
        else:
            out.append((str(item), True))
    return out


@dataclass
class DeclaredEnvironment:
    values: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def declared(repo: Path, service: Service, override: Path | None = None) -> DeclaredEnvironment:
    """The service's environment as the target declares it (before any URL is redirected)."""
    result = DeclaredEnvironment()
    dotenv = repo / ".env"
    variables = parse_dotenv(dotenv.read_text(encoding="utf-8")) if dotenv.is_file() else {}
    worker_entries = []
    for path, entry, spec in _entries(repo, service):
        parsed = compose.parse_command(spec["command"]) if "command" in spec else None
        if parsed is not None and parsed[0] != "uvicorn":
            worker_entries.append((path, entry, spec))  # a worker's settings come after the app's
            continue
        _add_entry(repo, path, entry, spec, variables, result)
    for path, entry, spec in worker_entries:
        _add_entry(repo, path, entry, spec, variables, result, keep=True)
    if not result.sources:
        for candidate in (service.root / ".env.example", repo / ".env.example"):
            if candidate.is_file():
                result.values.update(parse_dotenv(candidate.read_text(encoding="utf-8")))
                result.sources.append(candidate.relative_to(repo).as_posix())
                break
    if override is not None:
        result.values.update(parse_dotenv(override.read_text(encoding="utf-8")))
        result.sources.append(f"--env-file {override}")
    return result


def _add_entry(
    repo: Path,
    path: Path,
    entry: str,
    spec: dict,
    variables: dict[str, str],
    result: DeclaredEnvironment,
    keep: bool = False,
) -> None:
    values: dict[str, str] = {}
    for name, required in _env_files(spec):
        file = (path.parent / name).resolve()
        if file.is_file():
            values.update(parse_dotenv(file.read_text(encoding="utf-8")))
            result.sources.append(f"{path.name} {entry} env_file {name}")
        elif required:
            result.problems.append(f"{path.name} {entry}: env_file {name} does not exist")
    block = _environment_block(spec)
    if block:
        result.sources.append(f"{path.name} {entry} environment")
    values.update(block)
    for key, value in values.items():
        if keep and key in result.values:
            continue
        result.values[key] = interpolate(value, variables)


def _scheme(value: str) -> str:
    head = value.split("://", 1)[0] if "://" in value else ""
    return head.split("+", 1)[0].lower()


def database_key(url: str) -> str:
    """What makes two URLs the same database: host, port and database name."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def database_urls(values: dict[str, str]) -> dict[str, str]:
    """Variables that hold a PostgreSQL URL."""
    return {k: v for k, v in values.items() if _scheme(v) in DATABASE_SCHEMES}


def uses_redis(values: dict[str, str]) -> bool:
    return any(_scheme(v) in REDIS_SCHEMES for v in values.values())


def retarget(url: str, throwaway: str) -> str:
    """``url`` with the throwaway server's credentials, host, port and database, keeping the
    target's driver (``+asyncpg`` stays ``+asyncpg``) and its query string."""
    original, target = urlsplit(url), urlsplit(throwaway)
    scheme = original.scheme
    query = f"?{original.query}" if original.query else ""
    return f"{scheme}://{target.netloc}{target.path}{query}"


@dataclass
class Redirects:
    """Where the target's servers are, for this run: database key -> throwaway URL."""

    databases: dict[str, str] = field(default_factory=dict)
    redis_url: str | None = None
    redis_problem: str | None = None


def redirected(values: dict[str, str], redirects: Redirects) -> tuple[dict[str, str], list[str]]:
    """The environment with database and broker URLs pointed at the throwaway servers, and a
    note for each URL left as it was."""
    out = dict(values)
    notes: list[str] = []
    for key, value in values.items():
        scheme = _scheme(value)
        if scheme in DATABASE_SCHEMES:
            target = redirects.databases.get(database_key(value))
            if target:
                out[key] = retarget(value, target)
            else:
                notes.append(f"{key}: no throwaway database for {database_key(value)}; left as is")
        elif scheme in REDIS_SCHEMES:
            if redirects.redis_url:
                out[key] = redirects.redis_url
            else:
                notes.append(f"{key}: {redirects.redis_problem or 'no throwaway Redis'}; left as is")
        elif scheme in BROKER_SCHEMES:
            notes.append(f"{key}: a {scheme} broker is not started by the harness; left as is")
    return out, notes


def for_container(values: dict[str, str]) -> dict[str, str]:
    """The same environment seen from a container on the host network (127.0.0.1 is the host)."""
    return dict(values)


@contextlib.contextmanager
def throwaway_redis() -> Iterator[tuple[str | None, str | None]]:
    """A redis-server on 127.0.0.1 and a free port: (url, None), or (None, why there is none)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None, "redis-server is not installed, so no throwaway Redis"
        return
    port = free_port()
    root = tempfile.mkdtemp(prefix="verify-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", root],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import socket

        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                yield None, f"redis-server did not start on 127.0.0.1:{port}"
                return
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", None
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        shutil.rmtree(root, ignore_errors=True)
