import uuid
from datetime import timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from libs.testing import MEMBER_ID

from .conftest import SWIMMER_ID

API = "/api/v1/attendance"


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "attendance"}


def test_check_in_on_time_then_check_out(client, sessions_api, member_headers):
    session_id = str(sessions_api.add(starts_in=timedelta(minutes=5)))
    checked_in = client.post(
        f"{API}/check-in", json={"session_id": session_id}, headers=member_headers
    )
    assert checked_in.status_code == 201, checked_in.text
    assert (checked_in.json()["status"], checked_in.json()["method"]) == ("present", "self")

    again = client.post(f"{API}/check-in", json={"session_id": session_id}, headers=member_headers)
    assert again.status_code == 409
    out = client.post(f"{API}/check-out", json={"session_id": session_id}, headers=member_headers)
    assert out.json()["checked_out_at"] is not None


def test_late_early_and_cancelled_sessions(client, sessions_api, member_headers):
    late = sessions_api.add(starts_in=timedelta(minutes=-25))
    early = sessions_api.add(starts_in=timedelta(hours=3))
    cancelled = sessions_api.add(starts_in=timedelta(minutes=1), status="cancelled")

    def check_in(session_id):
        return client.post(
            f"{API}/check-in", json={"session_id": str(session_id)}, headers=member_headers
        )

    assert check_in(late).json()["status"] == "late"
    assert check_in(early).status_code == 409
    assert check_in(cancelled).status_code == 409


def test_kiosk_check_in_uses_seeded_locations(client, database_url, sessions_api, member_headers):
    from services.attendance_service.seed_locations import SITES, seed

    engine = create_engine(database_url)
    with Session(engine) as session:
        seed(session, SITES)
        session.commit()
    engine.dispose()

    session_id = str(sessions_api.add(starts_in=timedelta(minutes=10)))
    unknown = client.post(
        f"{API}/check-in",
        json={"session_id": session_id, "location_code": "NOPE"},
        headers=member_headers,
    )
    assert unknown.status_code == 404
    kiosk = client.post(
        f"{API}/check-in",
        json={"session_id": session_id, "location_code": "MAIN-25"},
        headers=member_headers,
    )
    assert kiosk.json()["method"] == "kiosk"
    assert len(client.get(f"{API}/locations").json()) == len(SITES)


def test_only_coaches_check_in_others(client, sessions_api, member_headers, coach_headers):
    session_id = str(sessions_api.add(starts_in=timedelta(minutes=5)))
    body = {"session_id": session_id, "member_id": str(SWIMMER_ID)}
    assert client.post(f"{API}/check-in", json=body, headers=member_headers).status_code == 403
    by_coach = client.post(f"{API}/check-in", json=body, headers=coach_headers)
    assert by_coach.json()["method"] == "coach"


def test_register_and_export(client, coach_headers):
    session_id = uuid.uuid4()
    register = client.put(
        f"{API}/sessions/{session_id}/register",
        json=[
            {"member_id": str(MEMBER_ID), "status": "present"},
            {"member_id": str(SWIMMER_ID), "status": "absent"},
        ],
        headers=coach_headers,
    )
    assert register.status_code == 200, register.text
    listed = client.get(f"{API}/sessions/{session_id}", headers=coach_headers).json()
    assert sorted(r["status"] for r in listed) == ["absent", "present"]

    export = client.get(f"{API}/records/export", headers=coach_headers)
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert export.text.count(str(session_id)) == 2


def test_accepted_notice_excuses_and_close_marks_absent(
    client, member_headers, coach_headers, internal_headers
):
    session_id = str(uuid.uuid4())
    notice = client.post(
        f"{API}/absences",
        json={"session_id": session_id, "reason": "School trip"},
        headers=member_headers,
    ).json()
    pending = client.get(f"{API}/absences", headers=coach_headers).json()
    assert [n["id"] for n in pending] == [notice["id"]]
    reviewed = client.post(
        f"{API}/absences/{notice['id']}/review", json={"accept": True}, headers=coach_headers
    )
    assert reviewed.json()["status"] == "accepted"

    close_url = f"/api/v1/internal/attendance/sessions/{session_id}/close"
    closed = client.post(
        close_url,
        json={"member_ids": [str(MEMBER_ID), str(SWIMMER_ID)]},
        headers=internal_headers,
    )
    assert closed.json() == {"absent": 1, "excused": 0, "already_recorded": 1}
    assert client.post(close_url, json={"member_ids": []}).status_code == 403


def test_summary_counts_late_as_attended(
    client, sessions_api, member_headers, coach_headers, internal_headers
):
    for offset in (timedelta(minutes=0), timedelta(minutes=-30)):
        session_id = str(sessions_api.add(starts_in=offset))
        client.post(f"{API}/check-in", json={"session_id": session_id}, headers=member_headers)
    client.put(
        f"{API}/sessions/{uuid.uuid4()}/register",
        json=[{"member_id": str(MEMBER_ID), "status": "absent"}],
        headers=coach_headers,
    )
    mine = client.get(f"{API}/me/summary", headers=member_headers).json()
    assert (mine["present"], mine["late"], mine["absent"]) == (1, 1, 1)
    assert mine["rate"] == 0.667
    stats = client.get(
        f"/api/v1/internal/attendance/members/{MEMBER_ID}/stats", headers=internal_headers
    )
    assert stats.json() == mine
