"""Fixtures of the store service tests: an app client on a fresh database."""

from typing import Callable, Dict, Iterator

from fastapi.testclient import TestClient
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1/store'
MEMBER = {'X-Member-Email': 'ada@example.org'}


@pytest.fixture(autouse=True)
def store_models() -> None:
    # Register the store tables on Base before ``database_url`` creates them.
    import services.store_service.models  # noqa: F401

    return None


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:  # noqa: F811
    from services.store_service.app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_product(client: TestClient, committee: Dict[str, str]) -> Callable[..., Dict]:  # noqa: F811
    def _make(sku: str = 'SD-LEEK', stock: int = 10, **extra: object) -> Dict:
        payload = {'sku': sku, 'name': 'Leek %s' % sku, 'price': '2.40', 'member_price': '2.00'}
        payload.update(extra)
        response = client.post(API + '/admin/products', json=payload, headers=committee)
        assert response.status_code == 201, response.text
        product = response.json()
        if stock:
            moved = client.post(API + '/admin/products/%s/stock' % product['id'],
                                json={'change': stock}, headers=committee)
            assert moved.status_code == 201, moved.text
        return product

    return _make
