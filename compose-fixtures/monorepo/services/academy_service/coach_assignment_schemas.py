"""Schemas of the coach assignment endpoints."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.academy_service.models import (
    AssignmentRole,
    AssignmentStatus,
    CoachGrade,
    CohortStatus,
    ShadowRating,
)


class AssignmentCreate(BaseModel):
    cohort_id: uuid.UUID
    coach_id: uuid.UUID
    role: AssignmentRole
    start_date: date | None = None
    end_date: date | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _check_dates(self) -> "AssignmentCreate":
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class AssignmentUpdate(BaseModel):
    role: AssignmentRole | None = None
    end_date: date | None = None
    notes: str | None = None


class AssignmentResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cohort_id: uuid.UUID
    coach_id: uuid.UUID
    assigned_by_id: uuid.UUID | None
    role: AssignmentRole
    status: AssignmentStatus
    start_date: date
    end_date: date | None
    notes: str | None
    created_at: datetime


class CohortCoach(AssignmentResponse):
    coach_name: str | None = None


class UnstaffedCohort(BaseModel):
    cohort_id: uuid.UUID
    name: str
    status: CohortStatus
    start_date: date
    required_coach_grade: CoachGrade | None
    missing_roles: list[AssignmentRole]


class ShadowEvaluationCreate(BaseModel):
    session_date: date
    rating: ShadowRating
    strengths: str | None = Field(default=None, max_length=2000)
    improvements: str | None = Field(default=None, max_length=2000)


class ShadowEvaluationResponse(ShadowEvaluationCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    assignment_id: uuid.UUID
    evaluator_id: uuid.UUID
    created_at: datetime


class ShadowReadiness(BaseModel):
    assignment_id: uuid.UUID
    coach_id: uuid.UUID
    evaluations: int
    latest_rating: ShadowRating | None
    ready_count: int
    recommendation: str


class CoachWorkload(BaseModel):
    coach_id: uuid.UUID
    active_assignments: int
    lead_cohorts: int
    students: int
    over_limit: bool
