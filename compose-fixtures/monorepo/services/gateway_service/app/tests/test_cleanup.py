import pytest

from services.gateway_service.app.routers import cleanup

from .stubs import StubService

ALL_TASKS = [task.key for task in cleanup.TASKS]


@pytest.fixture(autouse=True)
def empty_history():
    cleanup._history.clear()
    yield
    cleanup._history.clear()


@pytest.fixture
def store_api(stubs) -> StubService:
    stub = stubs["store"]
    stub.on("GET", "/api/v1/internal/store/carts/abandoned", json={"count": 4})
    stub.on("DELETE", "/api/v1/internal/store/carts/abandoned", json={"deleted": 4})
    return stub


def test_cleanup_is_admin_only(client, member_headers, coach_headers):
    assert client.get("/api/v1/admin/cleanup/tasks").status_code == 401
    assert client.get("/api/v1/admin/cleanup/tasks", headers=member_headers).status_code == 403
    assert client.get("/api/v1/admin/cleanup/tasks", headers=coach_headers).status_code == 403


def test_cleanup_routes_are_not_swallowed_by_the_admin_proxy(client, stubs, admin_headers):
    tasks = client.get("/api/v1/admin/cleanup/tasks", headers=admin_headers)

    assert tasks.status_code == 200
    assert [task["key"] for task in tasks.json()] == ALL_TASKS
    assert all(not stub.requests for stub in stubs.values())


def test_preview_counts_with_the_internal_token(client, store_api, admin_headers, internal_token):
    response = client.get(
        "/api/v1/admin/cleanup/preview",
        params={"tasks": "abandoned-carts", "older_than_days": 30},
        headers=admin_headers,
    )

    assert response.json() == [
        {
            "key": "abandoned-carts",
            "service": "store",
            "older_than_days": 30,
            "count": 4,
            "error": None,
        }
    ]
    assert store_api.last.method == "GET"
    assert store_api.last.url.params["older_than_days"] == "30"
    assert store_api.last.headers["x-internal-token"] == internal_token


def test_preview_rejects_unknown_tasks(client, admin_headers):
    response = client.get(
        "/api/v1/admin/cleanup/preview", params={"tasks": "old-invoices"}, headers=admin_headers
    )

    assert response.status_code == 422
    assert "old-invoices" in response.json()["detail"]


def test_run_deletes_and_records_the_job(client, store_api, admin_headers):
    response = client.post(
        "/api/v1/admin/cleanup/run", json={"tasks": ["abandoned-carts"]}, headers=admin_headers
    )

    assert response.status_code == 201
    job = response.json()
    assert job["outcomes"] == [
        {
            "key": "abandoned-carts",
            "service": "store",
            "status": "done",
            "affected": 4,
            "error": None,
        }
    ]
    assert store_api.last.method == "DELETE"
    assert store_api.last.url.params["older_than_days"] == "14"

    latest = client.get("/api/v1/admin/cleanup/jobs/latest", headers=admin_headers)
    by_id = client.get(f"/api/v1/admin/cleanup/jobs/{job['id']}", headers=admin_headers)
    assert latest.json()["id"] == by_id.json()["id"] == job["id"]


def test_dry_run_only_counts(client, store_api, admin_headers):
    job = client.post(
        "/api/v1/admin/cleanup/run",
        json={"tasks": ["abandoned-carts"], "dry_run": True},
        headers=admin_headers,
    ).json()

    assert job["outcomes"][0]["status"] == "dry-run"
    assert [request.method for request in store_api.requests] == ["GET"]


def test_failing_service_fails_only_its_task(
    client, stubs, store_api, payments_down, admin_headers
):
    job = client.post(
        "/api/v1/admin/cleanup/run",
        json={"tasks": ["abandoned-carts", "stale-payments"]},
        headers=admin_headers,
    ).json()

    outcomes = {outcome["key"]: outcome for outcome in job["outcomes"]}
    assert outcomes["abandoned-carts"]["status"] == "done"
    assert outcomes["stale-payments"] == {
        "key": "stale-payments",
        "service": "payments",
        "status": "failed",
        "affected": None,
        "error": "ConnectError",
    }
    failed = client.get("/api/v1/admin/cleanup/jobs?failed_only=true", headers=admin_headers)
    assert [j["id"] for j in failed.json()] == [job["id"]]


def test_latest_job_before_any_run(client, admin_headers):
    latest = client.get("/api/v1/admin/cleanup/jobs/latest", headers=admin_headers)
    missing = client.get("/api/v1/admin/cleanup/jobs/abc123", headers=admin_headers)

    assert latest.status_code == 404
    assert latest.json()["detail"] == "no cleanup has run yet"
    assert missing.json()["detail"] == "cleanup job not found"
