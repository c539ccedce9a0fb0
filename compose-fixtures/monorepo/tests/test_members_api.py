from unittest import mock

import pytest
from fastapi.testclient import TestClient

from libs.testing import COACH_ID, MEMBER_ID, bearer

API = "/api/v1"


@pytest.fixture(autouse=True)
def registered_models(monkeypatch):
    """Members tables must be on ``Base`` before ``database_url`` creates the schema."""
    import services.members_service.models  # noqa: F401

    monkeypatch.setenv("COMMUNICATIONS_SERVICE_URL", "http://127.0.0.1:9")


@pytest.fixture
def client(database_url):
    from services.members_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


def _register(client, headers, first_name="Mia", last_name="Member", **extra):
    payload = {
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{first_name.lower()}@club.test",
        "date_of_birth": "1990-01-31",
        "accept_terms": True,
        **extra,
    }
    response = client.post(f"{API}/members/register", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["member"]


def _activate(client, admin_headers, member_id):
    response = client.post(
        f"{API}/admin/members/{member_id}/status", json={"status": "active"}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "members"}


def test_register_and_read_own_profile(client, member_headers):
    member = _register(client, member_headers, phone="0803 555 0101")
    assert member["phone"] == "08035550101"
    me = client.get(f"{API}/members/me", headers=member_headers).json()
    assert me["id"] == member["id"]
    assert me["status"] == "pending"
    again = client.post(
        f"{API}/members/register",
        json={"first_name": "Mia", "last_name": "M", "email": "x@club.test", "accept_terms": True},
        headers=member_headers,
    )
    assert again.status_code == 409
    taken = client.get(f"{API}/members/register/email-available", params={"email": "MIA@club.test"})
    assert taken.json() == {"email": "mia@club.test", "available": False}


def test_registration_requires_terms(client, member_headers):
    response = client.post(
        f"{API}/members/register",
        json={
            "first_name": "Mia",
            "last_name": "M",
            "email": "mia@club.test",
            "accept_terms": False,
        },
        headers=member_headers,
    )
    assert response.status_code == 422


def test_literal_routes_win_over_member_id(client, member_headers, admin_headers):
    _register(client, member_headers)
    for path in ("/members/me", "/members/public", "/members/coaches", "/members/coaches/grades"):
        assert client.get(API + path, headers=member_headers).status_code == 200, path
    assert client.get(f"{API}/members/stats", headers=admin_headers).status_code == 200
    assert client.get(f"{API}/members/stats", headers=member_headers).status_code == 403


def test_activation_is_announced_through_service_module(
    client, monkeypatch, member_headers, admin_headers
):
    from services.members_service import service

    templates = []

    async def record(member, template, **context):
        templates.append(template)
        return True

    monkeypatch.setattr(service, "send_member_notification", record)
    member = _register(client, member_headers)
    active = _activate(client, admin_headers, member["id"])
    assert active["membership_number"].startswith("SC-")
    assert templates == ["registration_received", "membership_approved"]


def test_stats_count_members_and_coaches(client, member_headers, coach_headers, admin_headers):
    _register(client, member_headers)
    coach = _activate(
        client, admin_headers, _register(client, coach_headers, "Cory", "Coach")["id"]
    )
    application = {
        "headline": "Open-water coaching",
        "bio": "Open-water swimmer and triathlon coach for twelve years.",
        "years_experience": 12,
    }
    applied = client.post(f"{API}/members/coaches/apply", json=application, headers=coach_headers)
    assert applied.status_code == 201, applied.text

    stats = client.get(f"{API}/members/stats", headers=admin_headers).json()
    assert stats["total"] == 2
    assert stats["by_status"] == {"pending": 1, "active": 1}
    assert stats["coaches"] == {"applied": 1}
    assert coach["membership_tier"] == "community"


def test_internal_lookup_used_by_other_services(client, member_headers, admin_headers):
    from libs.settings import get_settings

    member = _register(client, member_headers)
    url = f"{API}/members/internal/{member['id']}"
    assert client.get(url).status_code == 403
    headers = {"X-Internal-Token": get_settings().internal_token}
    summary = client.get(url, headers=headers).json()
    assert (summary["first_name"], summary["email"]) == ("Mia", "mia@club.test")
    bulk = client.post(
        f"{API}/members/internal/bulk", json={"ids": [member["id"]]}, headers=headers
    )
    assert [m["id"] for m in bulk.json()] == [member["id"]]
    assert (
        client.get(f"{API}/members/internal/{member['id']}/coach", headers=headers).status_code
        == 404
    )


def test_coach_review_notifies_through_coach_router(client, coach_headers, admin_headers):
    member = _register(client, coach_headers, "Cory", "Coach")
    _activate(client, admin_headers, member["id"])
    profile = client.post(
        f"{API}/members/coaches/apply",
        json={
            "headline": "Junior squads",
            "bio": "Twelve years coaching junior competitive squads.",
            "years_experience": 12,
        },
        headers=coach_headers,
    ).json()
    with mock.patch("services.members_service.coach_router.get_service_client") as factory:
        factory.return_value.post = mock.AsyncMock(return_value=None)
        rejected = client.post(
            f"{API}/members/coaches/{profile['id']}/review",
            json={"decision": "reject", "note": "Needs a safeguarding certificate first."},
            headers=admin_headers,
        )
    assert rejected.json()["status"] == "rejected"
    assert factory.return_value.post.call_args.kwargs["json"]["template"] == (
        "coach_application_rejected"
    )
    assert client.get(f"{API}/members/coaches/me", headers=bearer(COACH_ID)).json()["status"] == (
        "rejected"
    )
    assert client.get(f"{API}/members/coaches/me", headers=bearer(MEMBER_ID)).status_code == 404
