"""The produce service over HTTP."""

from typing import Iterator

from fastapi.testclient import TestClient
import pytest

from services.produce_service.models import ListingStatus


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    from services.produce_service.app.main import app
    import services.produce_service.models  # noqa: F401  (tables for create_all)
    from shared.testing import create_tables

    create_tables(database_url)
    with TestClient(app) as test_client:
        yield test_client


def test_health(client):
    assert client.get('/health').json()['service'] == 'produce'


def test_listing_offer_accept(client):
    listing = client.post('/api/listings', json={'crop': 'courgette', 'quantity': 4}).json()
    assert client.get('/api/listings/seasonal').json()[0]['listings'] == 1
    offer = client.post(
        '/api/listings/%s/offers' % listing['id'], json={'from_name': 'Ed', 'offered': 'eggs'}
    )
    assert offer.status_code == 201, offer.text
    accepted = client.post('/api/offers/%s/accept' % offer.json()['id'])
    assert accepted.json()['accepted'] is True
    again = client.get('/api/listings/%s' % listing['id']).json()
    assert again['status'] == ListingStatus.TAKEN.value


def test_open_swaps_is_not_a_swap_id(client):
    swap = client.post(
        '/api/swaps', json={'offered_variety': 'Crimson Flowered', 'contact': 'plot 12'}
    ).json()
    response = client.get('/api/swaps/open')
    assert response.status_code == 200, response.text
    assert [s['id'] for s in response.json()] == [swap['id']]
    client.post('/api/swaps/%s/close' % swap['id'])
    assert client.get('/api/board').json()['open_swaps'] == []
