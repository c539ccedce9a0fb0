from datetime import timedelta
from unittest import mock

from libs.testing import COACH_ID, MEMBER_ID

from .conftest import FIXED_NOW, OTHER_MEMBER_ID

API = "/api/v1/sessions"


def _session_payload(hours_ahead=26, **overrides):
    starts = FIXED_NOW + timedelta(hours=hours_ahead)
    payload = {
        "title": "Squad A - aerobic",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=90)).isoformat(),
        "pool_name": "Main pool",
        "lanes": 4,
        "capacity": 10,
    }
    payload.update(overrides)
    return payload


def _create(client, headers, **overrides):
    response = client.post(f"{API}/", json=_session_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_templates_and_upcoming_are_not_read_as_session_ids(client):
    assert client.get(f"{API}/templates").status_code == 200
    assert client.get(f"{API}/upcoming").status_code == 200
    assert client.get(f"{API}/not-a-uuid").status_code == 422


def test_create_session_and_read_detail(client, coach_headers):
    created = _create(client, coach_headers)
    assert created["status"] == "scheduled"
    assert created["spots_left"] == 10

    detail = client.get(f"{API}/{created['id']}").json()
    assert detail["title"] == "Squad A - aerobic"
    upcoming = client.get(f"{API}/upcoming", params={"days": 2}).json()
    assert [s["id"] for s in upcoming] == [created["id"]]


def test_pool_lanes_cannot_be_double_booked(client, coach_headers):
    _create(client, coach_headers, lanes=6)
    clash = client.post(f"{API}/", json=_session_payload(lanes=4), headers=coach_headers)
    assert clash.status_code == 409
    fits = client.post(f"{API}/", json=_session_payload(lanes=2), headers=coach_headers)
    assert fits.status_code == 201, fits.text


def test_waitlist_is_promoted_when_a_place_frees_up(
    client, coach_headers, member_headers, other_member_headers
):
    session_id = _create(client, coach_headers, capacity=1)["id"]
    first = client.post(f"{API}/{session_id}/bookings", headers=member_headers).json()
    second = client.post(f"{API}/{session_id}/bookings", headers=other_member_headers).json()
    assert (first["status"], second["status"]) == ("booked", "waitlisted")

    released = client.delete(f"{API}/{session_id}/bookings/me", headers=member_headers)
    assert released.json()["status"] == "cancelled"
    bookings = client.get(f"{API}/{session_id}/bookings", headers=coach_headers).json()
    assert [(b["member_id"], b["status"]) for b in bookings] == [(str(OTHER_MEMBER_ID), "booked")]


def test_assigning_a_coach_asks_the_members_service(client, admin_headers, coach_headers):
    session_id = _create(client, coach_headers)["id"]
    with mock.patch(
        "services.sessions_service.router.get_member_summary",
        new=mock.AsyncMock(return_value=None),
    ):
        unknown = client.post(
            f"{API}/{session_id}/coaches", json={"coach_id": str(COACH_ID)}, headers=admin_headers
        )
    assert unknown.status_code == 422

    with mock.patch(
        "services.sessions_service.router.get_member_summary",
        new=mock.AsyncMock(return_value={"id": str(COACH_ID), "first_name": "Cory"}),
    ) as summary:
        assigned = client.post(
            f"{API}/{session_id}/coaches",
            json={"coach_id": str(COACH_ID), "role": "assistant"},
            headers=admin_headers,
        )
    assert assigned.status_code == 200, assigned.text
    summary.assert_awaited_once_with(str(COACH_ID))
    assert [c["role"] for c in assigned.json()["coaches"]] == ["assistant"]


def test_cancelling_notifies_booked_members(client, coach_headers, member_headers):
    session_id = _create(client, coach_headers)["id"]
    client.post(f"{API}/{session_id}/bookings", headers=member_headers)
    with mock.patch(
        "services.sessions_service.router._notify_cancellation", new_callable=mock.AsyncMock
    ) as notify:
        cancelled = client.post(
            f"{API}/{session_id}/cancel", json={"reason": "Pool closed"}, headers=coach_headers
        )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    notified_session, member_ids = notify.await_args.args
    assert member_ids == [MEMBER_ID]

    again = client.post(
        f"{API}/{session_id}/cancel", json={"reason": "Pool closed"}, headers=coach_headers
    )
    assert again.status_code == 409


def test_status_transitions_follow_the_clock(app, client, coach_headers):
    from services.sessions_service.router import get_clock

    session = _create(client, coach_headers)
    start_url = f"{API}/{session['id']}/start"
    assert client.post(start_url, headers=coach_headers).status_code == 409

    app.dependency_overrides[get_clock] = lambda: FIXED_NOW + timedelta(hours=26)
    assert client.post(start_url, headers=coach_headers).json()["status"] == "in_progress"
    completed = client.post(f"{API}/{session['id']}/complete", headers=coach_headers)
    assert completed.json()["status"] == "completed"
    assert client.post(start_url, headers=coach_headers).status_code == 409


def test_generate_from_template_skips_holidays(client, admin_headers):
    template = client.post(
        f"{API}/templates",
        json={
            "name": "Tuesday masters",
            "weekday": "tuesday",
            "start_time": "19:30:00",
            "duration_minutes": 60,
            "pool_name": "Main pool",
            "capacity": 16,
            "valid_from": FIXED_NOW.date().isoformat(),
        },
        headers=admin_headers,
    )
    assert template.status_code == 201, template.text
    template_id = template.json()["id"]
    holiday = (FIXED_NOW + timedelta(days=8)).date().isoformat()
    client.post(
        f"{API}/templates/{template_id}/skips",
        json={"day": holiday, "reason": "County gala"},
        headers=admin_headers,
    )
    window = {
        "start": FIXED_NOW.date().isoformat(),
        "end": (FIXED_NOW + timedelta(days=20)).date().isoformat(),
    }
    first = client.post(
        f"{API}/templates/{template_id}/generate", json=window, headers=admin_headers
    ).json()
    assert len(first["created"]) == 2
    assert first["skipped_days"] == [holiday]

    second = client.post(
        f"{API}/templates/{template_id}/generate", json=window, headers=admin_headers
    ).json()
    assert second["created"] == [] and len(second["existing_days"]) == 2


def test_internal_cohort_cancellation(client, coach_headers, member_headers, internal_headers):
    cohort_id = "7b0e1c3a-2d4f-4a8b-9c1d-5e6f7a8b9c0d"
    session_id = _create(client, coach_headers, cohort_id=cohort_id)["id"]
    client.post(f"{API}/{session_id}/bookings", headers=member_headers)
    url = f"/api/v1/internal/cohorts/{cohort_id}/cancel-sessions"

    assert client.post(url, json={}).status_code == 403
    with mock.patch(
        "services.sessions_service.internal_router._notify_cancellation",
        new_callable=mock.AsyncMock,
    ) as notify:
        response = client.post(url, json={"reason": "Cohort merged"}, headers=internal_headers)
    assert response.json() == {"cancelled": [session_id], "notified_members": 1}
    notify.assert_awaited_once()
