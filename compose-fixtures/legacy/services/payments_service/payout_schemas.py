"""Bodies of the payout routes (sellers on the produce exchange are paid out monthly)."""

import datetime
from decimal import Decimal
from typing import Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from .models import PayoutStatus


class RecipientCreate(BaseModel):
    name: str = Field(min_length=2, max_length=120)
    bank_code: str = Field(min_length=3, max_length=10)
    account_number: str = Field(pattern=r'^[0-9]{10}$')


class RecipientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    bank_code: str
    recipient_code: Optional[str]


class PayoutCreate(BaseModel):
    recipient_id: uuid.UUID
    amount: Decimal = Field(gt=0, decimal_places=2)
    reason: str = Field(min_length=2, max_length=200)


class PayoutOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recipient_id: uuid.UUID
    amount: Decimal
    reason: str
    status: PayoutStatus
    transfer_code: Optional[str]
    sent_at: Optional[datetime.datetime]
