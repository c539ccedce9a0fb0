"""Behaviour of the store service over HTTP, against PostgreSQL."""

from decimal import Decimal

from sqlalchemy.orm import Session

from services.store_service.models import MovementReason, Product
from services.store_service.seed_store_data import seed
from shared.database import get_engine

from .conftest import API, MEMBER


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'store'}


def test_catalogue_is_public_but_admin_is_not(client, make_product):
    make_product('SD-LEEK')
    make_product('SD-KALE', stock=0)
    names = [p['sku'] for p in client.get(API + '/products').json()]
    assert sorted(names) == ['SD-KALE', 'SD-LEEK']
    in_stock = client.get(API + '/products', params={'in_stock': True}).json()
    assert [p['sku'] for p in in_stock] == ['SD-LEEK']
    assert client.post(API + '/admin/products', json={}).status_code == 403


def test_basket_checkout_takes_stock(client, make_product, committee):
    product = make_product(stock=5)
    assert client.get(API + '/cart').status_code == 401
    client.post(API + '/cart/items', json={'product_id': product['id']}, headers=MEMBER)
    basket = client.post(
        API + '/cart/items', json={'product_id': product['id'], 'quantity': 2}, headers=MEMBER
    ).json()
    assert len(basket['lines']) == 1 and basket['lines'][0]['quantity'] == 3
    assert Decimal(basket['total']) == Decimal('6.00')
    order = client.post(API + '/cart/checkout', json={'note': 'Saturday'}, headers=MEMBER)
    assert order.status_code == 200, order.text
    assert order.json()['status'] == 'placed'
    assert client.get(API + '/products/%s' % product['id']).json()['stock_level'] == 2
    queue = client.get(API + '/admin/orders', headers=committee).json()
    assert [o['id'] for o in queue] == [order.json()['id']]
    assert client.get(API + '/cart', headers=MEMBER).json()['lines'] == []


def test_checkout_refuses_more_than_the_shelf(client, make_product):
    product = make_product(stock=1)
    client.post(API + '/cart/items', json={'product_id': product['id'], 'quantity': 4},
                headers=MEMBER)
    response = client.post(API + '/cart/checkout', json={}, headers=MEMBER)
    assert response.status_code == 409


def test_cancel_returns_stock_and_low_stock_report(client, make_product, committee):
    product = make_product(stock=6, reorder_level=3)
    client.post(API + '/cart/items', json={'product_id': product['id'], 'quantity': 4},
                headers=MEMBER)
    order = client.post(API + '/cart/checkout', json={}, headers=MEMBER).json()
    low = client.get(API + '/admin/inventory/low-stock', headers=committee).json()
    assert [row['sku'] for row in low] == ['SD-LEEK']
    cancelled = client.post(API + '/orders/%s/cancel' % order['id'], headers=MEMBER)
    assert cancelled.json()['status'] == 'cancelled'
    ledger = client.get(API + '/admin/products/%s/movements' % product['id'], headers=committee)
    reasons = [m['reason'] for m in ledger.json()]
    assert reasons == [MovementReason.DELIVERY.value, 'sale', 'return']
    assert client.get(API + '/admin/inventory/low-stock', headers=committee).json() == []


def test_seed_script_is_idempotent(client):
    with Session(get_engine()) as session:
        with session.begin():
            assert seed(session) == 7
        with session.begin():
            assert seed(session) == 0
            dibber = session.query(Product).filter_by(sku='TL-DIBBER').one()
            assert dibber.stock_level == 4 and dibber.needs_reorder
    assert len(client.get(API + '/categories').json()) == 3
