"""Bodies of the curriculum routes: a program's curriculum, its weeks, lessons and skills."""

from typing import List
import uuid

from pydantic import BaseModel, ConfigDict, Field


class SkillOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str


class LessonCreate(BaseModel):
    title: str = Field(min_length=2, max_length=160)
    skills: List[str] = []


class LessonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    skills: List[SkillOut]


class CurriculumWeekCreate(BaseModel):
    number: int = Field(ge=1, le=52)
    theme: str = Field(min_length=2, max_length=160)
    lessons: List[LessonCreate] = []


class CurriculumWeekOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: int
    theme: str
    lessons: List[LessonOut]


class CurriculumOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    version: int
    is_published: bool
    weeks: List[CurriculumWeekOut]
