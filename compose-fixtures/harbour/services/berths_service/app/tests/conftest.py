"""Fixtures for the berths service tests: an app client and pontoon/berth factories."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs.testing import admin_headers, coach_headers, database_url, member_headers  # noqa: F401

API = "/api/v1"
VESSEL_ID = uuid.UUID("00000000-0000-4000-9000-00000000000a")


@pytest.fixture(autouse=True)
def registered_models():
    """Register the berths tables on ``Base`` before ``database_url`` creates them."""
    import services.berths_service.models  # noqa: F401


@pytest.fixture(autouse=True)
def offline_services(monkeypatch):
    """Calls to the vessels service fail fast unless a test patches ``fetch_vessel``."""
    monkeypatch.setenv("VESSELS_SERVICE_URL", "http://127.0.0.1:9")


@pytest.fixture
def client(database_url):  # noqa: F811
    from services.berths_service.app.main import app

    # The vessels service owns harbour_vessels; the tests insert the one row the stub needs.
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO harbour_vessels (id, name, length_m, beam_m, draft_m)"
                " VALUES (:id, 'Curlew', 11.5, 3.8, 1.9)"
            ),
            {"id": VESSEL_ID},
        )
    engine.dispose()

    with TestClient(app) as test_client:
        yield test_client


def vessel(length_m=11.5, beam_m=3.8, draft_m=1.9):
    return {
        "id": str(VESSEL_ID),
        "name": "Curlew",
        "length_m": length_m,
        "beam_m": beam_m,
        "draft_m": draft_m,
    }


@pytest.fixture
def make_berth(client, admin_headers):  # noqa: F811
    """Create pontoon ``code`` (once) and a berth on it; returns the berth JSON."""
    pontoons = {}

    def _make(number=1, code="A", **overrides):
        if code not in pontoons:
            response = client.post(
                f"{API}/pontoons",
                json={
                    "code": code,
                    "name": f"Pontoon {code}",
                    "max_draft_m": "2.5",
                    "is_visitor": True,
                },
                headers=admin_headers,
            )
            assert response.status_code == 201, response.text
            pontoons[code] = response.json()["id"]
        payload = {
            "pontoon_id": pontoons[code],
            "number": number,
            "max_length_m": "12.0",
            "max_beam_m": "4.2",
            "nightly_rate": "38.00",
        }
        payload.update(overrides)
        response = client.post(f"{API}/berths", json=payload, headers=admin_headers)
        assert response.status_code == 201, response.text
        return response.json()

    return _make
