import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs.db import Base
from libs.testing import MEMBER_ID

STORE = "/api/v1/store"
ADMIN = "/api/v1/admin"


@pytest.fixture
def client(database_url):
    from services.store_service.app.main import app

    # ``database_url`` created the tables registered before the app was imported; make sure
    # the store's exist too. Carts and orders reference the members stub table.
    engine = create_engine(database_url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (id, first_name, last_name, email)"
                " VALUES (:id, 'Ada', 'Obi', 'ada@example.org')"
            ),
            {"id": MEMBER_ID},
        )
    engine.dispose()

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def product(client, admin_headers):
    category = client.post(
        f"{ADMIN}/products/categories",
        json={"name": "Swim caps", "slug": "swim-caps"},
        headers=admin_headers,
    )
    assert category.status_code == 201, category.text
    created = client.post(
        f"{ADMIN}/products/",
        json={
            "name": "Club silicone cap",
            "slug": "club-silicone-cap",
            "product_type": "accessory",
            "base_price": "6500.00",
            "is_featured": True,
            "category_id": category.json()["id"],
            "variants": [
                {"sku": "CAP-SIL-NAVY", "name": "Navy", "colour": "navy", "initial_stock": 5},
                {
                    "sku": "CAP-SIL-GOLD",
                    "name": "Gold",
                    "colour": "gold",
                    "price_override": "7000.00",
                    "initial_stock": 2,
                },
            ],
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    published = client.post(f"{ADMIN}/products/{product_id}/publish", headers=admin_headers)
    assert published.status_code == 200, published.text
    return published.json()


def _variant(product, sku):
    return next(v for v in product["variants"] if v["sku"] == sku)


def _stock(client, admin_headers, variant_id):
    response = client.get(f"{ADMIN}/products/variants/{variant_id}/stock", headers=admin_headers)
    assert response.status_code == 200, response.text
    return response.json()["inventory"]


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "store"}


def test_storefront_root_and_trailing_slash_routes(client, product):
    # "/store" comes from @router.get("") under prefix "/store".
    storefront = client.get(STORE)
    assert storefront.status_code == 200, storefront.text
    assert storefront.json()["product_count"] == 1
    assert [p["slug"] for p in storefront.json()["featured"]] == ["club-silicone-cap"]

    categories = client.get(f"{STORE}/categories/")
    assert categories.status_code == 200
    assert categories.json()[0]["product_count"] == 1


def test_literal_routes_are_not_shadowed(client, product, member_headers, admin_headers):
    featured = client.get(f"{STORE}/products/featured")
    assert featured.status_code == 200
    assert featured.json()[0]["price_from"] == "6500.00"

    mine = client.get(f"{STORE}/orders/mine", headers=member_headers)
    assert mine.status_code == 200, mine.text
    assert mine.json()["total"] == 0

    assert client.get(f"{ADMIN}/orders/stats", headers=admin_headers).status_code == 200
    assert client.get(f"{ADMIN}/products/low-stock", headers=admin_headers).status_code == 200
    assert client.get(f"{ADMIN}/products/categories", headers=admin_headers).status_code == 200


def test_catalogue_filters_and_detail(client, product):
    listed = client.get(f"{STORE}/products", params={"category": "swim-caps", "in_stock": True})
    assert listed.status_code == 200
    assert listed.json()["total"] == 1
    assert client.get(f"{STORE}/products", params={"q": "goggles"}).json()["total"] == 0

    detail = client.get(f"{STORE}/products/club-silicone-cap").json()
    assert {v["sku"]: v["price"] for v in detail["variants"]} == {
        "CAP-SIL-NAVY": "6500.00",
        "CAP-SIL-GOLD": "7000.00",
    }
    assert client.get(f"{STORE}/products/no-such-cap").status_code == 404


def test_cart_to_paid_order(client, product, member_headers, admin_headers):
    navy = _variant(product, "CAP-SIL-NAVY")
    gold = _variant(product, "CAP-SIL-GOLD")
    added = client.post(
        f"{STORE}/cart/items",
        json={"variant_id": navy["id"], "quantity": 2},
        headers=member_headers,
    )
    assert added.status_code == 201, added.text
    cart = client.post(
        f"{STORE}/cart/items", json={"variant_id": gold["id"]}, headers=member_headers
    ).json()
    assert cart["item_count"] == 3
    assert cart["subtotal"] == "20000.00"

    too_many = client.post(
        f"{STORE}/cart/items",
        json={"variant_id": gold["id"], "quantity": 2},
        headers=member_headers,
    )
    assert too_many.status_code == 409

    order = client.post(
        f"{STORE}/orders/", json={"fulfilment_method": "pickup"}, headers=member_headers
    )
    assert order.status_code == 201, order.text
    order = order.json()
    assert order["status"] == "pending" and order["total"] == "20000.00"
    assert _stock(client, admin_headers, navy["id"])["quantity_reserved"] == 2
    assert client.get(f"{STORE}/cart", headers=member_headers).json()["items"] == []

    paid = client.post(
        f"{STORE}/internal/payments",
        json={
            "order_number": order["order_number"],
            "reference": "PSK-123456",
            "status": "paid",
            "amount": order["total"],
        },
        headers={"X-Internal-Token": "dev-internal-token"},
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "confirmed"
    stock = _stock(client, admin_headers, navy["id"])
    assert (stock["quantity_on_hand"], stock["quantity_reserved"]) == (3, 0)

    mine = client.get(f"{STORE}/orders/mine", headers=member_headers).json()
    assert [o["order_number"] for o in mine["items"]] == [order["order_number"]]
    admin_view = client.get(f"{ADMIN}/orders/{order['id']}", headers=admin_headers).json()
    assert admin_view["member_name"] == "Ada Obi"
    assert admin_view["payment_reference"] == "PSK-123456"


def test_member_cancel_releases_reservation(client, product, member_headers, admin_headers):
    navy = _variant(product, "CAP-SIL-NAVY")
    client.post(
        f"{STORE}/cart/items",
        json={"variant_id": navy["id"], "quantity": 4},
        headers=member_headers,
    )
    order = client.post(f"{STORE}/orders/", json={}, headers=member_headers).json()
    assert _stock(client, admin_headers, navy["id"])["available"] == 1

    cancelled = client.post(
        f"{STORE}/orders/{order['id']}/cancel",
        json={"reason": "ordered the wrong colour"},
        headers=member_headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert _stock(client, admin_headers, navy["id"])["available"] == 5

    again = client.post(
        f"{ADMIN}/orders/{order['id']}/status", json={"status": "processing"}, headers=admin_headers
    )
    assert again.status_code == 409


def test_admin_stock_adjustment(client, product, admin_headers):
    gold = _variant(product, "CAP-SIL-GOLD")
    url = f"{ADMIN}/products/variants/{gold['id']}/stock-adjustments"
    restocked = client.post(
        url, json={"movement_type": "restock", "quantity": 10}, headers=admin_headers
    )
    assert restocked.status_code == 201, restocked.text
    assert restocked.json()["inventory"]["quantity_on_hand"] == 12

    counted = client.post(
        url,
        json={"movement_type": "adjustment", "quantity": 9, "reason": "stock-take"},
        headers=admin_headers,
    ).json()
    assert counted["inventory"]["quantity_on_hand"] == 9
    assert counted["inventory"]["last_counted_at"] is not None
    assert [m["quantity_delta"] for m in counted["movements"]] == [-3, 10]

    too_much = client.post(
        url,
        json={"movement_type": "write_off", "quantity": 50, "reason": "flood"},
        headers=admin_headers,
    )
    assert too_much.status_code == 409
    no_reason = client.post(
        url, json={"movement_type": "write_off", "quantity": 1}, headers=admin_headers
    )
    assert no_reason.status_code == 422


def test_admin_order_lifecycle(client, product, member_headers, admin_headers):
    navy = _variant(product, "CAP-SIL-NAVY")
    client.post(f"{STORE}/cart/items", json={"variant_id": navy["id"]}, headers=member_headers)
    order = client.post(
        f"{STORE}/orders/",
        json={"fulfilment_method": "session_handoff", "notes": "Tuesday squad"},
        headers=member_headers,
    ).json()

    listed = client.get(f"{ADMIN}/orders", params={"status": "pending"}, headers=admin_headers)
    assert listed.status_code == 200
    assert listed.json()["total"] == 1

    url = f"{ADMIN}/orders/{order['id']}"
    assert (
        client.post(f"{url}/status", json={"status": "shipped"}, headers=admin_headers).status_code
        == 409
    )
    paid = client.post(
        f"{url}/payment",
        json={"payment_status": "paid", "payment_reference": "DESK-0001"},
        headers=admin_headers,
    )
    assert paid.json()["status"] == "confirmed"
    ready = client.post(
        f"{url}/status",
        json={"status": "ready_for_pickup", "note": "in coach bag"},
        headers=admin_headers,
    )
    assert ready.status_code == 200, ready.text
    refunded = client.post(
        f"{url}/refund", json={"reason": "wrong size", "restock": True}, headers=admin_headers
    )
    assert refunded.json()["status"] == "refunded"
    assert _stock(client, admin_headers, navy["id"])["quantity_on_hand"] == 5

    stats = client.get(f"{ADMIN}/orders/stats", headers=admin_headers).json()
    assert stats["by_status"] == {"refunded": 1}


def test_admin_routes_require_admin(client, member_headers):
    assert client.get(f"{ADMIN}/products/", headers=member_headers).status_code == 403
    assert client.get(f"{ADMIN}/orders", headers=member_headers).status_code == 403
    assert client.get(f"{STORE}/cart").status_code == 401
