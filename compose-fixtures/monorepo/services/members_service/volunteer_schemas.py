"""Schemas for member volunteering: roles, interests and hours."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.members_service.models import VolunteerHoursStatus


class VolunteerRoleCreate(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    description: str | None = None
    min_age: int | None = Field(default=None, ge=10, le=99)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return " ".join(value.split()).title()


class VolunteerRoleUpdate(BaseModel):
    description: str | None = None
    min_age: int | None = Field(default=None, ge=10, le=99)
    is_active: bool | None = None


class VolunteerRoleResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    min_age: int | None
    is_active: bool


class InterestUpdate(BaseModel):
    role_ids: list[uuid.UUID] = Field(max_length=20)


class HoursLogCreate(BaseModel):
    role_id: uuid.UUID | None = None
    worked_on: date
    hours: Decimal = Field(gt=0, max_digits=4, decimal_places=1)
    description: str | None = Field(default=None, max_length=500)


class HoursLogResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    member_id: uuid.UUID
    role_id: uuid.UUID | None
    worked_on: date
    hours: Decimal
    description: str | None
    status: VolunteerHoursStatus
    reviewed_at: datetime | None


class HoursReview(BaseModel):
    decision: Literal["approve", "reject"]


class VolunteerSummary(BaseModel):
    interests: list[VolunteerRoleResponse]
    approved_hours: Decimal
    pending_hours: Decimal
    last_worked_on: date | None


class InterestedMember(BaseModel):
    member_id: uuid.UUID
    display_name: str
    email: str


class LeaderboardEntry(BaseModel):
    rank: int
    member_id: uuid.UUID
    display_name: str
    hours: Decimal
