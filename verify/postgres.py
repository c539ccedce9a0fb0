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
    "no PostgreSQL available: install the server binaries (apt-get install postgresql) "
    "or pass --database-url postgresql://user:pass@host:port/dbname"
)


def find_bindir() -> Path | None:
    """The newest PostgreSQL ``bin`` directory that has ``initdb`` and ``pg_ctl``."""
    env = os.environ.get("PG_BINDIR")
    if env:  # an explicit choice is the only candidate
        path = Path(env)
        return path if (path / "initdb").exists() and (path / "pg_ctl").exists() else None
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    which = shutil.which("initdb")
    if which:
        candidates.append(str(Path(which).parent))
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    return None


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


@contextlib.contextmanager
def throwaway_cluster(bindir: Path | None = None, port: int | None = None) -> Iterator[PostgresServer]:
    """A fresh cluster in a temporary directory on 127.0.0.1; stopped and removed afterwards."""
    bindir = bindir or find_bindir()
    if bindir is None:
        raise PostgresUnavailable(HOW_TO_PROVIDE)
    port = port or free_port()
    runas = _runas_prefix()
    root = Path(tempfile.mkdtemp(prefix="verify-pg-"))
    data, log = root / "data", root / "server.log"
    if runas:
        shutil.chown(root, user="postgres")
    try:
        subprocess.run(
            [*runas, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "--no-sync", "-E", "UTF8", "--locale=C"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        started = subprocess.run(
            [*runas, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
             "-w", "-t", "30", "start"],
            capture_output=True, text=True,
        )  # fmt: skip
        if started.returncode != 0:
            detail = log.read_text() if log.exists() else started.stderr
            raise PostgresUnavailable(f"PostgreSQL did not start on port {port}: {detail.strip()[-400:]}")
        server = PostgresServer(host="127.0.0.1", port=port, user="postgres")
        _wait_ready(server)
        yield server
    except subprocess.CalledProcessError as exc:
        raise PostgresUnavailable(f"initdb failed: {exc.stderr.strip()[-400:]}") from exc
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*runas, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


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
        server = server_from_url(database_url)
        try:
            _wait_ready(server, timeout=5)
        except psycopg.OperationalError as exc:
            raise PostgresUnavailable(f"cannot connect to --database-url {database_url}: {exc}") from exc
        yield server
        return
    with throwaway_cluster() as server:
        yield server
