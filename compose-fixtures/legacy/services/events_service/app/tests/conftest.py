"""Fixtures of the events service tests."""

import datetime
from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

EVENTS = '/api/v1/events'


@pytest.fixture(autouse=True)
def events_models() -> None:
    import services.events_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.events_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_event(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _make(days_ahead: int = 7, **extra: object) -> Dict:
        starts = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days_ahead)
        payload = {'title': 'Spring open day', 'starts_at': starts.isoformat(), 'publish': True}
        payload.update(extra)
        response = client.post(EVENTS, json=payload, headers=committee)
        assert response.status_code == 201, response.text
        return response.json()

    return _make
