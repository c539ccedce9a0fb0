"""Async client for the Paystack API, webhook signature checks and amount helpers.

Paystack expects integer amounts in the currency's subunit (kobo for NGN, pesewas for
GHS, cents for ZAR/KES/USD). The rest of the service works with ``Decimal`` major units;
conversion happens only in this module.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import httpx

from libs.settings import get_settings

PAYSTACK_BASE_URL = "https://api.paystack.co"
SIGNATURE_HEADER = "x-paystack-signature"
SUPPORTED_CURRENCIES = frozenset({"NGN", "GHS", "ZAR", "KES", "USD"})
SUBUNITS_PER_UNIT = 100
# Paystack refuses charges below these amounts (major units).
MINIMUM_CHARGE = {
    "NGN": Decimal("50"),
    "GHS": Decimal("0.10"),
    "ZAR": Decimal("1"),
    "KES": Decimal("3"),
    "USD": Decimal("2"),
}
FAILED_TRANSACTION_STATUSES = frozenset({"failed", "abandoned", "reversed"})


class PaystackError(Exception):
    """Any failure talking to Paystack; ``status_code`` is None for network errors."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.payload = payload or {}


class PaystackAuthError(PaystackError):
    """The secret key was rejected."""


class PaystackNotFound(PaystackError):
    """The transaction, transfer or recipient does not exist."""


class PaystackValidationError(PaystackError):
    """Paystack rejected the request body (bad amount, unknown bank code...)."""


class PaystackUnavailable(PaystackError):
    """Timeouts, connection errors and 5xx answers; safe to retry later."""


class InvalidAmount(ValueError):
    pass


def _check_currency(currency: str) -> str:
    code = currency.upper()
    if code not in SUPPORTED_CURRENCIES:
        raise InvalidAmount(f"currency {currency!r} is not supported by Paystack")
    return code


def to_subunit(amount: Decimal | int | str, currency: str = "NGN") -> int:
    """``Decimal("1500.50")`` naira -> ``150050`` kobo. Rejects fractions of a subunit."""
    _check_currency(currency)
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise InvalidAmount(f"not a number: {amount!r}") from exc
    if value <= 0:
        raise InvalidAmount("amount must be positive")
    subunits = value * SUBUNITS_PER_UNIT
    if subunits != subunits.to_integral_value():
        raise InvalidAmount(f"{amount} has more than two decimal places")
    return int(subunits)


def from_subunit(value: int | str, currency: str = "NGN") -> Decimal:
    _check_currency(currency)
    return (Decimal(int(value)) / SUBUNITS_PER_UNIT).quantize(Decimal("0.01"))


def to_kobo(amount: Decimal | int | str) -> int:
    return to_subunit(amount, "NGN")


def from_kobo(value: int | str) -> Decimal:
    return from_subunit(value, "NGN")


def round_amount(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str = "NGN") -> str:
    return f"{_check_currency(currency)} {round_amount(amount):,.2f}"


def check_minimum(amount: Decimal, currency: str = "NGN") -> None:
    minimum = MINIMUM_CHARGE[_check_currency(currency)]
    if amount < minimum:
        raise InvalidAmount(f"minimum charge is {format_amount(minimum, currency)}")


def compute_signature(payload: bytes, secret: str) -> str:
    """The value Paystack puts in ``x-paystack-signature``: HMAC-SHA512 of the raw body."""
    return hmac.new(secret.encode(), payload, hashlib.sha512).hexdigest()


def verify_signature(payload: bytes, signature: str | None, secret: str) -> bool:
    if not signature or not secret:
        return False
    return hmac.compare_digest(compute_signature(payload, secret), signature.strip().lower())


def _parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class WebhookEvent:
    event: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def reference(self) -> str | None:
        ref = self.data.get("reference") or self.data.get("transaction_reference")
        if ref is None and self.data.get("id") is not None:
            ref = str(self.data["id"])
        return ref

    @classmethod
    def parse(cls, body: bytes) -> WebhookEvent:
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PaystackValidationError("webhook body is not JSON") from exc
        if not isinstance(document, dict) or not isinstance(document.get("event"), str):
            raise PaystackValidationError("webhook body has no event name")
        data = document.get("data")
        return cls(event=document["event"], data=data if isinstance(data, dict) else {})


@dataclass(frozen=True)
class TransactionInit:
    authorization_url: str
    access_code: str
    reference: str


@dataclass(frozen=True)
class Transaction:
    reference: str
    status: str
    amount: Decimal
    currency: str
    paid_at: datetime | None = None
    channel: str | None = None
    gateway_response: str | None = None
    fees: Decimal | None = None
    customer_email: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    @property
    def failed(self) -> bool:
        return self.status in FAILED_TRANSACTION_STATUSES

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Transaction:
        currency = data.get("currency") or "NGN"
        fees = data.get("fees")
        return cls(
            reference=data["reference"],
            status=data.get("status", "unknown"),
            amount=from_subunit(data.get("amount", 0), currency),
            currency=currency,
            paid_at=_parse_datetime(data.get("paid_at") or data.get("paidAt")),
            channel=data.get("channel"),
            gateway_response=data.get("gateway_response"),
            fees=from_subunit(fees, currency) if fees is not None else None,
            customer_email=(data.get("customer") or {}).get("email"),
        )


@dataclass(frozen=True)
class Refund:
    id: str
    status: str
    amount: Decimal
    transaction_reference: str | None = None


@dataclass(frozen=True)
class Bank:
    name: str
    code: str
    slug: str | None = None


@dataclass(frozen=True)
class TransferRecipient:
    recipient_code: str
    name: str
    bank_code: str
    bank_name: str | None = None


@dataclass(frozen=True)
class Transfer:
    transfer_code: str
    reference: str
    status: str
    amount: Decimal


class PaystackClient:
    """One client per process; each call opens a short-lived ``httpx.AsyncClient``."""

    def __init__(
        self,
        secret_key: str,
        *,
        base_url: str = PAYSTACK_BASE_URL,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.secret_key = secret_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._transport = transport

    @classmethod
    def from_settings(cls) -> PaystackClient:
        return cls(get_settings().paystack_secret)

    @property
    def is_test_mode(self) -> bool:
        return self.secret_key.startswith("sk_test_")

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.secret_key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        try:
            async with httpx.AsyncClient(
                base_url=self.base_url, timeout=self.timeout, transport=self._transport
            ) as client:
                response = await client.request(
                    method, path, json=json_body, params=params, headers=self._headers()
                )
        except httpx.TimeoutException as exc:
            raise PaystackUnavailable(f"Paystack timed out on {method} {path}") from exc
        except httpx.HTTPError as exc:
            raise PaystackUnavailable(f"cannot reach Paystack: {exc}") from exc
        return self._unwrap(response)

    @staticmethod
    def _unwrap(response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = {}
        message = body.get("message") or response.reason_phrase or "Paystack error"
        code = response.status_code
        if code == 401:
            raise PaystackAuthError(message, status_code=code, payload=body)
        if code == 404:
            raise PaystackNotFound(message, status_code=code, payload=body)
        if code in (400, 422):
            raise PaystackValidationError(message, status_code=code, payload=body)
        if code >= 500:
            raise PaystackUnavailable(message, status_code=code, payload=body)
        if code >= 300 or body.get("status") is False:
            raise PaystackError(message, status_code=code, payload=body)
        return body.get("data")

    async def initialize_transaction(
        self,
        *,
        email: str,
        amount: Decimal,
        reference: str,
        currency: str = "NGN",
        callback_url: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> TransactionInit:
        check_minimum(amount, currency)
        body: dict[str, Any] = {
            "email": email,
            "amount": to_subunit(amount, currency),
            "currency": currency,
            "reference": reference,
        }
        if callback_url:
            body["callback_url"] = callback_url
        if metadata:
            body["metadata"] = metadata
        data = await self._request("POST", "/transaction/initialize", json_body=body)
        return TransactionInit(
            authorization_url=data["authorization_url"],
            access_code=data["access_code"],
            reference=data.get("reference", reference),
        )

    async def verify_transaction(self, reference: str) -> Transaction:
        data = await self._request("GET", f"/transaction/verify/{reference}")
        return Transaction.from_api(data)

    async def create_refund(
        self,
        *,
        reference: str,
        amount: Decimal | None = None,
        currency: str = "NGN",
        reason: str | None = None,
    ) -> Refund:
        body: dict[str, Any] = {"transaction": reference, "currency": currency}
        if amount is not None:
            body["amount"] = to_subunit(amount, currency)
        if reason:
            body["merchant_note"] = reason
        data = await self._request("POST", "/refund", json_body=body)
        return Refund(
            id=str(data["id"]),
            status=data.get("status", "pending"),
            amount=from_subunit(data.get("amount", 0), currency),
            transaction_reference=(data.get("transaction") or {}).get("reference"),
        )

    async def list_banks(self, country: str = "nigeria") -> list[Bank]:
        data = await self._request("GET", "/bank", params={"country": country, "perPage": 100})
        return [Bank(name=b["name"], code=b["code"], slug=b.get("slug")) for b in data or []]

    async def resolve_account(self, account_number: str, bank_code: str) -> str:
        """The account holder's name as the bank reports it."""
        data = await self._request(
            "GET",
            "/bank/resolve",
            params={"account_number": account_number, "bank_code": bank_code},
        )
        return data["account_name"]

    async def create_transfer_recipient(
        self, *, name: str, account_number: str, bank_code: str, currency: str = "NGN"
    ) -> TransferRecipient:
        data = await self._request(
            "POST",
            "/transferrecipient",
            json_body={
                "type": "nuban",
                "name": name,
                "account_number": account_number,
                "bank_code": bank_code,
                "currency": _check_currency(currency),
            },
        )
        details = data.get("details") or {}
        return TransferRecipient(
            recipient_code=data["recipient_code"],
            name=data.get("name", name),
            bank_code=details.get("bank_code", bank_code),
            bank_name=details.get("bank_name"),
        )

    async def initiate_transfer(
        self,
        *,
        amount: Decimal,
        recipient_code: str,
        reference: str,
        reason: str,
        currency: str = "NGN",
    ) -> Transfer:
        data = await self._request(
            "POST",
            "/transfer",
            json_body={
                "source": "balance",
                "amount": to_subunit(amount, currency),
                "currency": currency,
                "recipient": recipient_code,
                "reference": reference,
                "reason": reason,
            },
        )
        return Transfer(
            transfer_code=data["transfer_code"],
            reference=data.get("reference", reference),
            status=data.get("status", "pending"),
            amount=from_subunit(data.get("amount", 0), currency),
        )

    async def verify_transfer(self, reference: str, currency: str = "NGN") -> Transfer:
        data = await self._request("GET", f"/transfer/verify/{reference}")
        return Transfer(
            transfer_code=data["transfer_code"],
            reference=data["reference"],
            status=data.get("status", "unknown"),
            amount=from_subunit(data.get("amount", 0), currency),
        )
