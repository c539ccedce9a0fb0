from datetime import date, datetime, timezone
from decimal import Decimal
from unittest import mock

import pytest

from .conftest import API

COACHES = f"{API}/members/coaches"
AGREEMENTS = f"{API}/members/coach-agreements"
SIGNED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
AGREEMENT_BODY = "The coach agrees to follow the club safeguarding policy at every session. " * 2

APPLICATION = {
    "headline": "Stroke technique for adults",
    "bio": "Former national-level breaststroker, ten years teaching adult beginners.",
    "years_experience": 10,
    "specialties": ["Adult learners", "breaststroke", "adult learners"],
    "hourly_rate": "12000.00",
}


@pytest.fixture
def approved_coach(client, make_member, coach_headers, admin_headers):
    make_member(coach_headers, first_name="Cory", last_name="Coach")
    applied = client.post(f"{COACHES}/apply", json=APPLICATION, headers=coach_headers)
    assert applied.status_code == 201, applied.text
    profile = applied.json()
    with mock.patch("services.members_service.coach_router.get_service_client") as factory:
        factory.return_value.post = mock.AsyncMock(return_value=None)
        reviewed = client.post(
            f"{COACHES}/{profile['id']}/review",
            json={"decision": "approve", "grade": "grade_2"},
            headers=admin_headers,
        )
    assert reviewed.status_code == 200, reviewed.text
    return reviewed.json()


@pytest.fixture
def current_version(client, admin_headers):
    response = client.post(
        f"{AGREEMENTS}/versions",
        json={
            "version": "1.0",
            "title": "Coaching agreement",
            "body": AGREEMENT_BODY,
            "effective_from": "2026-01-01",
        },
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _sign(client, headers, version):
    return client.post(
        f"{AGREEMENTS}/sign",
        json={"version_id": version["id"], "signature_name": "Cory Coach", "agree": True},
        headers=headers,
    )


def test_coach_paths_are_not_shadowed(client, admin_headers):
    assert client.get(COACHES).json() == []
    grades = client.get(f"{COACHES}/grades").json()
    assert [g["grade"] for g in grades][:2] == ["assistant", "grade_1"]
    assert client.get(AGREEMENTS, headers=admin_headers).status_code == 200
    assert client.get(f"{COACHES}/payouts/totals", headers=admin_headers).json() == []


def test_pending_members_cannot_apply(client, make_member, coach_headers):
    make_member(coach_headers, activate=False, first_name="Cory", last_name="Coach")
    response = client.post(f"{COACHES}/apply", json=APPLICATION, headers=coach_headers)
    assert response.status_code == 403


def test_review_notifies_the_coach(client, make_member, coach_headers, admin_headers):
    make_member(coach_headers, first_name="Cory", last_name="Coach")
    profile = client.post(f"{COACHES}/apply", json=APPLICATION, headers=coach_headers).json()
    assert profile["specialties"] == ["adult learners", "breaststroke"]

    with mock.patch("services.members_service.coach_router.get_service_client") as factory:
        factory.return_value.post = mock.AsyncMock(return_value=None)
        reviewed = client.post(
            f"{COACHES}/{profile['id']}/review",
            json={"decision": "approve", "grade": "grade_1"},
            headers=admin_headers,
        )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["grade"] == "grade_1"
    factory.assert_called_once_with("communications")
    sent = factory.return_value.post.call_args.kwargs["json"]
    assert sent["template"] == "coach_application_approved"
    assert sent["email"] == "cory.coach@club.test"

    directory = client.get(COACHES).json()
    assert [(c["first_name"], c["grade"]) for c in directory] == [("Cory", "grade_1")]


def test_signing_uses_the_router_clock(client, approved_coach, current_version, coach_headers):
    with mock.patch("services.members_service.coach_router._utcnow", return_value=SIGNED_AT):
        signed = _sign(client, coach_headers, current_version)
    assert signed.status_code == 201, signed.text
    assert datetime.fromisoformat(signed.json()["signed_at"]) == SIGNED_AT
    assert _sign(client, coach_headers, current_version).status_code == 409

    mine = client.get(f"{AGREEMENTS}/me", headers=coach_headers).json()
    assert [a["status"] for a in mine] == ["active"]


def test_payout_lifecycle(client, approved_coach, current_version, coach_headers, admin_headers):
    payout = {
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "sessions_count": 8,
        "amount": "96000.00",
    }
    url = f"{COACHES}/{approved_coach['id']}/payouts"
    assert client.post(url, json=payout, headers=admin_headers).status_code == 409  # no bank

    bank = {"bank_name": "Zenith", "account_number": "0123456789", "account_name": "Cory Coach"}
    assert (
        client.put(f"{COACHES}/me/bank-details", json=bank, headers=coach_headers).status_code
        == 200
    )
    assert client.post(url, json=payout, headers=admin_headers).status_code == 409  # unsigned

    assert _sign(client, coach_headers, current_version).status_code == 201
    created = client.post(url, json=payout, headers=admin_headers)
    assert created.status_code == 201, created.text
    payout_id = created.json()["id"]
    overlapping = dict(payout, period_start="2026-02-15", period_end="2026-03-15")
    assert client.post(url, json=overlapping, headers=admin_headers).status_code == 409

    paid_too_early = client.post(
        f"{COACHES}/payouts/{payout_id}/mark-paid",
        json={"reference": "TRF-001"},
        headers=admin_headers,
    )
    assert paid_too_early.status_code == 409
    assert (
        client.post(f"{COACHES}/payouts/{payout_id}/approve", headers=admin_headers).status_code
        == 200
    )
    with mock.patch("services.members_service.coach_router.get_service_client") as factory:
        factory.return_value.post = mock.AsyncMock(return_value=None)
        paid = client.post(
            f"{COACHES}/payouts/{payout_id}/mark-paid",
            json={"reference": "TRF-001"},
            headers=admin_headers,
        )
    assert paid.json()["status"] == "paid"
    assert factory.return_value.post.call_args.kwargs["json"]["template"] == "coach_payout_paid"

    totals = client.get(f"{COACHES}/payouts/totals", headers=admin_headers).json()
    assert totals == [{"status": "paid", "count": 1, "amount": "96000.00"}]
    mine = client.get(f"{COACHES}/me/payouts", headers=coach_headers).json()
    assert [p["reference"] for p in mine] == ["TRF-001"]


def test_new_version_supersedes_signatures(
    client, approved_coach, current_version, coach_headers, admin_headers
):
    assert _sign(client, coach_headers, current_version).status_code == 201
    newer = client.post(
        f"{AGREEMENTS}/versions",
        json={
            "version": "1.1",
            "title": "Coaching agreement",
            "body": AGREEMENT_BODY,
            "effective_from": "2026-06-01",
        },
        headers=admin_headers,
    ).json()
    assert client.get(f"{AGREEMENTS}/current", headers=coach_headers).json()["id"] == newer["id"]
    statuses = client.get(AGREEMENTS, headers=admin_headers).json()
    assert [a["status"] for a in statuses] == ["superseded"]
    assert _sign(client, coach_headers, current_version).status_code == 409


def test_volunteer_hours_use_the_router_calendar(
    client, make_member, member_headers, admin_headers
):
    make_member(member_headers)
    role = client.post(
        f"{API}/members/volunteering/roles", json={"name": "lane  marshal"}, headers=admin_headers
    ).json()
    assert role["name"] == "Lane Marshal"
    hours_url = f"{API}/members/volunteering/me/hours"

    with mock.patch(
        "services.members_service.volunteer_router._today", return_value=date(2026, 3, 2)
    ):
        logged = client.post(
            hours_url,
            json={"role_id": role["id"], "worked_on": "2026-03-02", "hours": "3.5"},
            headers=member_headers,
        )
        future = client.post(
            hours_url, json={"worked_on": "2026-03-03", "hours": "1"}, headers=member_headers
        )
        with mock.patch(
            "services.members_service.volunteer_router.MAX_HOURS_PER_DAY", Decimal("4")
        ):
            too_many = client.post(
                hours_url, json={"worked_on": "2026-03-02", "hours": "1"}, headers=member_headers
            )
        reviewed = client.post(
            f"{API}/members/volunteering/hours/{logged.json()['id']}/review",
            json={"decision": "approve"},
            headers=admin_headers,
        )
        board = client.get(f"{API}/members/volunteering/leaderboard", params={"days": 30}).json()

    assert logged.status_code == 201, logged.text
    assert future.status_code == 422
    assert too_many.status_code == 422
    assert reviewed.json()["status"] == "approved"
    assert [(e["display_name"], e["hours"]) for e in board] == [("Mia M.", "3.5")]
    summary = client.get(f"{API}/members/volunteering/me", headers=member_headers).json()
    assert summary["approved_hours"] == "3.5"
