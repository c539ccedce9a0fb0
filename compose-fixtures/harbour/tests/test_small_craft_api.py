"""The two services without a database: pilots and tugs (no ``database_url`` needed)."""

from fastapi.testclient import TestClient


def test_pilots_on_duty_is_not_read_as_a_pilot_id():
    from services.pilots_service.app.main import app

    client = TestClient(app)
    assert client.get("/api/v1/pilots/on-duty").json() == ["p-101"]
    assert client.get("/api/v1/pilots/p-102").json()["name"] == "M. Osei"
    assert client.get("/api/v1/pilots/p-999").status_code == 404


def test_free_tugs_by_bollard_pull():
    from services.tugs_service.app.main import app

    client = TestClient(app)
    assert client.get("/health").json() == {"status": "ok", "service": "tugs"}
    assert client.get("/api/v1/tugs/free", params={"min_bollard_pull": 50}).json() == ["Bollard", "Capstan"]
