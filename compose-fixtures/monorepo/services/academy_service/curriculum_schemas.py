"""Schemas of the curriculum endpoints (versions, weeks, lessons, skills)."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.academy_service.models import SkillCategory


class CurriculumCreate(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    summary: str | None = None
    copy_from_active: bool = True


class LessonBase(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    sequence: int = Field(default=0, ge=0)
    duration_minutes: int = Field(default=45, ge=10, le=180)
    equipment: str | None = Field(default=None, max_length=255)
    plan: str | None = None


class LessonCreate(LessonBase):
    pass


class LessonUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    sequence: int | None = Field(default=None, ge=0)
    duration_minutes: int | None = Field(default=None, ge=10, le=180)
    equipment: str | None = None
    plan: str | None = None


class LessonSkillLink(BaseModel):
    skill_id: uuid.UUID
    focus: str = Field(default="practice", pattern="^(introduce|practice|assess)$")


class LessonResponse(LessonBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    week_id: uuid.UUID


class WeekCreate(BaseModel):
    week_number: int = Field(ge=1, le=52)
    theme: str = Field(min_length=2, max_length=200)
    objectives: str | None = None


class WeekUpdate(BaseModel):
    theme: str | None = Field(default=None, min_length=2, max_length=200)
    objectives: str | None = None


class WeekResponse(WeekCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    curriculum_id: uuid.UUID
    lessons: list[LessonResponse] = []


class CurriculumResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    version: int
    title: str
    summary: str | None
    is_active: bool
    activated_at: datetime | None
    created_at: datetime


class CurriculumDetail(CurriculumResponse):
    weeks: list[WeekResponse] = []


class SkillCreate(BaseModel):
    name: str = Field(min_length=2, max_length=120)
    category: SkillCategory
    parent_id: uuid.UUID | None = None
    description: str | None = None
    sort_order: int = Field(default=0, ge=0)


class SkillUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=120)
    parent_id: uuid.UUID | None = None
    description: str | None = None
    sort_order: int | None = Field(default=None, ge=0)


class SkillResponse(SkillCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
