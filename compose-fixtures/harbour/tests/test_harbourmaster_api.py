import uuid
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from fastapi.testclient import TestClient

API = "/api/v1/harbourmaster"


@pytest.fixture
def client(database_url):
    from services.harbourmaster_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "harbourmaster"}


def test_notices_are_numbered_and_withdrawn(client, admin_headers):
    now = datetime.now(timezone.utc)
    numbers = []
    for title in ("Dredging in the approach channel", "Gala regatta Saturday"):
        response = client.post(
            f"{API}/notices",
            json={
                "title": title,
                "body": "Keep to the marked channel.",
                "category": "works",
                "in_force_from": (now - timedelta(hours=1)).isoformat(),
            },
            headers=admin_headers,
        )
        assert response.status_code == 201, response.text
        numbers.append(response.json()["number"])
    assert numbers == [f"{now.year}/001", f"{now.year}/002"]

    first = client.get(f"{API}/notices").json()[-1]
    client.post(f"{API}/notices/{first['id']}/withdraw", headers=admin_headers)
    assert len(client.get(f"{API}/notices").json()) == 1
    assert len(client.get(f"{API}/notices", params={"include_expired": True}).json()) == 2


def test_movement_takes_the_registry_name(client, admin_headers):
    vessel_id = uuid.uuid4()
    with mock.patch(
        "services.harbourmaster_service.router.lookup_vessel",
        new=mock.AsyncMock(return_value={"id": str(vessel_id), "name": "Kittiwake"}),
    ) as lookup:
        response = client.post(
            f"{API}/movements",
            json={"vessel_id": str(vessel_id), "vessel_name": "kitty", "kind": "arrival"},
            headers=admin_headers,
        )
    lookup.assert_awaited_once_with(vessel_id)
    assert response.status_code == 201, response.text
    assert response.json()["vessel_name"] == "Kittiwake"
    summary = client.get(f"{API}/traffic/today").json()
    assert (summary["arrivals"], summary["departures"]) == (1, 0)


def test_movement_without_a_known_vessel_needs_a_name(client, admin_headers, member_headers):
    with mock.patch("services.harbourmaster_service.router.lookup_vessel", return_value=None):
        missing = client.post(
            f"{API}/movements",
            json={"vessel_id": str(uuid.uuid4()), "kind": "departure"},
            headers=admin_headers,
        )
    assert missing.status_code == 422
    forbidden = client.post(
        f"{API}/movements",
        json={"vessel_name": "Tern", "kind": "departure"},
        headers=member_headers,
    )
    assert forbidden.status_code == 403


def test_incident_workflow(client, admin_headers, member_headers):
    reported = client.post(
        f"{API}/incidents",
        json={
            "title": "Loose fender board on B pontoon",
            "description": "Board hanging by one bolt.",
            "severity": "minor",
            "occurred_at": datetime.now(timezone.utc).isoformat(),
        },
        headers=member_headers,
    )
    assert reported.status_code == 201, reported.text
    url = f"{API}/incidents/{reported.json()['id']}"
    assert client.patch(url, json={"status": "closed"}, headers=admin_headers).status_code == 422
    assert client.get(f"{API}/traffic/today").json()["open_incidents"] == 1
    closed = client.patch(
        url, json={"status": "closed", "resolution": "Bolt replaced."}, headers=admin_headers
    )
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    again = client.patch(url, json={"status": "investigating"}, headers=admin_headers)
    assert again.status_code == 409
