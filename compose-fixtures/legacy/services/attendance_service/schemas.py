"""Request and response bodies of the attendance service."""

import datetime
from typing import List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from .models import Activity


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LocationCreate(BaseModel):
    code: str = Field(min_length=2, max_length=16)
    name: str = Field(min_length=2, max_length=120)
    site_name: Optional[str] = None


class LocationOut(OrmModel):
    id: uuid.UUID
    code: str
    name: str
    site_name: Optional[str]
    active: bool


class CheckIn(BaseModel):
    location_code: str
    member_email: str = Field(min_length=3, max_length=200)
    activity: Activity = Activity.WORK_PARTY
    at: Optional[datetime.datetime] = None


class CheckOut(BaseModel):
    at: Optional[datetime.datetime] = None
    notes: Optional[str] = None


class AttendanceOut(OrmModel):
    id: uuid.UUID
    location_id: uuid.UUID
    member_email: str
    activity: Activity
    checked_in_at: datetime.datetime
    checked_out_at: Optional[datetime.datetime]


class MemberHours(BaseModel):
    member_email: str
    sessions: int
    hours: float
    owed: float


class LocationDay(BaseModel):
    location_code: str
    day: datetime.date
    present: List[str]
