"""Fixtures of the payments tests: a client on a fresh database and a fake Paystack."""

import json
from typing import Dict, Iterator, List

from fastapi.testclient import TestClient
import httpx
import pytest

from shared.testing import committee, database_url  # noqa: F401

API = '/api/v1'
SECRET = 'sk_test_fixture'


class FakePaystack(object):
    """Answers the few Paystack endpoints the service calls; records every request."""

    def __init__(self) -> None:
        self.requests: List[httpx.Request] = []
        self.verify_status = 'success'

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == '/transaction/initialize':
            body = json.loads(request.content)
            data = {'authorization_url': 'https://checkout.test/%s' % body['reference'],
                    'reference': body['reference']}
        elif path.startswith('/transaction/verify/'):
            data = {'status': self.verify_status, 'channel': 'card'}
        elif path == '/transferrecipient':
            data = {'recipient_code': 'RCP_%s' % json.loads(request.content)['account_number']}
        elif path == '/transfer':
            data = {'transfer_code': 'TRF_0001', 'status': 'pending'}
        else:
            return httpx.Response(404, json={'status': False, 'message': 'no route'})
        return httpx.Response(200, json={'status': True, 'message': 'ok', 'data': data})


@pytest.fixture
def paystack() -> FakePaystack:
    return FakePaystack()


@pytest.fixture
def client(database_url: str, paystack: FakePaystack) -> Iterator[TestClient]:  # noqa: F811
    # The models must be imported before the first engine is built (tables are created then).
    from services.payments_service.app.main import app
    import services.payments_service.models  # noqa: F401
    from services.payments_service.paystack_client import PaystackClient, get_paystack_client

    fake = PaystackClient(SECRET, base_url='https://paystack.invalid',
                          transport=httpx.MockTransport(paystack))
    app.dependency_overrides[get_paystack_client] = lambda: fake
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def invoice(client: TestClient, committee: Dict[str, str]) -> Dict:  # noqa: F811
    response = client.post(
        API + '/invoices',
        json={'member_email': 'ada@example.org', 'description': 'Plot 14 rent 2024',
              'amount': '34.00', 'due_on': '2024-03-25'},
        headers=committee,
    )
    assert response.status_code == 201, response.text
    return response.json()
