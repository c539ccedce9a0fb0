"""Attendance service request and response schemas."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.attendance_service.models import (
    AttendanceStatus,
    CheckInMethod,
    NoticeStatus,
)


class CheckIn(BaseModel):
    session_id: uuid.UUID
    location_code: str | None = None
    member_id: uuid.UUID | None = None  # coaches check swimmers in


class CheckOut(BaseModel):
    session_id: uuid.UUID


class RegisterEntry(BaseModel):
    member_id: uuid.UUID
    status: AttendanceStatus


class RecordUpdate(BaseModel):
    status: AttendanceStatus | None = None
    notes: str | None = None


class RecordResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    session_id: uuid.UUID
    member_id: uuid.UUID
    status: AttendanceStatus
    method: CheckInMethod
    location_id: uuid.UUID | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    notes: str | None


class LocationResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    address: str | None
    is_active: bool


class NoticeCreate(BaseModel):
    session_id: uuid.UUID
    reason: str = Field(min_length=3, max_length=500)


class NoticeReview(BaseModel):
    accept: bool


class NoticeResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    member_id: uuid.UUID
    session_id: uuid.UUID
    reason: str
    status: NoticeStatus
    reviewed_at: datetime | None


class AttendanceSummary(BaseModel):
    member_id: uuid.UUID
    sessions: int
    present: int
    late: int
    absent: int
    excused: int
    rate: float  # share of sessions attended (present or late), 0..1
