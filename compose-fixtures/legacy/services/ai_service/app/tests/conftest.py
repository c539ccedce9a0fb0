"""Fixtures of the AI service tests: an app client on a fresh database, offline provider."""

from typing import Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1/ai'


@pytest.fixture(autouse=True)
def ai_models(monkeypatch: pytest.MonkeyPatch) -> None:
    # The models must be on Base before ``database_url`` creates the tables.
    import services.ai_service.models  # noqa: F401

    monkeypatch.setenv('AI_PROVIDER', 'offline')
    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.ai_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client
