import uuid
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs.settings import get_settings
from libs.testing import ADMIN_ID, COACH_ID, MEMBER_ID


@pytest.fixture(autouse=True)
def attendance_models():
    # Registered before ``database_url`` runs create_all.
    import services.attendance_service.models  # noqa: F401


@pytest.fixture
def client(database_url):
    from services.attendance_service.app.main import app

    engine = create_engine(database_url, poolclass=NullPool)
    with engine.begin() as conn:
        for member_id, name in ((ADMIN_ID, "admin"), (COACH_ID, "coach"), (MEMBER_ID, "member")):
            conn.execute(
                text(
                    "INSERT INTO members (id, first_name, last_name, email) VALUES (:i, :n, :n, :e)"
                ),
                {"i": member_id, "n": name, "e": f"{name}@club.test"},
            )
    engine.dispose()
    with TestClient(app) as test_client:
        yield test_client


def _session(minutes_from_now):
    starts = datetime.now(timezone.utc) + timedelta(minutes=minutes_from_now)
    return {
        "status": "scheduled",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
    }


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "attendance"}


def test_check_in_asks_the_sessions_service(client, member_headers):
    session_id = str(uuid.uuid4())
    with mock.patch(
        "services.attendance_service.router._fetch_session",
        new=mock.AsyncMock(return_value=_session(-15)),
    ) as fetch:
        response = client.post(
            "/api/v1/attendance/check-in", json={"session_id": session_id}, headers=member_headers
        )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "late"
    fetch.assert_awaited_once_with(uuid.UUID(session_id))


def test_check_out_requires_check_in(client, member_headers):
    response = client.post(
        "/api/v1/attendance/check-out",
        json={"session_id": str(uuid.uuid4())},
        headers=member_headers,
    )
    assert response.status_code == 409


def test_export_is_not_read_as_a_record_id(client, coach_headers):
    # "/records/export" is registered before "/records/{record_id}".
    response = client.get("/api/v1/attendance/records/export", headers=coach_headers)
    assert response.status_code == 200
    assert response.text.startswith("session_id,member_id,status")


def test_register_then_correct_a_mark(client, coach_headers, member_headers):
    session_id = uuid.uuid4()
    marks = client.put(
        f"/api/v1/attendance/sessions/{session_id}/register",
        json=[{"member_id": str(MEMBER_ID), "status": "absent"}],
        headers=coach_headers,
    ).json()
    record_id = marks[0]["id"]
    corrected = client.patch(
        f"/api/v1/attendance/records/{record_id}",
        json={"status": "excused", "notes": "Ill, told the coach on the day"},
        headers=coach_headers,
    )
    assert corrected.json()["status"] == "excused"
    mine = client.get(f"/api/v1/attendance/records/{record_id}", headers=member_headers)
    assert mine.json()["notes"] == "Ill, told the coach on the day"


def test_members_cannot_read_registers(client, member_headers):
    response = client.get(f"/api/v1/attendance/sessions/{uuid.uuid4()}", headers=member_headers)
    assert response.status_code == 403


def test_internal_count_needs_token(client, coach_headers):
    session_id = uuid.uuid4()
    client.put(
        f"/api/v1/attendance/sessions/{session_id}/register",
        json=[{"member_id": str(MEMBER_ID), "status": "present"}],
        headers=coach_headers,
    )
    url = f"/api/v1/internal/attendance/sessions/{session_id}/count"
    assert client.get(url).status_code == 403
    token = {"X-Internal-Token": get_settings().internal_token}
    assert client.get(url, headers=token).json() == {"attended": 1}
