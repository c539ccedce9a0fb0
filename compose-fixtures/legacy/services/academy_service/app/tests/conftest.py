"""Fixtures of the academy tests: a client on a fresh database and a few factories."""

from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'


@pytest.fixture(autouse=True)
def academy_models() -> None:
    # Register the academy tables on Base before ``database_url`` creates them.
    import services.academy_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.academy_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def open_cohort(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _make(category: str = 'vegetables', capacity: int = 12) -> Dict:
        program = client.post(API + '/programs', headers=committee,
                              json={'name': 'Course %s' % category, 'category': category})
        assert program.status_code == 201, program.text
        cohort = client.post(API + '/cohorts', headers=committee, json={
            'program_id': program.json()['id'], 'name': 'Spring', 'capacity': capacity,
            'starts_on': '2020-03-01'})
        assert cohort.status_code == 201, cohort.text
        opened = client.post(API + '/cohorts/%s/status' % cohort.json()['id'],
                             json={'status': 'open'}, headers=committee)
        assert opened.status_code == 200, opened.text
        return opened.json()

    return _make
