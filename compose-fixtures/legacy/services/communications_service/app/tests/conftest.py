"""Fixtures of the communications service tests: a client on a fresh database."""

from typing import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def communications_models() -> None:
    # Import before ``database_url`` builds the tables.
    import services.communications_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.communications_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def preferences_client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    # The preferences router is not mounted by app.main; test it on an app of its own.
    from services.communications_service.preferences_router import preferences_router

    app = FastAPI()
    app.include_router(preferences_router, prefix=API)
    with TestClient(app) as test_client:
        yield test_client
