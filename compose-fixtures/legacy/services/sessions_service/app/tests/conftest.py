"""Shared fixtures for the sessions tests (a TestClient over a throwaway database)."""

from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def sessions_models() -> None:
    # Importing the models puts their tables on Base before the database is built.
    import services.sessions_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.sessions_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_session(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _make(title: str = 'Hedge laying', capacity: int = 2) -> Dict:
        body = {'title': title, 'starts_at': '2031-02-01T10:00:00+00:00', 'capacity': capacity}
        response = client.post(API + '/sessions', json=body, headers=committee)
        assert response.status_code == 201, response.text
        return response.json()

    return _make
