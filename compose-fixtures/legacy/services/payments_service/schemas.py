"""Request and response bodies of the payments and invoice routes."""

import datetime
from decimal import Decimal
from typing import Dict, List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.payments_service.models import InvoiceStatus, PaymentStatus


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Payments -----------------------------------------------------------------------
class PaymentInitialize(BaseModel):
    email: str = Field(min_length=3, max_length=200)
    amount: Decimal = Field(gt=0, decimal_places=2)
    invoice_id: Optional[uuid.UUID] = None


class PaymentOut(OrmModel):
    id: uuid.UUID
    reference: str
    invoice_id: Optional[uuid.UUID]
    email: str
    amount: Decimal
    status: PaymentStatus
    authorization_url: Optional[str]
    channel: Optional[str]
    paid_at: Optional[datetime.datetime]


class WebhookAck(BaseModel):
    received: bool
    event: str


# --- Invoices -----------------------------------------------------------------------
class InvoiceCreate(BaseModel):
    member_email: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=2, max_length=200)
    amount: Decimal = Field(gt=0, decimal_places=2)
    due_on: datetime.date


class InvoiceOut(OrmModel):
    id: uuid.UUID
    number: str
    member_email: str
    description: str
    amount: Decimal
    status: InvoiceStatus
    due_on: datetime.date


class InvoiceDetail(InvoiceOut):
    amount_paid: Decimal
    payments: List[PaymentOut] = []


# --- Admin reports ------------------------------------------------------------------
class PaymentStats(BaseModel):
    payments: int
    collected: Decimal
    by_status: Dict[str, int]
    open_invoices: int
    overdue_invoices: int


class MonthlyTotal(BaseModel):
    month: str
    collected: Decimal
