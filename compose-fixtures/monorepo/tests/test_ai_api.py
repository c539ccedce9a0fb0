import sys
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from libs.db import Base
from libs.testing import COACH_ID

BASE = "/api/v1/ai"
INTERNAL = {"X-Internal-Token": "dev-internal-token"}


@pytest.fixture
def client(database_url):
    from services.ai_service.app.main import app

    # The tables exist only once the app's models are imported.
    engine = create_engine(database_url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    engine.dispose()
    with TestClient(app) as test_client:
        yield test_client


def _cohort(**overrides):
    # The payload the academy service sends (see academy scoring.request_ai_score).
    payload = {
        "group_size": 10,
        "coach_count": 1,
        "min_age": 6,
        "max_age": 9,
        "location_type": "pool",
        "level": "beginner",
        "category": "learn_to_swim",
        "additional_needs": 0,
        "notes": None,
    }
    payload.update(overrides)
    return payload


def _coach(**overrides):
    profile = {
        "coach_id": str(uuid.uuid4()),
        "years_coaching": 6,
        "certifications": ["club_coach_l2", "first_aid"],
        "sessions_last_year": 120,
        "average_feedback": 4.5,
    }
    profile.update(overrides)
    return profile


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "ai"}


def test_academy_can_score_with_the_internal_token(client, coach_headers, admin_headers):
    cohort_id = str(uuid.uuid4())
    response = client.post(
        f"{BASE}/scoring/cohort-complexity", json=_cohort(cohort_id=cohort_id), headers=INTERNAL
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert 0 <= body["score"] <= 100
    assert body["provider"] == "rule-based"
    assert body["rationale"].startswith("Complexity is")
    assert {f["name"] for f in body["factors"]} >= {"group_size", "environment", "notes"}

    latest = client.get(f"{BASE}/scoring/cohort-complexity/{cohort_id}", headers=coach_headers)
    assert latest.json()["score"] == body["score"]
    [logged] = client.get(f"{BASE}/requests", headers=admin_headers).json()
    assert logged["caller"] == "service"


def test_notes_raise_the_score(client, coach_headers):
    plain = client.post(f"{BASE}/scoring/cohort-complexity", json=_cohort(), headers=coach_headers)
    noted = client.post(
        f"{BASE}/scoring/cohort-complexity",
        json=_cohort(notes="Two swimmers with asthma; one is very nervous in deep water."),
        headers=coach_headers,
    )
    assert noted.json()["flags"] == ["medical", "water_confidence"]
    assert noted.json()["score"] > plain.json()["score"]


def test_finished_cohort_is_rejected_and_logged(client, admin_headers):
    response = client.post(
        f"{BASE}/scoring/cohort-complexity",
        json=_cohort(cohort_status="completed"),
        headers=INTERNAL,
    )
    assert response.status_code == 409
    # "/requests/stats" is registered before "/requests/{request_id}".
    stats = client.get(f"{BASE}/requests/stats", headers=admin_headers)
    assert stats.status_code == 200
    assert stats.json()["by_status"] == {"rejected": 1}


def test_scoring_needs_a_coach_or_a_service(client, member_headers):
    url = f"{BASE}/scoring/cohort-complexity"
    assert client.post(url, json=_cohort(), headers=member_headers).status_code == 403
    assert client.post(url, json=_cohort(), headers={"X-Internal-Token": "x"}).status_code == 403
    assert (
        client.post(url, json=_cohort(min_age=12, max_age=8), headers=INTERNAL).status_code == 422
    )


def test_coach_grade_and_history(client, coach_headers, member_headers):
    graded = client.post(
        f"{BASE}/scoring/coach-grade", json=_coach(coach_id=str(COACH_ID)), headers=coach_headers
    )
    assert graded.status_code == 200, graded.text
    assert graded.json()["grade"] == "grade_3"
    lapsed = client.post(
        f"{BASE}/scoring/coach-grade",
        json=_coach(coach_id=str(COACH_ID), safeguarding_valid=False),
        headers=coach_headers,
    ).json()
    assert lapsed["grade"] == "assistant"
    assert lapsed["capped_reason"] == "safeguarding training has lapsed"

    history = client.get(f"{BASE}/coaches/{COACH_ID}/grades", headers=coach_headers).json()
    assert [h["grade"] for h in history] == ["assistant", "grade_3"]
    assert (
        client.get(f"{BASE}/coaches/{COACH_ID}/grades", headers=member_headers).status_code == 403
    )


def test_suggestions_and_decisions(client, admin_headers):
    cohort_id = str(uuid.uuid4())
    strong, near, novice = (
        _coach(),
        _coach(distance_km=2),
        _coach(years_coaching=0.5, certifications=[]),
    )
    request = {
        "cohort": _cohort(cohort_id=cohort_id, group_size=20, level="advanced"),
        "cohort_days": [1, 3],
        "candidates": [
            {**strong, "available_days": [1, 3], "current_cohorts": 2},
            {**near, "available_days": [1, 3]},
            {**novice, "available_days": [1, 3]},
        ],
    }
    response = client.post(f"{BASE}/suggestions/coaches", json=request, headers=admin_headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert [s["coach_id"] for s in body["suggestions"]] == [near["coach_id"], strong["coach_id"]]
    assert [r["coach_id"] for r in body["rejected"]] == [novice["coach_id"]]

    # "/suggestions/pending" is registered before "/suggestions/{suggestion_id}".
    pending = client.get(f"{BASE}/suggestions/pending", headers=admin_headers).json()
    assert len(pending) == 2
    top = body["suggestions"][0]["id"]
    decided = client.post(
        f"{BASE}/suggestions/{top}/decision", json={"accept": True}, headers=admin_headers
    )
    assert decided.json()["status"] == "accepted"
    assert client.get(f"{BASE}/suggestions/pending", headers=admin_headers).json() == []
    again = client.post(
        f"{BASE}/suggestions/{top}/decision", json={"accept": False}, headers=admin_headers
    )
    assert again.status_code == 409


def test_cohort_statuses_without_the_academy(monkeypatch):
    from services.ai_service.scoring.cohort_complexity import scorable_statuses

    assert {"open", "active"} <= scorable_statuses()
    assert "completed" not in scorable_statuses()
    # The AI image may not ship the academy's models: the scoring falls back to plain strings.
    monkeypatch.setitem(sys.modules, "services.academy_service.models", None)
    assert scorable_statuses() == frozenset({"draft", "open", "active"})
