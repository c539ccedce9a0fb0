"""Schemas for coach payouts and their Paystack transfer recipients."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.payments_service.models import PayoutStatus


class RecipientCreate(BaseModel):
    member_id: uuid.UUID
    account_number: str = Field(pattern=r"^\d{10}$", description="10-digit NUBAN")
    bank_code: str = Field(min_length=3, max_length=10)
    bank_name: str | None = Field(default=None, max_length=100)
    currency: str = Field(default="NGN", min_length=3, max_length=3)


class RecipientResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    member_id: uuid.UUID
    account_name: str
    bank_code: str
    bank_name: str | None
    account_last4: str
    recipient_code: str
    currency: str
    is_active: bool
    created_at: datetime


class PayoutItemCreate(BaseModel):
    description: str = Field(min_length=1, max_length=255)
    session_id: uuid.UUID | None = None
    hours: Decimal = Field(gt=0, le=744, max_digits=6, decimal_places=2)
    rate: Decimal = Field(gt=0, max_digits=10, decimal_places=2)


class PayoutItemResponse(PayoutItemCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    amount: Decimal


class PayoutCreate(BaseModel):
    coach_id: uuid.UUID
    period_start: date
    period_end: date
    notes: str | None = None
    items: list[PayoutItemCreate] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _check_period(self) -> PayoutCreate:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class PayoutUpdate(BaseModel):
    notes: str | None = None
    recipient_id: uuid.UUID | None = None


class PayoutResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    coach_id: uuid.UUID
    recipient_id: uuid.UUID | None
    reference: str
    period_start: date
    period_end: date
    amount: Decimal
    currency: str
    status: PayoutStatus
    transfer_code: str | None
    approved_at: datetime | None
    paid_at: datetime | None
    failure_reason: str | None
    notes: str | None
    items: list[PayoutItemResponse]


class PayoutPage(BaseModel):
    items: list[PayoutResponse]
    total: int
    page: int
    page_size: int


class PayoutTotals(BaseModel):
    status: PayoutStatus
    count: int
    amount: Decimal


class BulkApproveRequest(BaseModel):
    payout_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class BulkApproveResult(BaseModel):
    approved: list[uuid.UUID]
    skipped: dict[str, str]
