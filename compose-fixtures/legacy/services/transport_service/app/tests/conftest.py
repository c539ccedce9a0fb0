"""Fixtures of the transport service tests: an app client on a fresh database."""

from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def transport_models() -> None:
    # The models must be on Base before ``database_url`` creates the tables.
    import services.transport_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.transport_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_location(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _make(name: str, latitude: float, longitude: float) -> Dict:
        payload = {'name': name, 'latitude': latitude, 'longitude': longitude}
        response = client.post(API + '/locations', json=payload, headers=committee)
        assert response.status_code == 201, response.text
        return response.json()

    return _make
