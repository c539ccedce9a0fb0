"""Request and response schemas for payments, invoices, webhooks and admin reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.payments_service.models import (
    InvoiceStatus,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    RefundStatus,
    WebhookEventStatus,
)


class PaymentCreate(BaseModel):
    purpose: PaymentPurpose
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    currency: str = Field(default="NGN", min_length=3, max_length=3)
    description: str | None = Field(default=None, max_length=255)
    source_id: uuid.UUID | None = None
    callback_url: str | None = Field(default=None, max_length=500)

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()


class RefundCreate(BaseModel):
    amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    reason: str = Field(min_length=3, max_length=255)


class RefundResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    payment_id: uuid.UUID
    amount: Decimal
    reason: str
    status: RefundStatus
    provider_refund_id: str | None
    processed_at: datetime | None
    created_at: datetime


class PaymentResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    member_id: uuid.UUID
    purpose: PaymentPurpose
    method: PaymentMethod
    status: PaymentStatus
    amount: Decimal
    amount_refunded: Decimal
    currency: str
    description: str | None
    source_id: uuid.UUID | None
    invoice_id: uuid.UUID | None
    channel: str | None
    failure_reason: str | None
    paid_at: datetime | None
    created_at: datetime


class PaymentDetail(PaymentResponse):
    fees: Decimal | None
    gateway_response: str | None
    refunds: list[RefundResponse] = []


class PaymentCheckout(BaseModel):
    payment: PaymentResponse
    authorization_url: str
    access_code: str


class PaymentPage(BaseModel):
    items: list[PaymentResponse]
    total: int
    page: int
    page_size: int


class PaymentSummary(BaseModel):
    total_paid: Decimal
    total_refunded: Decimal
    pending_count: int
    outstanding_balance: Decimal
    last_payment_at: datetime | None


class MarkPaidRequest(BaseModel):
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    note: str | None = Field(default=None, max_length=255)
    paid_at: datetime | None = None

    @field_validator("method")
    @classmethod
    def _not_paystack(cls, value: PaymentMethod) -> PaymentMethod:
        if value is PaymentMethod.PAYSTACK:
            raise ValueError("Paystack payments are confirmed by verification or webhook")
        return value


class InvoiceItemCreate(BaseModel):
    description: str = Field(min_length=1, max_length=255)
    quantity: int = Field(default=1, ge=1, le=100)
    unit_amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)


class InvoiceItemResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    description: str
    quantity: int
    unit_amount: Decimal
    amount: Decimal


class InvoiceCreate(BaseModel):
    member_id: uuid.UUID
    due_date: date
    currency: str = Field(default="NGN", min_length=3, max_length=3)
    notes: str | None = None
    items: list[InvoiceItemCreate] = Field(min_length=1, max_length=50)


class InvoiceResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    member_id: uuid.UUID
    status: InvoiceStatus
    currency: str
    total: Decimal
    amount_paid: Decimal
    balance: Decimal
    issued_at: datetime | None
    due_date: date
    notes: str | None
    created_at: datetime
    items: list[InvoiceItemResponse]


class InvoicePage(BaseModel):
    items: list[InvoiceResponse]
    total: int
    page: int
    page_size: int


class WebhookEventResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_type: str
    reference: str
    status: WebhookEventStatus
    attempts: int
    error: str | None
    processed_at: datetime | None
    created_at: datetime


class StatusBreakdown(BaseModel):
    status: PaymentStatus
    count: int
    amount: Decimal


class PaymentStats(BaseModel):
    date_from: date
    date_to: date
    gross: Decimal
    refunded: Decimal
    net: Decimal
    fees: Decimal
    by_status: list[StatusBreakdown]


class OutstandingBalance(BaseModel):
    member_id: uuid.UUID
    name: str
    email: str
    invoices: int
    balance: Decimal
    oldest_due_date: date
