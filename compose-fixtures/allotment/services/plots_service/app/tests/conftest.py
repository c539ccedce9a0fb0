"""Fixtures of the plots service tests: an app client on a fresh database."""

from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v2'


@pytest.fixture(autouse=True)
def plots_models() -> None:
    # The models must be on Base before ``database_url`` creates the tables.
    import services.plots_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.plots_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_site(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _make(name: str = 'Hollybush Lane', **extra: object) -> Dict:
        payload = {'name': name}
        payload.update(extra)
        response = client.post(API + '/sites', json=payload, headers=committee)
        assert response.status_code == 201, response.text
        return response.json()

    return _make
