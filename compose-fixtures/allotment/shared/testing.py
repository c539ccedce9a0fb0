"""Pytest fixtures for every test folder: a throwaway PostgreSQL database per test.

``TEST_DATABASE_URL`` names a server (any database on it); each test gets a new database
holding the tables of the models imported so far. No server: the database tests skip.
"""

import os
from typing import Dict, Iterator
import uuid

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from shared import config, database

COMMITTEE = {'X-Committee-Token': 'committee-dev-token'}


def _server_url() -> str:
    return os.environ.get(
        'TEST_DATABASE_URL', 'postgresql+psycopg://postgres@127.0.0.1:5432/postgres'
    )


def _conninfo(url: str) -> str:
    parts = make_url(url)
    info = 'host=%s port=%s user=%s dbname=%s' % (
        parts.host or '127.0.0.1',
        parts.port or 5432,
        parts.username or 'postgres',
        parts.database or 'postgres',
    )
    if parts.password:
        info += ' password=%s' % parts.password
    return info


def create_tables(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        database.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    return None


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = _server_url()
    name = 'test_%s' % uuid.uuid4().hex[:12]
    try:
        admin = psycopg.connect(_conninfo(server), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip('PostgreSQL is not reachable at %s: %s' % (server, exc))
    with admin:
        admin.execute('CREATE DATABASE "%s"' % name)
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    create_tables(url)
    monkeypatch.setenv('DATABASE_URL', url)
    monkeypatch.setattr(database, 'engine_hooks', [create_tables])
    config.reload_settings()
    database.dispose_engine()
    try:
        yield url
    finally:
        database.dispose_engine()
        config.reload_settings()
        with psycopg.connect(_conninfo(server), autocommit=True) as admin:
            admin.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)


@pytest.fixture
def committee() -> Dict[str, str]:
    return dict(COMMITTEE)
