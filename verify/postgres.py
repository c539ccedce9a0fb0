"""Start a throwaway PostgreSQL cluster, or use an existing server, and hand out empty databases.

The cluster lives in a temporary directory, listens on 127.0.0.1 and a free port only, and
is removed when the context exits, also when the body raised.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from verify.ports import free_port


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL to use: neither binaries on this machine nor a ``--database-url``."""


HOW_TO_PROVIDE = (
    "no PostgreSQL available: install the server binaries (apt-get install postgresql), "
    "point PG_BINDIR at a directory holding initdb and pg_ctl, "
    "or pass --database-url postgresql://user:pass@host:port/dbname"
)


def _has_binaries(path: Path) -> bool:
    return (path / "initdb").exists() and (path / "pg_ctl").exists()


def find_bindir() -> Path | None:
    """The PostgreSQL ``bin`` directory holding ``initdb`` and ``pg_ctl``.

    ``PG_BINDIR``, when set, is the only place looked at (a user who names a directory
    means that one, not whatever else happens to be installed); otherwise the newest
    ``/usr/lib/postgresql/*/bin``, then ``initdb`` on ``PATH``.
    """
    env = os.environ.get("PG_BINDIR")
    if env:
        return Path(env) if _has_binaries(Path(env)) else None
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    which = shutil.which("initdb")
    if which:
        candidates.append(str(Path(which).parent))
    for candidate in candidates:
        if _has_binaries(Path(candidate)):
            return Path(candidate)
    return None


def _version_key(path: str) -> tuple[int, str]:
    """``/usr/lib/postgresql/9.6/bin`` < ``.../15/bin`` (numerically, not as text)."""
    version = Path(path).parent.name
    major = version.split(".")[0]
    return (int(major) if major.isdigit() else -1, version)


def _unavailable_message() -> str:
    env = os.environ.get("PG_BINDIR")
    if env:
        how = HOW_TO_PROVIDE.split(": ", 1)[1]
        return f"no PostgreSQL available: PG_BINDIR={env} holds no initdb and pg_ctl; {how}"
    return HOW_TO_PROVIDE


@dataclass(frozen=True)
class PostgresServer:
    """Where a server listens; ``url`` is a SQLAlchemy URL (psycopg 3 driver)."""

    host: str
    port: int
    user: str
    password: str | None = None
    admin_db: str = "postgres"

    def url(self, database: str | None = None) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{database or self.admin_db}"

    def conninfo(self, database: str | None = None) -> str:
        info = f"host={self.host} port={self.port} user={self.user} dbname={database or self.admin_db}"
        return info + (f" password={self.password}" if self.password else "")

    def create_database(self, prefix: str = "verify") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self, prefix: str = "verify") -> Iterator[str]:
        """An empty database for the body; its SQLAlchemy URL is yielded, dropped after."""
        name = self.create_database(prefix)
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)


def server_from_url(url: str) -> PostgresServer:
    """A server description from ``postgresql[+driver]://user[:pass]@host[:port]/db``."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return PostgresServer(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        admin_db=u.database or "postgres",
    )


def _runas_prefix() -> list[str]:
    """``initdb`` refuses to run as root: run the cluster as the ``postgres`` user then."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise PostgresUnavailable("running as root but there is no 'postgres' user to own the cluster") from exc
    return ["runuser", "-u", "postgres", "--"]


PORT_TAKEN = ("could not bind", "Address already in use")


@contextlib.contextmanager
def throwaway_cluster(bindir: Path | None = None, port: int | None = None) -> Iterator[PostgresServer]:
    """A fresh cluster in a temporary directory on 127.0.0.1; stopped and removed afterwards.

    Without an explicit ``port`` a free one is picked, and picked again (up to three times)
    when another process takes it before the server binds it.
    """
    bindir = bindir or find_bindir()
    if bindir is None:
        raise PostgresUnavailable(_unavailable_message())
    runas = _runas_prefix()
    root = Path(tempfile.mkdtemp(prefix="verify-pg-"))
    data, log = root / "data", root / "server.log"
    if runas:
        shutil.chown(root, user="postgres")
    try:
        initdb = subprocess.run(
            [*runas, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "--no-sync", "-E", "UTF8", "--locale=C"],
            capture_output=True, text=True,
        )  # fmt: skip
        if initdb.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {initdb.stderr.strip()[-400:]}")
        for attempt in range(1 if port else 3):
            chosen = port or free_port()
            problem = _start(runas, bindir, data, root, log, chosen)
            if problem is None:
                break
            if port or attempt == 2 or not any(mark in problem for mark in PORT_TAKEN):
                taken = " (the port is already taken)" if any(mark in problem for mark in PORT_TAKEN) else ""
                raise PostgresUnavailable(f"PostgreSQL did not start on 127.0.0.1:{chosen}{taken}: {problem}")
        server = PostgresServer(host="127.0.0.1", port=chosen, user="postgres")
        try:
            _wait_ready(server)
        except psycopg.OperationalError as exc:
            raise PostgresUnavailable(f"PostgreSQL on 127.0.0.1:{chosen} does not accept connections: {exc}") from exc
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*runas, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


def _start(runas: list[str], bindir: Path, data: Path, root: Path, log: Path, port: int) -> str | None:
    """Start the cluster on ``port``; None when it runs, else the reason it did not start."""
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    started = subprocess.run(
        [*runas, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "30", "start"],
        capture_output=True,
        text=True,
    )
    if started.returncode == 0:
        return None
    detail = log.read_text(errors="replace") if log.exists() else started.stderr
    with contextlib.suppress(OSError):
        log.unlink()  # a retry starts with a clean log
    lines = [line for line in detail.strip().splitlines() if line.strip()]
    interesting = [line for line in lines if "FATAL" in line or "could not" in line or "ERROR" in line]
    return " | ".join((interesting or lines or ["(no output)"])[-3:])[-400:]


def _wait_ready(server: PostgresServer, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(server.conninfo(), connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextlib.contextmanager
def postgres(database_url: str | None = None) -> Iterator[PostgresServer]:
    """The server to use: the given URL, else a throwaway cluster from local binaries."""
    if database_url:
        from sqlalchemy.engine import make_url

        server = server_from_url(database_url)
        try:
            _wait_ready(server, timeout=5)
        except psycopg.OperationalError as exc:
            shown = make_url(database_url).render_as_string(hide_password=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise PostgresUnavailable(f"cannot connect to --database-url {shown}: {first}") from exc
        yield server
        return
    with throwaway_cluster() as server:
        yield server
