"""Fixtures of the members service tests: an app client on a fresh database."""

from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def members_models() -> None:
    # The models must be on Base before ``database_url`` creates the tables.
    import services.members_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.members_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_member(client: TestClient) -> Callable[..., Dict]:
    def _make(name: str = 'Ada Marsh', email: str = 'ada@example.org', renew: bool = True) -> Dict:
        response = client.post(API + '/register', json={'full_name': name, 'email': email})
        assert response.status_code == 201, response.text
        member = response.json()
        if renew:
            member = client.post(API + '/members/%s/renew' % member['id'], json={}).json()
        return member

    return _make
