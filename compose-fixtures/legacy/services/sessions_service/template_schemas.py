"""Bodies of the session template routes (added with the templates in 2021)."""

import datetime
from typing import Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field


class TemplateCreate(BaseModel):
    name: str = Field(min_length=2, max_length=80)
    description: Optional[str] = None
    weekday: int = Field(ge=0, le=6)
    start_time: datetime.time
    duration_minutes: int = Field(default=120, ge=15, le=480)
    capacity: int = Field(default=12, ge=1, le=100)
    location: Optional[str] = None


class TemplateUpdate(BaseModel):
    description: Optional[str] = None
    start_time: Optional[datetime.time] = None
    capacity: Optional[int] = Field(default=None, ge=1, le=100)
    location: Optional[str] = None


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    weekday: int
    start_time: datetime.time
    duration_minutes: int
    capacity: int
    location: Optional[str]


class GenerateRequest(BaseModel):
    """Create one session per week from ``first_week`` (a Monday or any day of that week)."""

    first_week: datetime.date
    weeks: int = Field(default=4, ge=1, le=26)
    leader_name: Optional[str] = Field(default=None, description="Copied to every session")
