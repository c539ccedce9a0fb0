"""Request and response bodies for members, registration and the admin screens."""

import datetime
from typing import Dict, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from .models import MembershipStatus, MembershipTier


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Registration -------------------------------------------------------------------
class RegistrationRequest(BaseModel):
    full_name: str = Field(min_length=2, max_length=120)
    email: str = Field(min_length=3, max_length=200)
    phone: Optional[str] = None
    tier: MembershipTier = MembershipTier.STANDARD


class RenewalRequest(BaseModel):
    seasons: int = Field(default=1, ge=1, le=3)


# --- Members ------------------------------------------------------------------------
class MemberUpdate(BaseModel):
    full_name: Optional[str] = Field(default=None, min_length=2, max_length=120)
    phone: Optional[str] = None
    tier: Optional[MembershipTier] = None


class MemberOut(OrmModel):
    id: uuid.UUID
    membership_number: str
    full_name: str
    email: str
    tier: MembershipTier
    status: MembershipStatus
    joined_on: datetime.date
    paid_until: Optional[datetime.date]


class MemberStanding(BaseModel):
    member_id: uuid.UUID
    membership_number: str
    in_good_standing: bool


# --- Admin --------------------------------------------------------------------------
class SuspendRequest(BaseModel):
    reason: str = Field(min_length=3)


class MembershipStats(BaseModel):
    total: int
    by_status: Dict[str, int]
