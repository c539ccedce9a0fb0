from fastapi.testclient import TestClient

from services.accounts_service.app.main import app


def test_accounts_health():
    assert TestClient(app).get("/health").json() == {"status": "ok"}


def test_version_is_reported():
    assert TestClient(app).get("/api/v1/version").json()["service"]
