"""Schemas for the weekly session templates."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field

from services.sessions_service.models import SessionType, Weekday


class TemplateBase(BaseModel):
    name: str = Field(min_length=1, max_length=150)
    session_type: SessionType = SessionType.POOL
    weekday: Weekday
    start_time: time
    duration_minutes: int = Field(default=60, ge=15, le=240)
    pool_name: str | None = Field(default=None, max_length=120)
    lanes: int | None = Field(default=None, ge=1, le=10)
    capacity: int = Field(default=20, ge=1, le=200)
    cohort_id: uuid.UUID | None = None
    default_coach_id: uuid.UUID | None = None
    valid_from: date
    valid_until: date | None = None


class TemplateCreate(TemplateBase):
    pass


class TemplateUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=150)
    start_time: time | None = None
    duration_minutes: int | None = Field(default=None, ge=15, le=240)
    pool_name: str | None = None
    capacity: int | None = Field(default=None, ge=1, le=200)
    default_coach_id: uuid.UUID | None = None
    valid_until: date | None = None
    is_active: bool | None = None


class TemplateSkipCreate(BaseModel):
    day: date
    reason: str | None = Field(default=None, max_length=200)


class TemplateSkipResponse(TemplateSkipCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID


class TemplateResponse(TemplateBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    is_active: bool
    skips: list[TemplateSkipResponse] = Field(default_factory=list)
    created_at: datetime


class GenerateRequest(BaseModel):
    start: date
    end: date
    dry_run: bool = False


class GenerateResult(BaseModel):
    planned_days: list[date]
    created: list[uuid.UUID]
    skipped_days: list[date]
    existing_days: list[date]
