"""Fixtures for the members service tests: an app client and member factories."""

import uuid

import pytest
from fastapi.testclient import TestClient

from libs import testing
from libs.testing import admin_headers, coach_headers, database_url, member_headers  # noqa: F401

API = "/api/v1"
OTHER_MEMBER_ID = uuid.UUID("00000000-0000-4000-8000-000000000004")


@pytest.fixture(autouse=True)
def registered_models():
    """Register the members tables on ``Base`` before ``database_url`` creates them."""
    import services.members_service.models  # noqa: F401


@pytest.fixture(autouse=True)
def offline_services(monkeypatch):
    """Calls to other services fail fast (connection refused) unless a test patches them."""
    monkeypatch.setenv("COMMUNICATIONS_SERVICE_URL", "http://127.0.0.1:9")


@pytest.fixture
def client(database_url):  # noqa: F811
    from services.members_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def other_member_headers():
    return testing.bearer(OTHER_MEMBER_ID, "member")


@pytest.fixture
def internal_headers():
    from libs.settings import get_settings

    return {"X-Internal-Token": get_settings().internal_token}


def registration_payload(first_name="Mia", last_name="Member", **overrides):
    payload = {
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{first_name.lower()}.{last_name.lower()}@club.test",
        "phone": "+234 803 555 0101",
        "date_of_birth": "1994-05-17",
        "city": "Lagos",
        "swim_level": "intermediate",
        "accept_terms": True,
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def make_member(client, admin_headers):  # noqa: F811
    """Register an account as a member and (by default) have the office activate it."""

    def _make(headers, *, activate=True, **overrides):
        response = client.post(
            f"{API}/members/register", json=registration_payload(**overrides), headers=headers
        )
        assert response.status_code == 201, response.text
        member = response.json()["member"]
        if activate:
            response = client.post(
                f"{API}/admin/members/{member['id']}/status",
                json={"status": "active"},
                headers=admin_headers,
            )
            assert response.status_code == 200, response.text
            member = response.json()
        return member

    return _make
