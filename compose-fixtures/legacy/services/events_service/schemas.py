"""Request and response bodies of the events service."""

import datetime
from typing import Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.events_service.models import EventKind, EventStatus


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Events ---------------------------------------------------------------------------
class EventCreate(BaseModel):
    title: str = Field(min_length=3, max_length=160)
    kind: EventKind = EventKind.OPEN_DAY
    description: Optional[str] = None
    location: Optional[str] = None
    starts_at: datetime.datetime
    ends_at: Optional[datetime.datetime] = None
    capacity: Optional[int] = Field(default=None, ge=1)
    publish: bool = False

    @model_validator(mode="after")
    def ends_after_start(self) -> "EventCreate":
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("an event must end after it starts")
        return self


class EventUpdate(BaseModel):
    title: Optional[str] = Field(default=None, min_length=3, max_length=160)
    description: Optional[str] = None
    location: Optional[str] = None
    capacity: Optional[int] = Field(default=None, ge=1)


class EventOut(OrmModel):
    id: uuid.UUID
    title: str
    kind: EventKind
    status: EventStatus
    location: Optional[str]
    starts_at: datetime.datetime
    ends_at: Optional[datetime.datetime]
    capacity: Optional[int]
    places_left: Optional[int] = None


# --- Registrations --------------------------------------------------------------------
class RegistrationCreate(BaseModel):
    attendee_name: str = Field(min_length=2, max_length=120)
    attendee_email: str = Field(min_length=3, max_length=200)
    guests: int = Field(default=0, ge=0, le=4)


class RegistrationOut(OrmModel):
    id: uuid.UUID
    event_id: uuid.UUID
    attendee_name: str
    attendee_email: str
    guests: int
    created_at: datetime.datetime
