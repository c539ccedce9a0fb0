"""Fixtures of the media service tests: an app client on a fresh database, files in memory."""

import base64
from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from services.media_service import storage
from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def media_models(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The models must be on Base before ``database_url`` creates the tables.
    import services.media_service.models  # noqa: F401

    monkeypatch.delenv('MEDIA_ROOT', raising=False)
    storage.reset_storage()
    yield None
    storage.reset_storage()


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.media_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def upload(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _upload(content: bytes = b'\xff\xd8jpeg bytes', **extra: object) -> Dict:
        payload = {
            'filename': 'marrow.jpg',
            'content_base64': base64.b64encode(content).decode('ascii'),
        }
        payload.update(extra)
        response = client.post(API + '/admin/media', json=payload, headers=committee)
        assert response.status_code == 201, response.text
        return response.json()

    return _upload
