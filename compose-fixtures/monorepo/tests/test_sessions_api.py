from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs.settings import get_settings
from libs.testing import ADMIN_ID, COACH_ID, MEMBER_ID


@pytest.fixture(autouse=True)
def sessions_models():
    # Registered before ``database_url`` runs create_all.
    import services.sessions_service.models  # noqa: F401


@pytest.fixture
def client(database_url):
    from services.sessions_service.app.main import app

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


def _payload(days_ahead=2, **overrides):
    starts = (datetime.now(timezone.utc) + timedelta(days=days_ahead)).replace(microsecond=0)
    payload = {
        "title": "Junior squad",
        "session_type": "pool",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "capacity": 2,
    }
    payload.update(overrides)
    return payload


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "sessions"}


def test_templates_route_wins_over_session_id(client):
    # template_router is included before router: "templates" is not a session id.
    response = client.get("/api/v1/sessions/templates")
    assert response.status_code == 200
    assert response.json() == []


def test_create_list_and_filter(client, coach_headers):
    created = client.post("/api/v1/sessions/", json=_payload(), headers=coach_headers)
    assert created.status_code == 201, created.text
    client.post(
        "/api/v1/sessions/",
        json=_payload(days_ahead=3, session_type="dryland", title="Core"),
        headers=coach_headers,
    )
    dryland = client.get("/api/v1/sessions/", params={"session_type": "dryland"}).json()
    assert [s["title"] for s in dryland] == ["Core"]
    assert len(client.get("/api/v1/sessions/upcoming").json()) == 2


def test_members_cannot_schedule_sessions(client, member_headers):
    response = client.post("/api/v1/sessions/", json=_payload(), headers=member_headers)
    assert response.status_code == 403


def test_book_and_see_my_sessions(client, coach_headers, member_headers):
    session_id = client.post("/api/v1/sessions/", json=_payload(), headers=coach_headers).json()[
        "id"
    ]
    booking = client.post(f"/api/v1/sessions/{session_id}/bookings", headers=member_headers)
    assert booking.status_code == 201, booking.text
    assert booking.json()["status"] == "booked"
    duplicate = client.post(f"/api/v1/sessions/{session_id}/bookings", headers=member_headers)
    assert duplicate.status_code == 409
    mine = client.get("/api/v1/sessions/mine", headers=member_headers).json()
    assert [s["id"] for s in mine] == [session_id]


def test_internal_roster_needs_the_internal_token(client, coach_headers, member_headers):
    session_id = client.post("/api/v1/sessions/", json=_payload(), headers=coach_headers).json()[
        "id"
    ]
    client.post(f"/api/v1/sessions/{session_id}/bookings", headers=member_headers)
    url = f"/api/v1/internal/sessions/{session_id}/roster"
    assert client.get(url, headers=coach_headers).status_code == 403
    token = get_settings().internal_token
    roster = client.get(url, headers={"X-Internal-Token": token}).json()
    assert roster["member_ids"] == [str(MEMBER_ID)]


def test_cancel_without_notification(client, coach_headers):
    session_id = client.post("/api/v1/sessions/", json=_payload(), headers=coach_headers).json()[
        "id"
    ]
    cancelled = client.post(
        f"/api/v1/sessions/{session_id}/cancel",
        json={"reason": "Lifeguard shortage", "notify_members": False},
        headers=coach_headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancellation_reason"] == "Lifeguard shortage"
    booking = client.post(f"/api/v1/sessions/{session_id}/bookings", headers=coach_headers)
    assert booking.status_code == 409
