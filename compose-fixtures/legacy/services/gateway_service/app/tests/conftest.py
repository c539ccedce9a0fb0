"""Fixtures of the gateway tests: no database and no other service running."""

from typing import Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from services.gateway_service.app import clients
from shared import config
from shared.testing import committee  # noqa: F401

from .stubs import StubServices


@pytest.fixture
def stubs(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServices]:
    # Pin the URLs so a developer's *_SERVICE_URL variables cannot leak into the tests.
    for name in clients.KNOWN_SERVICES:
        monkeypatch.setenv('%s_SERVICE_URL' % name.upper(), 'http://%s:8000' % name)
    config.reload_settings()
    services = StubServices()
    clients.set_transport(services.transport())
    try:
        yield services
    finally:
        clients.set_transport(None)
        config.reload_settings()


@pytest.fixture
def client(stubs: StubServices) -> Iterator[TestClient]:
    from services.gateway_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def member_id() -> str:
    return '6a0c3f52-8d3e-4f0e-9a55-2f1f9f6b2c01'


@pytest.fixture
def headers(committee: Dict[str, str]) -> Dict[str, str]:  # noqa: F811
    return committee
