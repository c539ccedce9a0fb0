import uuid
from datetime import date, timedelta
from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs.testing import ADMIN_ID, COACH_ID, MEMBER_ID, bearer

API = "/api/v1/academy"
SECOND_MEMBER_ID = uuid.UUID("00000000-0000-4000-8000-000000000004")


@pytest.fixture
def client(database_url, monkeypatch):
    # Nothing answers on port 9: service calls that a test does not patch fail fast.
    for service in ("MEMBERS", "COMMUNICATIONS", "AI"):
        monkeypatch.setenv(f"{service}_SERVICE_URL", "http://127.0.0.1:9")
    from libs.db import Base
    from services.academy_service.app.main import app

    # database_url ran before the app (and its models) were imported on the first test.
    engine = create_engine(database_url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, first_name, last_name, email)"
                " VALUES (:id, :first, :last, :email)"
            ),
            [
                {"id": ADMIN_ID, "first": "Ada", "last": "Admin", "email": "ada@club.test"},
                {"id": COACH_ID, "first": "Cody", "last": "Coach", "email": "cody@club.test"},
                {"id": MEMBER_ID, "first": "Mia", "last": "Member", "email": "mia@club.test"},
                {"id": SECOND_MEMBER_ID, "first": "Sam", "last": "Swim", "email": "sam@club.test"},
            ],
        )
    engine.dispose()

    with TestClient(app) as test_client:
        yield test_client


def _program(client, admin_headers, **overrides):
    payload = {
        "name": "Learn to Swim Stage 1",
        "category": "learn_to_swim",
        "level": "beginner",
        "min_age": 5,
        "max_age": 8,
        "default_capacity": 2,
        "price": "85.00",
    }
    payload.update(overrides)
    response = client.post(f"{API}/programs/", json=payload, headers=admin_headers)
    assert response.status_code == 201, response.text
    return response.json()


def _open_cohort(client, admin_headers, program_id, **overrides):
    client.post(f"{API}/programs/{program_id}/publish", headers=admin_headers)
    start = date.today() + timedelta(days=7)
    payload = {
        "program_id": program_id,
        "name": "Spring Tuesdays",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(weeks=10)).isoformat(),
        "schedule": "Tue 17:00",
    }
    payload.update(overrides)
    cohort = client.post(f"{API}/cohorts/", json=payload, headers=admin_headers)
    assert cohort.status_code == 201, cohort.text
    opened = client.post(
        f"{API}/cohorts/{cohort.json()['id']}/status",
        json={"status": "open"},
        headers=admin_headers,
    )
    assert opened.status_code == 200, opened.text
    return opened.json()


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "academy"}


def test_program_crud_and_published_not_shadowed(client, admin_headers, member_headers):
    program = _program(client, admin_headers)
    assert program["slug"] == "learn-to-swim-stage-1"
    assert client.get(f"{API}/programs/published").json() == []

    client.post(f"{API}/programs/{program['id']}/publish", headers=admin_headers)
    published = client.get(f"{API}/programs/published")
    assert published.status_code == 200
    assert [p["id"] for p in published.json()] == [program["id"]]

    detail = client.get(f"{API}/programs/{program['id']}").json()
    assert detail["cohorts"] == [] and detail["milestones"] == []

    patched = client.patch(
        f"{API}/programs/{program['id']}", json={"duration_weeks": 12}, headers=admin_headers
    )
    assert patched.json()["duration_weeks"] == 12
    assert client.post(
        f"{API}/programs/", json={"name": "x"}, headers=member_headers
    ).status_code in (
        403,
        422,
    )
    listed = client.get(f"{API}/programs/", params={"published": True}).json()
    assert listed["total"] == 1

    assert (
        client.delete(f"{API}/programs/{program['id']}", headers=admin_headers).status_code == 204
    )
    assert client.get(f"{API}/programs/{program['id']}").status_code == 404


def test_cohort_transitions_and_open_not_shadowed(client, admin_headers, coach_headers):
    program = _program(client, admin_headers)
    cohort = _open_cohort(client, admin_headers, program["id"])
    assert cohort["status"] == "open"
    assert cohort["capacity"] == 2

    open_cohorts = client.get(f"{API}/cohorts/open")
    assert open_cohorts.status_code == 200
    assert [c["id"] for c in open_cohorts.json()] == [cohort["id"]]
    assert open_cohorts.json()[0]["seats_left"] == 2

    listed = client.get(f"{API}/cohorts/", params={"status": "open"}, headers=coach_headers)
    assert listed.json()["total"] == 1

    back_to_draft = client.post(
        f"{API}/cohorts/{cohort['id']}/status", json={"status": "completed"}, headers=admin_headers
    )
    assert back_to_draft.status_code == 409

    detail = client.get(f"{API}/cohorts/{cohort['id']}").json()
    assert detail["program"]["id"] == program["id"] and detail["seats_left"] == 2


def test_self_enroll_waitlist_and_promotion(client, admin_headers, member_headers):
    program = _program(client, admin_headers, default_capacity=1)
    cohort = _open_cohort(client, admin_headers, program["id"])
    second_headers = bearer(SECOND_MEMBER_ID, "member")

    with mock.patch("services.academy_service.router.get_service_client") as service_client:
        service_client.return_value.post = mock.AsyncMock(return_value=None)
        first = client.post(f"{API}/cohorts/{cohort['id']}/enroll", json={}, headers=member_headers)
        second = client.post(
            f"{API}/cohorts/{cohort['id']}/enroll", json={}, headers=second_headers
        )
        assert first.status_code == 201 and first.json()["status"] == "pending"
        assert second.json()["status"] == "waitlisted"
        assert second.json()["waitlist_position"] == 1

        withdrawn = client.patch(
            f"{API}/enrollments/{first.json()['id']}/status",
            json={"status": "withdrawn"},
            headers=member_headers,
        )
        assert withdrawn.status_code == 200, withdrawn.text

    templates = [
        c.kwargs["json"]["template"] for c in service_client.return_value.post.call_args_list
    ]
    assert templates == [
        "academy.enrollment_received",
        "academy.waitlisted",
        "academy.waitlist_promoted",
    ]
    mine = client.get(f"{API}/enrollments/me", headers=second_headers).json()
    assert [e["status"] for e in mine] == ["pending"]

    roster = client.get(f"{API}/cohorts/{cohort['id']}/enrollments", headers=admin_headers).json()
    assert {r["first_name"] for r in roster} == {"Mia", "Sam"}


def test_internal_roster_and_payment(client, admin_headers):
    program = _program(client, admin_headers)
    cohort = _open_cohort(client, admin_headers, program["id"])
    enrollment = client.post(
        f"{API}/cohorts/{cohort['id']}/enrollments",
        json={"member_id": str(MEMBER_ID)},
        headers=admin_headers,
    ).json()
    assert client.get(f"{API}/internal/cohorts/{cohort['id']}/roster").status_code == 403

    internal = {"X-Internal-Token": "dev-internal-token"}
    paid = client.post(
        f"{API}/internal/enrollments/{enrollment['id']}/payment",
        json={"payment_status": "paid"},
        headers=internal,
    )
    assert paid.json()["status"] == "active"
    roster = client.get(f"{API}/internal/cohorts/{cohort['id']}/roster", headers=internal).json()
    assert [r["member_id"] for r in roster] == [str(MEMBER_ID)]


def test_admin_member_summary_uses_members_service(client, admin_headers):
    summary = {"id": str(MEMBER_ID), "first_name": "Mia", "last_name": "Member"}
    with mock.patch(
        "services.academy_service.router.get_member_summary",
        mock.AsyncMock(return_value=summary),
    ) as fetch:
        response = client.get(f"{API}/admin/members/{MEMBER_ID}/academy", headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "Mia Member"
    fetch.assert_awaited_once_with(str(MEMBER_ID))


def test_complexity_scoring_rules_and_ai(client, admin_headers):
    program = _program(client, admin_headers, category="open_water", level="advanced")
    cohort = _open_cohort(client, admin_headers, program["id"], location_type="open_water")

    rules = client.post(
        f"{API}/cohorts/{cohort['id']}/complexity-score", json={}, headers=admin_headers
    )
    assert rules.status_code == 201, rules.text
    assert rules.json()["source"] == "rules"

    ai_answer = {"score": 91, "rationale": "open water, mixed ability"}
    with mock.patch(
        "services.academy_service.router.request_ai_score", mock.AsyncMock(return_value=ai_answer)
    ):
        ai = client.post(
            f"{API}/cohorts/{cohort['id']}/complexity-score",
            json={"use_ai": True},
            headers=admin_headers,
        )
    assert ai.json()["source"] == "ai"
    assert ai.json()["required_grade"] == "head_coach"
    latest = client.get(f"{API}/cohorts/{cohort['id']}/complexity-score", headers=admin_headers)
    assert latest.json()["id"] == ai.json()["id"]
    assert (
        client.get(f"{API}/cohorts/{cohort['id']}").json()["required_coach_grade"] == "head_coach"
    )


def test_coach_assignment_progress_and_unstaffed(client, admin_headers, coach_headers):
    program = _program(client, admin_headers)
    cohort = _open_cohort(client, admin_headers, program["id"])
    unstaffed = client.get(f"{API}/cohorts/unstaffed", headers=admin_headers)
    assert unstaffed.status_code == 200
    assert [c["cohort_id"] for c in unstaffed.json()] == [cohort["id"]]

    score = client.post(
        f"{API}/cohorts/{cohort['id']}/complexity-score", json={}, headers=admin_headers
    )
    assert score.json()["required_grade"] == "grade_1"
    with mock.patch(
        "services.academy_service.coach_assignment_router.get_member_summary",
        mock.AsyncMock(return_value={"coach_grade": "grade_2"}),
    ) as fetch_grade:
        assignment = client.post(
            f"{API}/coach-assignments/",
            json={"cohort_id": cohort["id"], "coach_id": str(COACH_ID), "role": "lead"},
            headers=admin_headers,
        )
    assert assignment.status_code == 201, assignment.text
    fetch_grade.assert_awaited_once_with(str(COACH_ID))
    accepted = client.post(
        f"{API}/coach-assignments/{assignment.json()['id']}/accept", headers=coach_headers
    )
    assert accepted.json()["status"] == "active"
    assert client.get(f"{API}/cohorts/unstaffed", headers=admin_headers).json() == []

    milestone = client.post(
        f"{API}/programs/{program['id']}/milestones",
        json={"title": "Float on back for 10s"},
        headers=admin_headers,
    ).json()
    enrollment = client.post(
        f"{API}/cohorts/{cohort['id']}/enrollments",
        json={"member_id": str(MEMBER_ID), "payment_status": "paid"},
        headers=admin_headers,
    ).json()
    recorded = client.post(
        f"{API}/enrollments/{enrollment['id']}/progress",
        json={"milestone_id": milestone["id"], "status": "achieved"},
        headers=coach_headers,
    )
    assert recorded.status_code == 200, recorded.text

    refreshed = client.post(f"{API}/cohorts/{cohort['id']}/progress/refresh", headers=coach_headers)
    assert refreshed.json()["updated"] == 1
    overview = client.get(f"{API}/coach/cohorts/{cohort['id']}/overview", headers=coach_headers)
    assert overview.json()["completion_rate"] == 100
    assert overview.json()["roster"][0]["progress_percent"] == 100
    cards = client.get(f"{API}/coach/cohorts", headers=coach_headers).json()
    assert [c["role"] for c in cards] == ["lead"]


def test_curriculum_skills_tree_and_versions(client, admin_headers):
    water = client.post(
        f"{API}/curriculum/skills",
        json={"name": "Water confidence", "category": "water_confidence"},
        headers=admin_headers,
    ).json()
    client.post(
        f"{API}/curriculum/skills",
        json={"name": "Back float", "category": "water_confidence", "parent_id": water["id"]},
        headers=admin_headers,
    )
    # "/curriculum/skills" and "/curriculum/skills/tree" are not taken for ids.
    assert len(client.get(f"{API}/curriculum/skills").json()) == 2
    tree = client.get(f"{API}/curriculum/skills/tree").json()
    assert [child["name"] for child in tree[0]["children"]] == ["Back float"]

    program = _program(client, admin_headers)
    v1 = client.post(
        f"{API}/curriculum/programs/{program['id']}/versions",
        json={"title": "Stage 1 (2026)"},
        headers=admin_headers,
    ).json()
    week = client.post(
        f"{API}/curriculum/{v1['id']}/weeks",
        json={"week_number": 1, "theme": "Getting wet"},
        headers=admin_headers,
    ).json()
    client.post(
        f"{API}/curriculum/weeks/{week['id']}/lessons",
        json={"title": "Entries and exits"},
        headers=admin_headers,
    )
    client.post(f"{API}/curriculum/{v1['id']}/activate", headers=admin_headers)
    v2 = client.post(
        f"{API}/curriculum/programs/{program['id']}/versions",
        json={"title": "Stage 1 (2027)"},
        headers=admin_headers,
    ).json()
    assert v2["version"] == 2
    assert [w["lessons"][0]["title"] for w in v2["weeks"]] == ["Entries and exits"]
    active = client.get(f"{API}/curriculum/programs/{program['id']}").json()
    assert active["id"] == v1["id"]
