"""The notices service over HTTP."""

from typing import Iterator

from fastapi.testclient import TestClient
import pytest


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    from services.notices_service.app.main import app
    from services.notices_service.models import Notice  # noqa: F401
    from shared.testing import create_tables

    create_tables(database_url)
    with TestClient(app) as test_client:
        yield test_client


def test_post_and_read(client, committee):
    response = client.post(
        '/api/notices', json={'title': 'Skip day', 'body': 'Saturday 9am'}, headers=committee
    )
    assert response.status_code == 201, response.text
    assert [n['title'] for n in client.get('/api/notices').json()] == ['Skip day']


def test_pinned_limit(client, committee):
    for number in range(3):
        payload = {'title': 'Pinned %d' % number, 'body': '-', 'pinned': True}
        assert client.post('/api/notices', json=payload, headers=committee).status_code == 201
    extra = {'title': 'One too many', 'body': '-', 'pinned': True}
    assert client.post('/api/notices', json=extra, headers=committee).status_code == 409
