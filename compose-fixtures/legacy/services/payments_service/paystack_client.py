"""A small synchronous Paystack client (transactions, transfer recipients, transfers).

Written against https://paystack.com/docs/api/ in 2020; amounts go over the wire in the
lowest currency unit. Tests pass their own ``transport`` so nothing reaches the network.
"""

from decimal import Decimal
import hashlib
import hmac
import os
from typing import Any, Dict, Optional

import httpx

PAYSTACK_BASE_URL = "https://api.paystack.co"


class PaystackError(Exception):
    """Paystack answered, but not with ``status: true``."""


def to_subunit(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class PaystackClient(object):
    def __init__(self, secret_key: str, base_url: str = PAYSTACK_BASE_URL,
                 transport: Optional[httpx.BaseTransport] = None) -> None:
        self.secret_key = secret_key
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": "Bearer %s" % secret_key},
            transport=transport,
            timeout=15.0,
        )

    def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict:
        response = self._http.request(method, path, json=body)
        data = response.json()
        if response.status_code >= 400 or not data.get("status"):
            raise PaystackError(data.get("message", "paystack error %s" % response.status_code))
        return data["data"]

    # --- Transactions ---------------------------------------------------------------
    def initialize_transaction(self, email: str, amount: Decimal, reference: str) -> Dict:
        body = {"email": email, "amount": to_subunit(amount), "reference": reference}
        return self._call("POST", "/transaction/initialize", body)

    def verify_transaction(self, reference: str) -> Dict:
        return self._call("GET", "/transaction/verify/%s" % reference)

    def signature_is_valid(self, raw_body: bytes, signature: Optional[str]) -> bool:
        if not signature:
            return False
        expected = hmac.new(self.secret_key.encode(), raw_body, hashlib.sha512).hexdigest()
        return hmac.compare_digest(expected, signature)

    # --- Transfers ------------------------------------------------------------------
    def create_transfer_recipient(self, name: str, account_number: str, bank_code: str) -> Dict:
        body = {
            "type": "nuban",
            "name": name,
            "account_number": account_number,
            "bank_code": bank_code,
            "currency": "NGN",
        }
        return self._call("POST", "/transferrecipient", body)

    def initiate_transfer(self, recipient_code: str, amount: Decimal, reason: str) -> Dict:
        body = {"source": "balance", "amount": to_subunit(amount),
                "recipient": recipient_code, "reason": reason}
        return self._call("POST", "/transfer", body)


_client: Optional[PaystackClient] = None


def get_paystack_client() -> PaystackClient:
    """FastAPI dependency; the tests override it with a client on a mock transport."""
    global _client
    if _client is None:
        _client = PaystackClient(os.environ.get("PAYSTACK_SECRET_KEY", "sk_test_unset"))
    return _client
