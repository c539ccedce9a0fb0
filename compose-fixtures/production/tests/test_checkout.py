from unittest import mock

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def orders_client():
    from services.orders_service.app.main import app

    return TestClient(app)


def test_quote_adds_tax(orders_client):
    response = orders_client.post("/api/v1/orders/quote", json={"lines": [{"price": 10, "quantity": 2}]})
    assert response.json() == {"subtotal": 20.0, "tax": 4.0, "total": 24.0}


def test_quote_uses_the_tax_rate(orders_client):
    with mock.patch("services.orders_service.pricing.tax_rate", return_value=0.5):
        response = orders_client.post("/api/v1/orders/quote", json={"lines": [{"price": 10, "quantity": 1}]})
    assert response.json()["total"] == 15.0


def test_invoice_number_format():
    from services.billing_service.numbering import invoice_number

    assert invoice_number(7) == "INV-000007"


def test_rounding_is_bankers():
    assert round(2.5) == 2
