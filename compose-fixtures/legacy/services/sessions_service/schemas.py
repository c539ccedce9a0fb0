"""Request and response bodies of the sessions and bookings routes."""

import datetime
from typing import List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.sessions_service.models import BookingStatus, SessionStatus


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Sessions ------------------------------------------------------------------------
class SessionCreate(BaseModel):
    title: str = Field(min_length=2, max_length=120)
    starts_at: datetime.datetime
    duration_minutes: int = Field(default=120, ge=15, le=480)
    capacity: int = Field(default=12, ge=1, le=100)
    location: Optional[str] = None
    leader_name: Optional[str] = None


class SessionUpdate(BaseModel):
    title: Optional[str] = Field(default=None, min_length=2, max_length=120)
    starts_at: Optional[datetime.datetime] = None
    capacity: Optional[int] = Field(default=None, ge=1, le=100)
    location: Optional[str] = None
    leader_name: Optional[str] = None


class SessionOut(OrmModel):
    id: uuid.UUID
    template_id: Optional[uuid.UUID]
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    location: Optional[str]
    leader_name: Optional[str]
    status: SessionStatus


# --- Bookings ------------------------------------------------------------------------
class BookingCreate(BaseModel):
    member_id: uuid.UUID
    member_name: str = Field(min_length=2, max_length=120)


class BookingOut(OrmModel):
    id: uuid.UUID
    session_id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    status: BookingStatus
    checked_in_at: Optional[datetime.datetime]


class SessionDetail(SessionOut):
    places_left: int
    bookings: List[BookingOut]
