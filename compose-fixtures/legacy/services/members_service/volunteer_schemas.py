"""Bodies of the volunteer endpoints (volunteering is an opt-in on the member)."""

from typing import Optional
import uuid

from pydantic import BaseModel, Field


class VolunteerOptIn(BaseModel):
    skills: Optional[str] = Field(default=None, max_length=300)


class HoursLogged(BaseModel):
    hours: int = Field(ge=1, le=24)
    task: str = Field(default="work party", max_length=80)


class VolunteerOut(BaseModel):
    member_id: uuid.UUID
    name: str
    skills: Optional[str]
    hours: int
