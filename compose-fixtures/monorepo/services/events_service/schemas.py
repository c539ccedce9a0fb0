"""Events service request and response schemas."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.events_service.models import EventType, RSVPStatus


class EventBase(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = None
    event_type: EventType = EventType.SOCIAL
    location: str | None = None
    starts_at: datetime
    ends_at: datetime | None = None
    capacity: int | None = Field(default=None, ge=1)


class EventCreate(EventBase):
    pass


class EventUpdate(BaseModel):
    title: str | None = None
    description: str | None = None
    location: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = Field(default=None, ge=1)


class EventResponse(EventBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    is_published: bool
    created_at: datetime


class RSVPCreate(BaseModel):
    status: RSVPStatus = RSVPStatus.GOING
    guests: int = Field(default=0, ge=0, le=5)


class RSVPResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_id: uuid.UUID
    member_id: uuid.UUID
    status: RSVPStatus
    guests: int


class EventSummary(BaseModel):
    event: EventResponse
    going: int
    maybe: int
    seats_left: int | None
