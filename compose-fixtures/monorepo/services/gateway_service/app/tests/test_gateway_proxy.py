import httpx
import pytest

from services.gateway_service.app import clients

from .stubs import StubService


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "gateway"}


def test_services_health_reports_each_service(client, stubs):
    stubs["events"].on("GET", "/health", json={"status": "ok"})
    stubs["ai"].on("GET", "/health", status_code=503)

    body = client.get("/health/services").json()

    by_name = {entry["service"]: entry for entry in body["services"]}
    assert set(by_name) == set(clients.SERVICE_NAMES)
    assert by_name["events"]["ok"] is True
    assert by_name["ai"] == {**by_name["ai"], "ok": False, "status_code": 503}
    assert body["ok"] is False


@pytest.mark.parametrize("path", ["/api/v1/academy/programs", "/api/v1/academy/programs/"])
def test_trailing_slash_twins_reach_the_collection(client, stubs, path):
    response = client.get(path, params={"status": "published"}, follow_redirects=False)

    assert response.status_code == 200
    echoed = response.json()
    assert echoed["path"] == "/api/v1/academy/programs/"
    assert echoed["query"] == [["status", "published"]]


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/events/"])
def test_trailing_slash_twins_accept_posts(client, stubs, admin_headers, path):
    response = client.post(path, json={"title": "Club gala"}, headers=admin_headers)

    assert response.json()["method"] == "POST"
    assert stubs["events"].last.url.path == "/api/v1/events/"
    assert stubs["events"].last_json() == {"title": "Club gala"}


def test_specific_route_wins_over_catch_all(client, stubs):
    open_cohorts = client.get("/api/v1/academy/cohorts/open")
    other = client.get("/api/v1/academy/cohorts/123/resources")

    assert open_cohorts.headers["cache-control"] == "public, max-age=60"
    assert "cache-control" not in other.headers
    assert stubs["academy"].paths == [
        "/api/v1/academy/cohorts/open",
        "/api/v1/academy/cohorts/123/resources",
    ]


def test_catch_all_forwards_nested_paths_and_methods(client, stubs, member_headers):
    response = client.patch(
        "/api/v1/transport/rides/42/bookings/7/decision",
        json={"accept": True},
        headers=member_headers,
    )

    echoed = response.json()
    assert echoed["service"] == "transport"
    assert echoed["method"] == "PATCH"
    assert echoed["path"] == "/api/v1/transport/rides/42/bookings/7/decision"


def test_legacy_paths_are_rewritten(client, stubs):
    client.get("/api/v1/coaches/availability")
    client.get("/api/v1/curriculum/skills")

    assert stubs["members"].paths == ["/api/v1/members/coaches/availability"]
    assert stubs["academy"].paths == ["/api/v1/academy/curriculum/skills"]


def test_admin_sections_dispatch_by_first_segment(client, stubs, admin_headers):
    client.get("/api/v1/admin/orders/", headers=admin_headers)
    client.get("/api/v1/admin/payments/stats", headers=admin_headers)
    unknown = client.get("/api/v1/admin/volunteers/list", headers=admin_headers)

    assert stubs["store"].paths == ["/api/v1/admin/orders"]
    assert stubs["payments"].paths == ["/api/v1/admin/payments/stats"]
    assert unknown.status_code == 404


def test_request_headers_are_filtered(client, stubs, member_headers):
    response = client.get(
        "/api/v1/volunteer/opportunities",
        headers={
            **member_headers,
            "X-Internal-Token": "forged",
            "X-Forwarded-For": "10.0.0.9",
            "Connection": "keep-alive, X-Debug",
            "X-Debug": "1",
            "Keep-Alive": "timeout=5",
            "Proxy-Authorization": "Basic c3dpbTpjbHVi",
            "X-Request-ID": "req-123",
        },
    )

    sent = response.json()["headers"]
    assert sent["authorization"] == member_headers["Authorization"]
    for name in ("x-internal-token", "keep-alive", "proxy-authorization", "x-debug"):
        assert name not in sent
    assert sent["connection"] == "keep-alive"  # httpx's own, not the client's
    assert sent["x-request-id"] == "req-123"
    assert sent["x-forwarded-for"] == "10.0.0.9, testclient"
    assert response.headers["x-request-id"] == "req-123"


def test_response_headers_are_filtered(client, stubs):
    stubs["store"].on(
        "GET",
        "/api/v1/store/cart",
        json={"items": []},
        headers=[
            ("Set-Cookie", "cart=abc; Path=/"),
            ("Set-Cookie", "seen=1; Path=/"),
            ("Server", "uvicorn"),
            ("Keep-Alive", "timeout=5"),
            ("X-Cart-Version", "7"),
        ],
    )

    response = client.get("/api/v1/store/cart")

    assert response.json() == {"items": []}
    assert response.headers.get_list("set-cookie") == ["cart=abc; Path=/", "seen=1; Path=/"]
    assert response.headers["x-cart-version"] == "7"
    assert response.headers["cache-control"] == "no-store"
    assert "server" not in response.headers
    assert "keep-alive" not in response.headers


def test_upstream_status_and_body_are_relayed(client, stubs):
    stubs["sessions"].on(
        "GET", "/api/v1/sessions/unknown", status_code=404, json={"detail": "session not found"}
    )

    response = client.get("/api/v1/sessions/unknown")

    assert response.status_code == 404
    assert response.json() == {"detail": "session not found"}


def test_unreachable_service_gives_502(client, payments_down):
    response = client.get("/api/v1/invoices/overdue")

    assert response.status_code == 502
    assert response.json() == {"detail": "payments service unavailable", "service": "payments"}


def test_slow_service_gives_504(client, monkeypatch):
    slow = StubService("academy").fail("GET", "/api/v1/academy/cohorts/", httpx.ReadTimeout)
    monkeypatch.setattr("services.gateway_service.app.clients.academy_client", slow.client())

    response = client.get("/api/v1/academy/cohorts")

    assert response.status_code == 504
    assert response.json()["service"] == "academy"


def test_registration_is_rate_limited(client, stubs):
    payload = {"email": "new@club.test", "first_name": "New", "last_name": "Swimmer"}
    statuses = [client.post("/api/v1/members/register", json=payload).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    assert len(stubs["members"].requests) == 5


def test_rate_limit_is_shared_by_trailing_slash_twins(client, stubs):
    for index in range(20):
        path = "/api/v1/payments" if index % 2 else "/api/v1/payments/"
        assert client.get(path).status_code == 200

    limited = client.get("/api/v1/payments")

    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    # The catch-all next to it has no limit.
    assert client.get("/api/v1/payments/summary").status_code == 200
