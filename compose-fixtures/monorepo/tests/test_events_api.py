from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(database_url):
    from services.events_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


def _event_payload(**overrides):
    starts = datetime.now(timezone.utc) + timedelta(days=7)
    payload = {
        "title": "Club gala",
        "event_type": "gala",
        "starts_at": starts.isoformat(),
        "capacity": 3,
    }
    payload.update(overrides)
    return payload


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "events"}


def test_create_publish_and_rsvp(client, admin_headers, member_headers):
    created = client.post("/api/v1/events/", json=_event_payload(), headers=admin_headers)
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    assert client.get("/api/v1/events/").json() == []

    assert (
        client.post(f"/api/v1/events/{event_id}/publish", headers=admin_headers).status_code == 200
    )
    assert [e["id"] for e in client.get("/api/v1/events/upcoming").json()] == [event_id]

    rsvp = client.post(
        f"/api/v1/events/{event_id}/rsvp", json={"guests": 1}, headers=member_headers
    )
    assert rsvp.status_code == 200, rsvp.text
    summary = client.get(f"/api/v1/events/{event_id}").json()
    assert summary["going"] == 2
    assert summary["seats_left"] == 1


def test_upcoming_is_not_shadowed_by_event_id(client):
    # "/events/upcoming" is registered before "/events/{event_id}".
    assert client.get("/api/v1/events/upcoming").status_code == 200


def test_rsvp_rejects_when_full(client, admin_headers, member_headers):
    event_id = client.post(
        "/api/v1/events/", json=_event_payload(capacity=1), headers=admin_headers
    ).json()["id"]
    full = client.post(
        f"/api/v1/events/{event_id}/rsvp", json={"guests": 2}, headers=member_headers
    )
    assert full.status_code == 409


def test_create_requires_admin(client, member_headers):
    response = client.post("/api/v1/events/", json=_event_payload(), headers=member_headers)
    assert response.status_code == 403
