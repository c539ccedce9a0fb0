import asyncio
import hashlib
import hmac
import json
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from libs.db import Base
from libs.settings import get_settings
from libs.testing import ADMIN_ID, COACH_ID, MEMBER_ID

PAYMENTS = "/api/v1/payments"
INVOICES = "/api/v1/invoices"
PAYOUTS = "/api/v1/payouts"
ADMIN = "/api/v1/admin/payments"
WEBHOOK = "/api/v1/webhooks/paystack"


@pytest.fixture
def client(database_url):
    from services.payments_service.app.main import app

    # The tables of models imported after ``database_url`` ran, and the members rows that
    # payments, invoices and payouts reference.
    engine = create_engine(database_url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        for member_id, first, email in (
            (MEMBER_ID, "Tolu", "tolu@example.org"),
            (COACH_ID, "Kemi", "kemi@example.org"),
            (ADMIN_ID, "Femi", "femi@example.org"),
        ):
            conn.execute(
                text(
                    "INSERT INTO members (id, first_name, last_name, email)"
                    " VALUES (:id, :first, 'Adeyemi', :email)"
                ),
                {"id": member_id, "first": first, "email": email},
            )
    engine.dispose()

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fake_paystack():
    from services.payments_service.paystack_client import TransactionInit

    with mock.patch("services.payments_service.router.paystack", autospec=True) as fake:
        fake.secret_key = get_settings().paystack_secret
        fake.initialize_transaction.side_effect = lambda **kw: TransactionInit(
            authorization_url=f"https://checkout.paystack.com/{kw['reference']}",
            access_code="ac_test",
            reference=kw["reference"],
        )
        yield fake


def _signed(payload: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    secret = get_settings().paystack_secret.encode()
    signature = hmac.new(secret, body, hashlib.sha512).hexdigest()
    return body, {"x-paystack-signature": signature, "content-type": "application/json"}


def _post_webhook(client, payload: dict):
    body, headers = _signed(payload)
    return client.post(WEBHOOK, content=body, headers=headers)


def test_health(client):
    assert client.get("/health").json() == {"status": "ok", "service": "payments"}


def test_checkout_then_verify(client, member_headers, fake_paystack):
    from services.payments_service.paystack_client import Transaction

    created = client.post(
        f"{PAYMENTS}/",
        json={"purpose": "membership", "amount": "15000.00", "description": "2026 membership"},
        headers=member_headers,
    )
    assert created.status_code == 201, created.text
    checkout = created.json()
    reference = checkout["payment"]["reference"]
    assert checkout["authorization_url"].endswith(reference)
    kwargs = fake_paystack.initialize_transaction.await_args.kwargs
    assert kwargs["amount"] == Decimal("15000.00")
    assert kwargs["email"] == "tolu@example.org"

    fake_paystack.verify_transaction.return_value = Transaction(
        reference=reference,
        status="success",
        amount=Decimal("15000.00"),
        currency="NGN",
        channel="card",
    )
    payment_id = checkout["payment"]["id"]
    verified = client.post(f"{PAYMENTS}/{payment_id}/verify", headers=member_headers)
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "succeeded"
    assert verified.json()["channel"] == "card"

    summary = client.get(f"{PAYMENTS}/summary", headers=member_headers).json()
    assert Decimal(summary["total_paid"]) == Decimal("15000")
    assert summary["pending_count"] == 0


def test_literal_paths_are_not_shadowed(client, admin_headers, coach_headers, member_headers):
    # Each literal route is registered before its "/{id}" sibling in the same router.
    assert client.get(f"{PAYMENTS}/summary", headers=member_headers).status_code == 200
    assert client.get(f"{INVOICES}/overdue", headers=admin_headers).status_code == 200
    assert client.get(f"{PAYOUTS}/mine", headers=coach_headers).status_code == 200
    assert client.get(f"{PAYOUTS}/recipients", headers=admin_headers).status_code == 200
    assert client.get(f"{PAYMENTS}/not-a-uuid", headers=member_headers).status_code == 422


def test_webhook_rejects_bad_signature(client):
    body = json.dumps({"event": "charge.success", "data": {"reference": "PAY-X"}}).encode()
    assert client.post(WEBHOOK, content=body).status_code == 401
    forged = client.post(WEBHOOK, content=body, headers={"x-paystack-signature": "0" * 128})
    assert forged.status_code == 401


def test_webhook_signature_check_can_be_stubbed(client):
    with mock.patch(
        "services.payments_service.router.verify_signature", return_value=True
    ) as check:
        response = client.post(
            WEBHOOK,
            content=json.dumps({"event": "subscription.create", "data": {"id": 7}}),
            headers={"x-paystack-signature": "unchecked"},
        )
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ignored"}
    check.assert_called_once()


def test_invoice_settled_by_signed_webhook(client, admin_headers, member_headers, fake_paystack):
    invoice = client.post(
        f"{INVOICES}/",
        json={
            "member_id": str(MEMBER_ID),
            "due_date": (date.today() - timedelta(days=3)).isoformat(),
            "items": [
                {"description": "Squad fees, term 1", "unit_amount": "20000.00"},
                {"description": "Cap and goggles", "quantity": 2, "unit_amount": "2500.00"},
            ],
        },
        headers=admin_headers,
    )
    assert invoice.status_code == 201, invoice.text
    invoice_id = invoice.json()["id"]
    assert invoice.json()["total"] == "25000.00"
    assert client.post(f"{INVOICES}/{invoice_id}/issue", headers=admin_headers).status_code == 200
    overdue = client.get(f"{INVOICES}/overdue", headers=admin_headers).json()
    assert [i["id"] for i in overdue] == [invoice_id]

    checkout = client.post(f"{INVOICES}/{invoice_id}/pay", headers=member_headers)
    assert checkout.status_code == 200, checkout.text
    reference = checkout.json()["payment"]["reference"]
    assert fake_paystack.initialize_transaction.await_args.kwargs["amount"] == Decimal("25000.00")

    event = {
        "event": "charge.success",
        "data": {
            "reference": reference,
            "amount": 2500000,
            "currency": "NGN",
            "channel": "bank_transfer",
            "fees": 3750,
            "paid_at": "2026-01-15T10:00:00.000Z",
        },
    }
    first = _post_webhook(client, event)
    assert first.json() == {"status": "processed"}
    assert _post_webhook(client, event).json() == {"status": "duplicate"}

    settled = client.get(f"{INVOICES}/{invoice_id}", headers=member_headers).json()
    assert settled["status"] == "paid"
    assert Decimal(settled["balance"]) == 0
    assert client.get(f"{INVOICES}/overdue", headers=admin_headers).json() == []


def test_admin_router_requires_admin(client, admin_headers, member_headers, fake_paystack):
    # The admin router has no auth of its own: require_admin is added at include time.
    assert client.get(f"{ADMIN}/stats", headers=member_headers).status_code == 403
    assert client.get(f"{ADMIN}/", headers=member_headers).status_code == 403

    payment = client.post(
        f"{PAYMENTS}/", json={"purpose": "academy", "amount": "5000"}, headers=member_headers
    ).json()["payment"]
    paid = client.post(
        f"{ADMIN}/{payment['id']}/mark-paid",
        json={"method": "cash", "note": "paid at the pool"},
        headers=admin_headers,
    )
    assert paid.status_code == 200, paid.text
    assert paid.json()["method"] == "cash"

    stats = client.get(f"{ADMIN}/stats", headers=admin_headers).json()
    assert Decimal(stats["gross"]) == Decimal("5000")
    found = client.get(f"{ADMIN}/", params={"member_id": str(MEMBER_ID)}, headers=admin_headers)
    assert found.json()["total"] == 1


def test_partial_refund_of_manual_payment(client, admin_headers, member_headers, fake_paystack):
    payment = client.post(
        f"{PAYMENTS}/", json={"purpose": "event", "amount": "5000"}, headers=member_headers
    ).json()["payment"]
    client.post(
        f"{ADMIN}/{payment['id']}/mark-paid",
        json={"method": "bank_transfer"},
        headers=admin_headers,
    )
    refund = client.post(
        f"{PAYMENTS}/{payment['id']}/refunds",
        json={"amount": "2000", "reason": "gala cancelled"},
        headers=admin_headers,
    )
    assert refund.status_code == 201, refund.text
    assert refund.json()["status"] == "processed"
    too_much = client.post(
        f"{PAYMENTS}/{payment['id']}/refunds",
        json={"amount": "4000", "reason": "again"},
        headers=admin_headers,
    )
    assert too_much.status_code == 422
    detail = client.get(f"{PAYMENTS}/{payment['id']}", headers=member_headers).json()
    assert detail["status"] == "partially_refunded"
    assert [r["amount"] for r in detail["refunds"]] == ["2000.00"]
    fake_paystack.create_refund.assert_not_awaited()


def test_payout_transfer_lifecycle(client, admin_headers, coach_headers):
    from services.payments_service.paystack_client import Transfer, TransferRecipient

    with mock.patch("services.payments_service.payout_router.paystack", autospec=True) as fake:
        fake.resolve_account.return_value = "KEMI ADEYEMI"
        fake.create_transfer_recipient.return_value = TransferRecipient(
            recipient_code="RCP_test123", name="KEMI ADEYEMI", bank_code="058"
        )
        fake.initiate_transfer.return_value = Transfer(
            transfer_code="TRF_abc", reference="ignored", status="pending", amount=Decimal("0")
        )
        recipient = client.post(
            f"{PAYOUTS}/recipients",
            json={"member_id": str(COACH_ID), "account_number": "0123456789", "bank_code": "058"},
            headers=admin_headers,
        )
        assert recipient.status_code == 201, recipient.text
        assert recipient.json()["account_last4"] == "6789"

        payout = client.post(
            f"{PAYOUTS}/",
            json={
                "coach_id": str(COACH_ID),
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
                "items": [{"description": "Squad sessions", "hours": "10", "rate": "5000"}],
            },
            headers=admin_headers,
        )
        assert payout.status_code == 201, payout.text
        payout_id = payout.json()["id"]
        assert payout.json()["amount"] == "50000.00"
        client.post(f"{PAYOUTS}/{payout_id}/approve", headers=admin_headers)
        processed = client.post(f"{PAYOUTS}/{payout_id}/process", headers=admin_headers)
        assert processed.status_code == 200, processed.text
        assert processed.json()["status"] == "processing"
        assert fake.initiate_transfer.await_args.kwargs["recipient_code"] == "RCP_test123"

    reference = payout.json()["reference"]
    done = _post_webhook(client, {"event": "transfer.success", "data": {"reference": reference}})
    assert done.json() == {"status": "processed"}
    mine = client.get(f"{PAYOUTS}/mine", headers=coach_headers).json()
    assert [(p["id"], p["status"]) for p in mine] == [(payout_id, "paid")]


def test_paystack_client_converts_amounts_and_maps_errors():
    from services.payments_service.paystack_client import (
        InvalidAmount,
        PaystackAuthError,
        PaystackClient,
        to_kobo,
    )

    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers["authorization"] != "Bearer sk_test_good":
            return httpx.Response(401, json={"status": False, "message": "Invalid key"})
        return httpx.Response(
            200,
            json={
                "status": True,
                "data": {
                    "authorization_url": "https://pay/x",
                    "access_code": "ac",
                    "reference": "R1",
                },
            },
        )

    async def run(key: str):
        client = PaystackClient(key, transport=httpx.MockTransport(handler))
        return await client.initialize_transaction(
            email="a@b.c", amount=Decimal("1500.50"), reference="R1"
        )

    assert asyncio.run(run("sk_test_good")).access_code == "ac"
    assert json.loads(seen[0].content)["amount"] == 150050
    with pytest.raises(PaystackAuthError):
        asyncio.run(run("sk_test_bad"))
    assert to_kobo("0.5") == 50
    with pytest.raises(InvalidAmount):
        to_kobo("1.005")
