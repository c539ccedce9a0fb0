"""Request and response bodies of the academy service (pydantic v2, 3.8-style typing)."""

import datetime
from typing import Dict, List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.academy_service.models import (
    CoachGrade,
    CohortStatus,
    EnrollmentStatus,
    ProgramCategory,
)


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Programs -----------------------------------------------------------------------
class ProgramCreate(BaseModel):
    name: str = Field(min_length=3, max_length=120)
    category: ProgramCategory
    description: Optional[str] = None


class ProgramUpdate(BaseModel):
    description: Optional[str] = None
    is_active: Optional[bool] = None


class ProgramOut(OrmModel):
    id: uuid.UUID
    name: str
    category: ProgramCategory
    description: Optional[str]
    is_active: bool


class ProgramInterestCreate(BaseModel):
    email: str = Field(min_length=3, max_length=200)


# --- Cohorts ------------------------------------------------------------------------
class CohortCreate(BaseModel):
    program_id: uuid.UUID
    name: str = Field(min_length=2, max_length=120)
    starts_on: Optional[datetime.date] = None
    capacity: int = Field(default=12, ge=1, le=60)


class CohortOut(OrmModel):
    id: uuid.UUID
    program_id: uuid.UUID
    name: str
    status: CohortStatus
    starts_on: Optional[datetime.date]
    capacity: int


class CohortStatusChange(BaseModel):
    status: CohortStatus


class CohortResourceIn(BaseModel):
    title: str
    url: str


class CohortResourceOut(OrmModel):
    id: uuid.UUID
    title: str
    url: str


# --- Enrollments --------------------------------------------------------------------
class EnrollmentCreate(BaseModel):
    cohort_id: uuid.UUID
    student_name: str = Field(min_length=2, max_length=120)
    student_email: str = Field(min_length=3, max_length=200)


class EnrollmentOut(OrmModel):
    id: uuid.UUID
    cohort_id: uuid.UUID
    student_name: str
    student_email: str
    status: EnrollmentStatus
    self_enrolled: bool


# --- Milestones and progress --------------------------------------------------------
class MilestoneCreate(BaseModel):
    title: str = Field(min_length=2, max_length=160)
    position: int = Field(default=1, ge=1)


class MilestoneOut(OrmModel):
    id: uuid.UUID
    program_id: uuid.UUID
    title: str
    position: int


class ProgressOut(BaseModel):
    enrollment_id: uuid.UUID
    achieved: List[uuid.UUID]
    total: int
    percent: float


# --- Scoring ------------------------------------------------------------------------
class ComplexityScoreOut(OrmModel):
    cohort_id: uuid.UUID
    score: int
    required_grade: CoachGrade
    computed_at: datetime.datetime


class AIScoreRequest(BaseModel):
    """Free-text notes the coach wrote; the 'AI' is a keyword count (see scoring.py)."""
    notes: str = Field(min_length=1)


class AIScoreOut(BaseModel):
    score: int
    signals: Dict[str, int]
