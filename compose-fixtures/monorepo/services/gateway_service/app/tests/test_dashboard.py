import httpx

from services.gateway_service.app import clients

from .conftest import MEMBER_PROFILE
from .stubs import StubService


def _member_services(stubs):
    stubs["academy"].on("GET", "/api/v1/academy/enrollments/me", json=[{"cohort": "Juniors A"}])
    stubs["sessions"].on("GET", "/api/v1/sessions/mine", json=[])
    stubs["attendance"].on("GET", "/api/v1/attendance/me/summary", json={"attended": 12})
    stubs["communications"].on("GET", "/api/v1/notifications/unread-count", json={"count": 2})
    stubs["events"].on("GET", "/api/v1/events/upcoming", json=[{"title": "Club gala"}])


def test_dashboard_requires_a_token(client):
    assert client.get("/api/v1/dashboard/member").status_code == 401


def test_member_dashboard_gathers_every_section(client, stubs, members_api, member_headers):
    _member_services(stubs)

    response = client.get("/api/v1/dashboard/member", headers=member_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "member"
    assert body["degraded"] is False
    assert body["sections"]["profile"]["data"] == MEMBER_PROFILE
    assert body["sections"]["attendance"]["data"] == {"attended": 12}
    assert stubs["events"].last.url.params["limit"] == "3"
    # Downstream calls carry the caller's own token.
    assert members_api.last.headers["authorization"] == member_headers["Authorization"]


def test_one_service_down_degrades_only_its_section(client, stubs, members_api, member_headers):
    _member_services(stubs)
    stubs["sessions"].fail("GET", "/api/v1/sessions/mine")
    stubs["attendance"].on("GET", "/api/v1/attendance/me/summary", status_code=500)

    body = client.get("/api/v1/dashboard/member", headers=member_headers).json()

    assert body["degraded"] is True
    assert body["sections"]["sessions"] == {
        "available": False,
        "data": None,
        "error": "ConnectError",
    }
    assert body["sections"]["attendance"]["error"] == "HTTP 500"
    assert body["sections"]["profile"]["available"] is True


def test_coach_dashboard_is_for_coaches(client, stubs, coach_headers, member_headers):
    stubs["academy"].on("GET", "/api/v1/academy/coach/cohorts", json=[{"name": "Juniors A"}])

    assert client.get("/api/v1/dashboard/coach", headers=member_headers).status_code == 403
    body = client.get("/api/v1/dashboard/coach", headers=coach_headers).json()

    assert body["role"] == "coach"
    assert body["sections"]["cohorts"]["data"] == [{"name": "Juniors A"}]
    assert set(body["sections"]) == {"cohorts", "sessions", "suggestions", "notifications"}


def test_admin_dashboard_totals(client, stubs, admin_headers, monkeypatch):
    members = StubService("members").on("GET", "/api/v1/members/stats", json={"active": 214})
    monkeypatch.setattr(clients, "members_client", members.client())
    stubs["payments"].on(
        "GET", "/api/v1/admin/payments/stats", json={"collected_this_month": 1850000.0}
    )
    stubs["store"].on("GET", "/api/v1/admin/orders/", json={"items": [], "total": 6})
    stubs["ai"].on("GET", "/api/v1/ai/suggestions/pending", json=[{"id": 1}, {"id": 2}])

    body = client.get("/api/v1/dashboard/admin", headers=admin_headers).json()

    assert body["totals"] == {
        "active_members": 214,
        "revenue_this_month": 1850000.0,
        "open_orders": 6,
        "pending_suggestions": 2,
    }
    assert stubs["store"].last.url.params["status"] == "paid"


def test_admin_totals_are_empty_when_services_fail(client, stubs, admin_headers, payments_down):
    stubs["ai"].fail("GET", "/api/v1/ai/suggestions/pending", httpx.ReadTimeout)

    body = client.get("/api/v1/dashboard/admin", headers=admin_headers).json()

    assert body["totals"]["revenue_this_month"] is None
    assert body["totals"]["pending_suggestions"] is None
    assert body["sections"]["suggestions"]["error"] == "ReadTimeout"


def test_root_dashboard_follows_the_highest_role(
    client, stubs, members_api, member_headers, coach_headers
):
    _member_services(stubs)

    assert client.get("/api/v1/dashboard", headers=member_headers).json()["role"] == "member"
    assert client.get("/api/v1/dashboard", headers=coach_headers).json()["role"] == "coach"
