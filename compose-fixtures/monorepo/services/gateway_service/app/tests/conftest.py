"""Fixtures for the gateway tests.

No downstream service runs here: ``stubs`` replaces every client in
``services.gateway_service.app.clients`` with a ``StubService`` for the test's duration.
Handlers read ``clients.<name>_client`` at request time, so the swap takes effect even for
an app built before it.
"""

import pytest
from fastapi.testclient import TestClient

from libs.testing import admin_headers, coach_headers, database_url, member_headers  # noqa: F401
from services.gateway_service.app import clients

from .stubs import DownService, StubService

MEMBER_PROFILE = {
    "id": "00000000-0000-4000-8000-000000000003",
    "first_name": "Mia",
    "last_name": "Swimmer",
    "email": "mia@club.test",
}


@pytest.fixture
def stubs(monkeypatch) -> dict[str, StubService]:
    """Every downstream service replaced by an echoing stub."""
    registry = {}
    for name in clients.SERVICE_NAMES:
        registry[name] = StubService(name)
        monkeypatch.setattr(clients, f"{name}_client", registry[name].client())
    return registry


@pytest.fixture
def members_api(stubs, monkeypatch) -> StubService:
    """The members service, answering the profile route the dashboard reads."""
    stub = StubService("members")
    stub.on("GET", "/api/v1/members/me", json=MEMBER_PROFILE)
    monkeypatch.setattr(clients, "members_client", stub.client())
    return stub


@pytest.fixture
def payments_down(stubs, monkeypatch) -> DownService:
    stub = DownService("payments")
    monkeypatch.setattr(clients, "payments_client", stub.client())
    return stub


@pytest.fixture
def internal_token():
    from libs.settings import get_settings

    return get_settings().internal_token


@pytest.fixture
def client(stubs):
    from services.gateway_service.app.main import create_app

    # A fresh app per test: the rate limiters live in the app's route handlers.
    with TestClient(create_app()) as test_client:
        yield test_client
