from datetime import date, datetime, time, timedelta, timezone
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from libs.testing import ADMIN_ID, COACH_ID, MEMBER_ID

API = "/api/v1/volunteer"


@pytest.fixture(autouse=True)
def volunteer_models():
    # The tables must be registered on the shared Base before ``database_url`` creates them.
    import services.volunteer_service.models  # noqa: F401


@pytest.fixture
def client(database_url, monkeypatch):
    # Other services are unreachable in tests: fail fast instead of waiting on DNS.
    monkeypatch.setenv("MEMBERS_SERVICE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("COMMUNICATIONS_SERVICE_URL", "http://127.0.0.1:9")
    from libs.settings import get_settings

    get_settings.cache_clear()
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, first_name, last_name, email)"
                " VALUES (:id, :first, :last, :email)"
            ),
            [
                {"id": ADMIN_ID, "first": "Ada", "last": "Admin", "email": "ada@example.org"},
                {"id": COACH_ID, "first": "Cora", "last": "Coach", "email": "cora@example.org"},
                {"id": MEMBER_ID, "first": "Max", "last": "Member", "email": "max@example.org"},
            ],
        )
    engine.dispose()

    from services.volunteer_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


def _open_opportunity(client, admin_headers, **overrides):
    payload = {"title": "Gala timekeepers", "category": "gala_officiating"}
    payload.update(overrides)
    created = client.post(f"{API}/admin/opportunities", json=payload, headers=admin_headers)
    assert created.status_code == 201, created.text
    opportunity_id = created.json()["id"]
    opened = client.post(
        f"{API}/admin/opportunities/{opportunity_id}/status",
        json={"status": "open"},
        headers=admin_headers,
    )
    assert opened.status_code == 200, opened.text
    return opportunity_id


def _add_shift(client, admin_headers, opportunity_id, capacity=1):
    starts = datetime.combine(date.today() + timedelta(days=1), time(9), tzinfo=timezone.utc)
    response = client.post(
        f"{API}/admin/opportunities/{opportunity_id}/shifts",
        json={
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": capacity,
        },
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "volunteer"}


def test_draft_opportunities_are_hidden_until_opened(client, admin_headers, member_headers):
    created = client.post(
        f"{API}/admin/opportunities",
        json={"title": "Car park marshals", "category": "events"},
        headers=admin_headers,
    ).json()
    assert (
        client.get(f"{API}/opportunities/{created['id']}", headers=member_headers).status_code
        == 404
    )
    reopened = client.post(
        f"{API}/admin/opportunities/{created['id']}/status",
        json={"status": "filled"},
        headers=admin_headers,
    )
    assert reopened.status_code == 409
    _open_opportunity(client, admin_headers, title="Poolside helpers", category="poolside_helper")
    listing = client.get(f"{API}/opportunities", headers=member_headers).json()
    assert [item["title"] for item in listing["items"]] == ["Poolside helpers"]


def test_waitlist_is_promoted_when_a_volunteer_cancels(
    client, admin_headers, coach_headers, member_headers
):
    opportunity_id = _open_opportunity(client, admin_headers)
    shift_id = _add_shift(client, admin_headers, opportunity_id, capacity=1)

    first = client.post(f"{API}/shifts/{shift_id}/signup", json={}, headers=member_headers)
    assert first.json()["status"] == "confirmed"
    second = client.post(f"{API}/shifts/{shift_id}/signup", json={}, headers=coach_headers)
    assert second.json()["status"] == "waitlisted"
    again = client.post(f"{API}/shifts/{shift_id}/signup", json={}, headers=member_headers)
    assert again.status_code == 409

    cancelled = client.delete(f"{API}/shifts/{shift_id}/signup", headers=member_headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["promoted_member_id"] == str(COACH_ID)


def test_my_opportunities_is_not_shadowed_by_opportunity_id(client, admin_headers, member_headers):
    # "/opportunities/mine" is registered before "/opportunities/{opportunity_id}".
    opportunity_id = _open_opportunity(client, admin_headers)
    shift_id = _add_shift(client, admin_headers, opportunity_id, capacity=2)
    client.post(f"{API}/shifts/{shift_id}/signup", json={}, headers=member_headers)

    mine = client.get(f"{API}/opportunities/mine", headers=member_headers)
    assert mine.status_code == 200, mine.text
    assert [item["id"] for item in mine.json()] == [opportunity_id]
    assert mine.json()[0]["signed_up"] is True
    assert mine.json()[0]["open_spots"] == 1


def test_member_view_asks_members_service_for_the_coordinator(
    client, admin_headers, member_headers
):
    opportunity_id = _open_opportunity(client, admin_headers, coordinator_id=str(COACH_ID))
    summary = mock.AsyncMock(return_value={"first_name": "Cora", "last_name": "Swims"})
    with mock.patch("services.volunteer_service.router.get_member_summary", summary):
        detail = client.get(f"{API}/opportunities/{opportunity_id}", headers=member_headers)
    assert detail.status_code == 200, detail.text
    assert detail.json()["coordinator_name"] == "Cora Swims"
    summary.assert_awaited_with(str(COACH_ID))

    # The admin view reads the coordinator from the local members table instead.
    admin_view = client.get(f"{API}/admin/opportunities/{opportunity_id}", headers=admin_headers)
    assert admin_view.json()["coordinator_name"] == "Cora Coach"


def test_check_out_credits_hours_to_the_roster(
    client, admin_headers, coach_headers, member_headers
):
    opportunity_id = _open_opportunity(client, admin_headers)
    shift_id = _add_shift(client, admin_headers, opportunity_id)
    signup_id = client.post(
        f"{API}/shifts/{shift_id}/signup", json={}, headers=member_headers
    ).json()["id"]

    roster = client.get(f"{API}/admin/shifts/{shift_id}/roster", headers=coach_headers).json()
    assert [entry["member_name"] for entry in roster] == ["Max Member"]

    hours = client.post(
        f"{API}/admin/signups/{signup_id}/check-out", json={}, headers=coach_headers
    )
    assert hours.status_code == 200, hours.text
    assert hours.json()["status"] == "approved"
    assert hours.json()["hours"] == "2.00"  # the rostered two hours: nobody checked in

    summary = client.get(
        f"{API}/admin/opportunities/{opportunity_id}", headers=admin_headers
    ).json()
    assert summary["signups_by_status"] == {"attended": 1}
    assert summary["no_show_rate"] == 0.0
    assert summary["approved_hours"] == "2.00"


def test_manual_hours_need_review_by_someone_else(
    client, admin_headers, coach_headers, member_headers
):
    logged = client.post(
        f"{API}/hours",
        json={"category": "fundraising", "worked_on": date.today().isoformat(), "hours": "2.1"},
        headers=member_headers,
    )
    assert logged.status_code == 201, logged.text
    entry = logged.json()
    assert entry["status"] == "pending"
    assert entry["hours"] == "2.00"

    rejected = client.post(
        f"{API}/admin/hours/{entry['id']}/reject", json={}, headers=admin_headers
    )
    assert rejected.status_code == 422
    approved = client.post(f"{API}/admin/hours/{entry['id']}/approve", headers=coach_headers)
    assert approved.json()["status"] == "approved"

    summary = client.get(f"{API}/hours/summary", headers=member_headers).json()
    assert summary["approved_hours"] == "2.00"
    assert summary["by_category"] == [{"category": "fundraising", "hours": "2.00"}]


def test_handbook_current_is_not_shadowed_by_version(client, admin_headers, member_headers):
    # "/handbook/current" is registered before "/handbook/{version}".
    for version in ("1.0", "1.1"):
        created = client.post(
            f"{API}/admin/handbook",
            json={"version": version, "title": f"Volunteer handbook {version}", "body": "Be kind."},
            headers=admin_headers,
        )
        assert created.status_code == 201, created.text
        published = client.post(f"{API}/admin/handbook/{version}/publish", headers=admin_headers)
        assert published.status_code == 200, published.text

    current = client.get(f"{API}/handbook/current", headers=member_headers)
    assert current.status_code == 200, current.text
    assert current.json()["version"] == "1.1"
    assert client.get(f"{API}/handbook/1.0", headers=member_headers).json()["status"] == (
        "superseded"
    )

    ack = client.post(f"{API}/handbook/current/acknowledge", headers=member_headers)
    assert ack.status_code == 201, ack.text
    assert client.get(f"{API}/handbook/current", headers=member_headers).json()["acknowledged_at"]

    client.post(
        f"{API}/admin/handbook",
        json={"version": "1.0.1", "title": "Backport", "body": "Old."},
        headers=admin_headers,
    )
    assert (
        client.post(f"{API}/admin/handbook/1.0.1/publish", headers=admin_headers).status_code == 409
    )


def test_completed_challenge_awards_a_badge_and_notifies(
    client, admin_headers, coach_headers, member_headers
):
    challenge = client.post(
        f"{API}/admin/challenges",
        json={
            "title": "Summer of helping",
            "target": "3",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=30)).isoformat(),
            "badge_name": "Summer Helper",
            "badge_tier": "silver",
        },
        headers=admin_headers,
    ).json()
    assert (
        client.post(
            f"{API}/admin/challenges/{challenge['id']}/activate", headers=admin_headers
        ).status_code
        == 200
    )
    joined = client.post(f"{API}/challenges/{challenge['id']}/join", headers=member_headers)
    assert joined.status_code == 201, joined.text

    entry = client.post(
        f"{API}/hours",
        json={"category": "events", "worked_on": date.today().isoformat(), "hours": "3.5"},
        headers=member_headers,
    ).json()
    client.post(f"{API}/admin/hours/{entry['id']}/approve", headers=coach_headers)

    service_client = mock.MagicMock()
    service_client.return_value.post = mock.AsyncMock(return_value=None)
    with mock.patch("services.volunteer_service.services.get_service_client", service_client):
        result = client.post(
            f"{API}/admin/challenges/{challenge['id']}/recalculate", headers=admin_headers
        )
    assert result.status_code == 200, result.text
    assert [badge["name"] for badge in result.json()["badges_awarded"]] == ["Summer Helper"]
    service_client.assert_called_once_with("communications")
    sent = service_client.return_value.post.await_args.kwargs["json"]
    assert sent["member_id"] == str(MEMBER_ID)
    assert sent["context"] == {"badge": "Summer Helper", "tier": "silver"}

    badges = client.get(f"{API}/challenges/badges/mine", headers=member_headers).json()
    assert [badge["tier"] for badge in badges] == ["silver"]
