"""Fixtures for the sessions service tests: a pinned clock and a few club members."""

import uuid
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs import testing
from libs.testing import admin_headers, coach_headers, database_url, member_headers  # noqa: F401

OTHER_MEMBER_ID = uuid.UUID("00000000-0000-4000-8000-000000000004")
# A Monday morning; every time rule in the service reads the clock dependency.
FIXED_NOW = datetime(2026, 3, 2, 7, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def registered_models():
    """Register the sessions tables on ``Base`` before ``database_url`` creates them."""
    import services.sessions_service.models  # noqa: F401


@pytest.fixture
def club_members(database_url):  # noqa: F811
    """Rows in the members table, which sessions only maps read-only."""
    people = [
        (testing.ADMIN_ID, "Ada", "Admin"),
        (testing.COACH_ID, "Cory", "Coach"),
        (testing.MEMBER_ID, "Mia", "Member"),
        (OTHER_MEMBER_ID, "Otto", "Other"),
    ]
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, first_name, last_name, email)"
                " VALUES (:id, :first, :last, :email)"
            ),
            [
                {"id": pid, "first": first, "last": last, "email": f"{first.lower()}@club.test"}
                for pid, first, last in people
            ],
        )
    engine.dispose()


@pytest.fixture
def other_member_headers():
    return testing.bearer(OTHER_MEMBER_ID, "member")


@pytest.fixture
def internal_headers():
    from libs.settings import get_settings

    return {"X-Internal-Token": get_settings().internal_token}


@pytest.fixture
def app(database_url, club_members):  # noqa: F811
    from services.sessions_service.app.main import app
    from services.sessions_service.router import get_clock

    app.dependency_overrides[get_clock] = lambda: FIXED_NOW
    yield app
    app.dependency_overrides.clear()


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client
