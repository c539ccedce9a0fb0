"""Payments, invoices, webhooks and payouts over HTTP, with Paystack faked."""

import hashlib
import hmac
import json

from .conftest import API, SECRET


def test_health(client):
    assert client.get('/health').json() == {'status': 'ok', 'service': 'payments'}


def test_invoice_paid_through_paystack(client, invoice, paystack):
    started = client.post(
        API + '/payments/initialize',
        json={'email': 'ada@example.org', 'amount': '34.00', 'invoice_id': invoice['id']},
    )
    assert started.status_code == 201, started.text
    payment = started.json()
    assert payment['status'] == 'pending'
    assert payment['authorization_url'].endswith(payment['reference'])
    assert json.loads(paystack.requests[0].content)['amount'] == 3400

    verified = client.post(API + '/payments/%s/verify' % payment['reference']).json()
    assert verified['status'] == 'success' and verified['channel'] == 'card'
    detail = client.get(API + '/invoices/%s' % invoice['id']).json()
    assert detail['status'] == 'paid'
    assert detail['amount_paid'] == '34.00'
    assert client.get(API + '/invoices/overdue').json() == []


def test_webhook_needs_a_valid_signature(client):
    payment = client.post(
        API + '/payments/initialize', json={'email': 'bo@example.org', 'amount': '12.50'}
    ).json()
    body = json.dumps({'event': 'charge.success',
                       'data': {'reference': payment['reference'], 'channel': 'bank'}}).encode()
    bad = client.post(API + '/payments/webhook', content=body,
                      headers={'x-paystack-signature': 'nope'})
    assert bad.status_code == 401
    signature = hmac.new(SECRET.encode(), body, hashlib.sha512).hexdigest()
    good = client.post(API + '/payments/webhook', content=body,
                       headers={'x-paystack-signature': signature})
    assert good.json() == {'received': True, 'event': 'charge.success'}
    assert client.get(API + '/payments/%s' % payment['reference']).json()['status'] == 'success'


def test_admin_reports_and_committee_only_writes(client, invoice, committee):
    assert client.get(API + '/admin/stats').status_code == 403
    assert client.post(API + '/invoices/%s/void' % invoice['id']).status_code == 403
    stats = client.get(API + '/admin/stats', headers=committee).json()
    assert stats['open_invoices'] == 1 and stats['overdue_invoices'] == 1
    assert stats['payments'] == 0
    voided = client.post(API + '/invoices/%s/void' % invoice['id'], headers=committee)
    assert voided.json()['status'] == 'void'
    assert client.get(API + '/admin/reports/monthly', headers=committee).json() == []


def test_payout_approved_and_sent(client, committee, paystack):
    recipient = client.post(
        API + '/payouts/recipients',
        json={'name': 'Cy Greene', 'bank_code': '058', 'account_number': '0123456789'},
        headers=committee,
    ).json()
    assert recipient['recipient_code'] == 'RCP_0123456789'
    payout = client.post(
        API + '/payouts',
        json={'recipient_id': recipient['id'], 'amount': '41.20', 'reason': 'June marrows'},
    ).json()
    assert payout['status'] == 'requested'
    sent = client.post(API + '/payouts/%s/approve' % payout['id'], headers=committee).json()
    assert sent['status'] == 'sent' and sent['transfer_code'] == 'TRF_0001'
    again = client.post(API + '/payouts/%s/approve' % payout['id'], headers=committee)
    assert again.status_code == 409
    assert [r.url.host for r in paystack.requests] == ['paystack.invalid'] * 2
