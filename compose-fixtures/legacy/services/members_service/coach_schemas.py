"""Bodies of the coach endpoints: profiles, agreements and payouts."""

import datetime
from decimal import Decimal
from typing import List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.members_service.models import AgreementStatus


# --- Coach profiles -----------------------------------------------------------------
class CoachProfileCreate(BaseModel):
    member_id: uuid.UUID
    specialism: str = Field(min_length=2, max_length=80)
    bio: Optional[str] = None


class CoachProfileUpdate(BaseModel):
    specialism: Optional[str] = Field(default=None, min_length=2, max_length=80)
    bio: Optional[str] = None
    accepting_mentees: Optional[bool] = None


class CoachProfileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    member_id: uuid.UUID
    specialism: str
    bio: Optional[str]
    accepting_mentees: bool


class CoachCard(BaseModel):
    coach_id: uuid.UUID
    name: str
    specialism: str
    accepting_mentees: bool


# --- Coach agreements ---------------------------------------------------------------
class CoachAgreementCreate(BaseModel):
    season: int = Field(ge=2000, le=2100)
    session_rate: Decimal = Field(gt=0, max_digits=8, decimal_places=2)


class CoachAgreementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    coach_id: uuid.UUID
    season: int
    session_rate: Decimal
    sessions_delivered: int
    sessions_paid: int
    status: AgreementStatus
    signed_on: Optional[datetime.date]


class SessionsLogged(BaseModel):
    sessions: int = Field(ge=1, le=50)


# --- Coach payouts ------------------------------------------------------------------
class PayoutLine(BaseModel):
    agreement_id: uuid.UUID
    coach_name: str
    sessions: int
    amount: Decimal


class PayoutRun(BaseModel):
    lines: List[PayoutLine]
    total: Decimal
