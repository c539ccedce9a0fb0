"""Pytest fixtures shared by the repo-level tests and the per-service test folders.

Each test gets its own empty PostgreSQL database with the tables of whatever models the
test process imported. When PostgreSQL is unreachable the database tests are skipped,
not failed, so a laptop without a database still runs the rest.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from libs import db as libs_db

ADMIN_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
COACH_ID = uuid.UUID("00000000-0000-4000-8000-000000000002")
MEMBER_ID = uuid.UUID("00000000-0000-4000-8000-000000000003")


def server_url() -> str:
    return os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )


def _admin_conninfo(url: str) -> str:
    u = make_url(url)
    return (
        f"host={u.host or '127.0.0.1'} port={u.port or 5432} user={u.username or 'postgres'}"
        f" dbname={u.database or 'postgres'}" + (f" password={u.password}" if u.password else "")
    )


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database holding every table registered on the shared ``Base``."""
    base = server_url()
    name = f"test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_admin_conninfo(base), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {base}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    create_tables(url)
    monkeypatch.setenv("DATABASE_URL", url)
    # Apps are imported lazily by the tests' own fixtures: create the tables of whatever
    # models are registered by the time the app first touches the database too.
    monkeypatch.setattr(libs_db, "on_engine_created", create_tables)
    libs_db.reset_engine()
    try:
        yield url
    finally:
        libs_db.reset_engine()
        with psycopg.connect(_admin_conninfo(base), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_tables(url: str) -> None:
    """Create every table registered on the shared ``Base`` (existing ones are kept)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        libs_db.Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def bearer(user_id: uuid.UUID, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_id}:{','.join(roles)}"}


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return bearer(ADMIN_ID, "admin")


@pytest.fixture
def coach_headers() -> dict[str, str]:
    return bearer(COACH_ID, "coach")


@pytest.fixture
def member_headers() -> dict[str, str]:
    return bearer(MEMBER_ID, "member")
