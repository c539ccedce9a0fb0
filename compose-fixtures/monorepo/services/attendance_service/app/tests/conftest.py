"""Fixtures for the attendance service tests.

The sessions service is not running here: ``sessions_api`` stands in for it by patching the
lookup the check-in route makes.
"""

import uuid
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs import testing
from libs.testing import admin_headers, coach_headers, database_url, member_headers  # noqa: F401

SWIMMER_ID = uuid.UUID("00000000-0000-4000-8000-000000000005")


@pytest.fixture(autouse=True)
def registered_models():
    """Register the attendance tables on ``Base`` before ``database_url`` creates them."""
    import services.attendance_service.models  # noqa: F401


@pytest.fixture
def club_members(database_url):  # noqa: F811
    people = [
        (testing.ADMIN_ID, "Ada"),
        (testing.COACH_ID, "Cory"),
        (testing.MEMBER_ID, "Mia"),
        (SWIMMER_ID, "Sam"),
    ]
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, first_name, last_name, email)"
                " VALUES (:id, :name, 'Swimmer', :email)"
            ),
            [
                {"id": pid, "name": name, "email": f"{name.lower()}@club.test"}
                for pid, name in people
            ],
        )
    engine.dispose()


class FakeSessions:
    """What the sessions service would answer, keyed by session id."""

    def __init__(self) -> None:
        self.sessions: dict[uuid.UUID, dict] = {}

    def add(self, starts_in: timedelta, minutes: int = 60, status: str = "scheduled") -> uuid.UUID:
        session_id = uuid.uuid4()
        starts_at = datetime.now(timezone.utc) + starts_in
        self.sessions[session_id] = {
            "id": str(session_id),
            "status": status,
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(minutes=minutes)).isoformat(),
        }
        return session_id

    async def lookup(self, session_id: uuid.UUID) -> dict | None:
        return self.sessions.get(session_id)


@pytest.fixture
def sessions_api():
    fake = FakeSessions()
    with mock.patch("services.attendance_service.router._fetch_session", side_effect=fake.lookup):
        yield fake


@pytest.fixture
def internal_headers():
    from libs.settings import get_settings

    return {"X-Internal-Token": get_settings().internal_token}


@pytest.fixture
def swimmer_headers():
    return testing.bearer(SWIMMER_ID, "member")


@pytest.fixture
def client(database_url, club_members, sessions_api):  # noqa: F811
    from services.attendance_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client
