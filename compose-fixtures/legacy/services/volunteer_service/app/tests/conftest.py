"""Fixtures of the volunteer service tests: an app client on a fresh database."""

from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def volunteer_models() -> None:
    # Register the tables on Base before ``database_url`` creates them.
    import services.volunteer_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.volunteer_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_opportunity(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _make(capacity: int = 2, needs_induction: bool = False) -> Dict:
        role = client.post(
            API + '/admin/roles',
            json={'name': 'Gate duty', 'needs_induction': needs_induction},
            headers=committee,
        ).json()
        response = client.post(
            API + '/admin/opportunities',
            json={'role_id': role['id'], 'title': 'Saturday gate',
                  'starts_at': '2030-05-04T09:00:00+00:00', 'capacity': capacity},
            headers=committee,
        )
        assert response.status_code == 201, response.text
        return response.json()

    return _make


@pytest.fixture
def make_volunteer(client: TestClient) -> Callable[..., Dict]:
    def _make(name: str) -> Dict:
        email = '%s@example.org' % name.lower()
        response = client.post(API + '/volunteers', json={'full_name': name, 'email': email})
        assert response.status_code == 201, response.text
        return response.json()

    return _make
