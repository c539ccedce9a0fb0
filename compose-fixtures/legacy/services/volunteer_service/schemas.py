"""Request and response bodies of the volunteer service."""

import datetime
from decimal import Decimal
from typing import List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.volunteer_service.models import OpportunityStatus, SignupStatus


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Roles ---------------------------------------------------------------------------
class RoleCreate(BaseModel):
    name: str = Field(min_length=2, max_length=80)
    description: Optional[str] = None
    needs_induction: bool = False


class RoleOut(OrmModel):
    id: uuid.UUID
    name: str
    description: Optional[str]
    needs_induction: bool
    is_active: bool


# --- Volunteers ----------------------------------------------------------------------
class VolunteerCreate(BaseModel):
    full_name: str = Field(min_length=2, max_length=120)
    email: str = Field(max_length=200)
    phone: Optional[str] = None
    member_id: Optional[uuid.UUID] = None


class VolunteerOut(OrmModel):
    id: uuid.UUID
    full_name: str
    email: str
    inducted: bool


# --- Opportunities -------------------------------------------------------------------
class OpportunityCreate(BaseModel):
    role_id: uuid.UUID
    title: str = Field(min_length=2, max_length=120)
    starts_at: datetime.datetime
    hours: Decimal = Field(default=Decimal('2'), gt=0, le=12)
    capacity: int = Field(default=4, ge=1, le=50)


class OpportunityOut(OrmModel):
    id: uuid.UUID
    role_id: uuid.UUID
    title: str
    starts_at: datetime.datetime
    hours: Decimal
    capacity: int
    status: OpportunityStatus
    places_left: int = 0


# --- Signups -------------------------------------------------------------------------
class SignupCreate(BaseModel):
    volunteer_id: uuid.UUID


class SignupOut(OrmModel):
    id: uuid.UUID
    opportunity_id: uuid.UUID
    volunteer_id: uuid.UUID
    status: SignupStatus


# --- Hours ---------------------------------------------------------------------------
class HoursCreate(BaseModel):
    worked_on: datetime.date
    hours: Decimal = Field(gt=0, le=12)
    opportunity_id: Optional[uuid.UUID] = None
    note: Optional[str] = Field(default=None, max_length=200)


class HoursOut(OrmModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    worked_on: datetime.date
    hours: Decimal
    approved: bool


class HoursApproval(BaseModel):
    approved_by: str = Field(min_length=2, max_length=120)


class HoursSummary(BaseModel):
    volunteer_id: uuid.UUID
    approved: Decimal
    pending: Decimal
    entries: List[HoursOut]


class LeaderboardRow(BaseModel):
    volunteer_id: uuid.UUID
    full_name: str
    hours: Decimal
