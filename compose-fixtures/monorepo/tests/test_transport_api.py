import uuid
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from libs.db import Base
from libs.testing import ADMIN_ID, COACH_ID, MEMBER_ID, bearer

PARENT_ID = uuid.UUID("00000000-0000-4000-8000-000000000004")
BASE = "/api/v1/transport"


@pytest.fixture
def client(database_url):
    from services.transport_service.app.main import app

    # The tables exist only once the app's models are imported.
    engine = create_engine(database_url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    engine.dispose()
    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        for member_id, first in [
            (ADMIN_ID, "Alex"),
            (COACH_ID, "Chris"),
            (MEMBER_ID, "Morgan"),
            (PARENT_ID, "Pat"),
        ]:
            conn.execute(
                "INSERT INTO members (id, first_name, last_name, email) VALUES (%s, %s, %s, %s)",
                (member_id, first, "Swimmer", f"{first.lower()}@example.org"),
            )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def parent_headers():
    return bearer(PARENT_ID, "member")


def _location(client, admin_headers, name="Leisure Centre", **extra):
    payload = {"name": name, "kind": "pool", "address": "1 High St", "area": "North", **extra}
    response = client.post(f"{BASE}/locations", json=payload, headers=admin_headers)
    assert response.status_code == 201, response.text
    return response.json()


def _route(client, admin_headers, code="NORTH-1", **extra):
    payload = {
        "code": code,
        "name": "North loop",
        "destination": "Aquatics Centre",
        "weekdays": [4, 0, 2, 2],
        "departure_time": "16:15:00",
        "capacity": 2,
        **extra,
    }
    response = client.post(f"{BASE}/routes", json=payload, headers=admin_headers)
    assert response.status_code == 201, response.text
    return response.json()


def _ride(client, headers, location_id, **extra):
    payload = {
        "pickup_location_id": location_id,
        "destination": "County gala, Riverside pool",
        "departs_at": (datetime.now(timezone.utc) + timedelta(days=3)).isoformat(),
        "seats_total": 2,
        **extra,
    }
    return client.post(f"{BASE}/rides", json=payload, headers=headers)


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "transport"}


def test_route_lifecycle_and_active_listing(client, admin_headers):
    location = _location(client, admin_headers)
    route = _route(client, admin_headers)
    assert route["weekdays"] == [0, 2, 4]
    assert route["status"] == "draft"
    route_url = f"{BASE}/routes/{route['id']}"
    assert (
        client.patch(route_url, json={"capacity": None}, headers=admin_headers).status_code == 422
    )
    patched = client.patch(route_url, json={"weekdays": [2, 0, 4]}, headers=admin_headers)
    assert patched.json()["weekdays"] == [0, 2, 4]
    status_url = f"{BASE}/routes/{route['id']}/status"
    # A route without stops cannot start running.
    assert (
        client.post(status_url, params={"target": "active"}, headers=admin_headers).status_code
        == 409
    )

    stops = client.put(
        f"{BASE}/routes/{route['id']}/stops",
        json=[{"location_id": location["id"], "minutes_from_start": 0}],
        headers=admin_headers,
    )
    assert stops.status_code == 200, stops.text
    assert stops.json()["stops"][0]["location"]["name"] == "Leisure Centre"
    assert (
        client.post(status_url, params={"target": "active"}, headers=admin_headers).json()["status"]
        == "active"
    )

    # "/routes/active" is registered before "/routes/{route_id}".
    active = client.get(f"{BASE}/routes/active", params={"weekday": 2})
    assert active.status_code == 200
    assert [r["code"] for r in active.json()] == ["NORTH-1"]
    assert client.get(f"{BASE}/routes/active", params={"weekday": 1}).json() == []

    assert (
        client.post(status_url, params={"target": "retired"}, headers=admin_headers).status_code
        == 200
    )
    assert (
        client.post(status_url, params={"target": "active"}, headers=admin_headers).status_code
        == 409
    )


def test_subscription_respects_capacity(
    client, admin_headers, member_headers, coach_headers, parent_headers
):
    location = _location(client, admin_headers)
    route = _route(client, admin_headers, capacity=1)
    client.put(
        f"{BASE}/routes/{route['id']}/stops",
        json=[{"location_id": location["id"]}],
        headers=admin_headers,
    )
    client.post(
        f"{BASE}/routes/{route['id']}/status", params={"target": "active"}, headers=admin_headers
    )

    subscribed = client.post(f"{BASE}/routes/{route['id']}/subscribe", headers=member_headers)
    assert subscribed.status_code == 200, subscribed.text
    assert subscribed.json()["member"]["first_name"] == "Morgan"
    full = client.post(f"{BASE}/routes/{route['id']}/subscribe", headers=parent_headers)
    assert full.status_code == 409
    riders = client.get(f"{BASE}/routes/{route['id']}/riders", headers=coach_headers).json()
    assert [r["member"]["id"] for r in riders] == [str(MEMBER_ID)]
    assert client.get(f"{BASE}/routes/{route['id']}", headers=member_headers).json()["riders"] == 1


def test_ride_sharing_flow(client, admin_headers, member_headers, parent_headers):
    location = _location(client, admin_headers)
    ride = _ride(client, parent_headers, location["id"])
    assert ride.status_code == 201, ride.text
    ride = ride.json()
    assert ride["driver"]["first_name"] == "Pat"
    assert ride["seats_left"] == 2

    booking = client.post(
        f"{BASE}/rides/{ride['id']}/bookings", json={"seats": 2}, headers=member_headers
    )
    assert booking.status_code == 201, booking.text
    decision_url = f"{BASE}/rides/{ride['id']}/bookings/{booking.json()['id']}/decision"
    # Only the driver decides.
    assert (
        client.post(decision_url, params={"confirm": True}, headers=member_headers).status_code
        == 403
    )
    detail = client.post(decision_url, params={"confirm": True}, headers=parent_headers)
    assert detail.status_code == 200, detail.text
    assert detail.json()["status"] == "full"
    assert detail.json()["seats_left"] == 0
    assert detail.json()["bookings"][0]["status"] == "confirmed"

    # "/rides/mine" is registered before "/rides/{ride_id}".
    mine = client.get(f"{BASE}/rides/mine", headers=member_headers)
    assert mine.status_code == 200
    assert [b["ride_id"] for b in mine.json()["booked"]] == [ride["id"]]
    driving = client.get(f"{BASE}/rides/mine", headers=parent_headers).json()["driving"]
    assert [r["id"] for r in driving] == [ride["id"]]


def test_cancel_ride_cancels_bookings(client, admin_headers, member_headers, parent_headers):
    location = _location(client, admin_headers)
    ride = _ride(client, parent_headers, location["id"]).json()
    client.post(f"{BASE}/rides/{ride['id']}/bookings", json={}, headers=member_headers)
    assert (
        client.post(f"{BASE}/rides/{ride['id']}/cancel", headers=member_headers).status_code == 403
    )
    cancelled = client.post(f"{BASE}/rides/{ride['id']}/cancel", headers=parent_headers)
    assert cancelled.json()["status"] == "cancelled"
    detail = client.get(f"{BASE}/rides/{ride['id']}", headers=member_headers).json()
    assert [b["status"] for b in detail["bookings"]] == ["cancelled"]
    assert client.get(f"{BASE}/rides", headers=member_headers).json() == []


def test_ride_validation(client, admin_headers, parent_headers):
    location = _location(client, admin_headers)
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    assert _ride(client, parent_headers, location["id"], departs_at=past).status_code == 422
    assert _ride(client, parent_headers, str(uuid.uuid4())).status_code == 404
    assert (
        client.post(
            f"{BASE}/locations", json={"name": "x", "address": "y"}, headers=parent_headers
        ).status_code
        == 403
    )
