"""Sessions service request and response schemas."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.sessions_service.models import BookingStatus, CoachRole, SessionStatus, SessionType


class SessionBase(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    session_type: SessionType = SessionType.POOL
    starts_at: datetime
    ends_at: datetime
    pool_name: str | None = Field(default=None, max_length=120)
    lanes: int | None = Field(default=None, ge=1, le=10)
    capacity: int = Field(default=20, ge=1, le=200)
    cohort_id: uuid.UUID | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> SessionBase:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class SessionCreate(SessionBase):
    coach_ids: list[uuid.UUID] = Field(default_factory=list)


class SessionUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    pool_name: str | None = None
    lanes: int | None = Field(default=None, ge=1, le=10)
    capacity: int | None = Field(default=None, ge=1, le=200)
    notes: str | None = None


class SessionCancel(BaseModel):
    reason: str = Field(min_length=3, max_length=500)
    notify_members: bool = True


class CoachAssign(BaseModel):
    coach_id: uuid.UUID
    role: CoachRole = CoachRole.LEAD


class SessionCoachResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    coach_id: uuid.UUID
    role: CoachRole
    assigned_at: datetime


class SessionResponse(SessionBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: SessionStatus
    template_id: uuid.UUID | None
    cancelled_at: datetime | None = None
    cancellation_reason: str | None = None
    created_at: datetime


class SessionDetail(SessionResponse):
    coaches: list[SessionCoachResponse] = Field(default_factory=list)
    booked: int = 0
    waitlisted: int = 0
    spots_left: int = 0


class BookingResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    session_id: uuid.UUID
    member_id: uuid.UUID
    status: BookingStatus
    booked_at: datetime
    cancelled_at: datetime | None = None
