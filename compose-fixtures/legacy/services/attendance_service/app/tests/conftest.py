"""Fixtures of the attendance tests: a client on a throwaway database, with locations."""

from typing import Iterator

from fastapi.testclient import TestClient
import pytest
from sqlalchemy.orm import Session

from shared.database import get_engine
from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def attendance_models() -> None:
    # Importing the models puts the attendance tables on Base before the database is made.
    import services.attendance_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.attendance_service.app.main import app
    from services.attendance_service.seed_locations import seed_locations

    with TestClient(app) as test_client:
        with Session(get_engine()) as session:
            with session.begin():
                seed_locations(session)
        yield test_client
