"""Bodies of the coach assignment routes."""

from typing import Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.academy_service.models import CoachGrade, CoachRole


class CoachAssignmentCreate(BaseModel):
    coach_id: uuid.UUID
    grade: CoachGrade
    role: CoachRole = CoachRole.LEAD


class CoachAssignmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cohort_id: uuid.UUID
    coach_id: uuid.UUID
    grade: CoachGrade
    role: CoachRole


class ShadowEvaluationCreate(BaseModel):
    evaluator: str = Field(min_length=2, max_length=120)
    rating: int = Field(ge=1, le=5)
    notes: Optional[str] = None


class ShadowEvaluationOut(ShadowEvaluationCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    assignment_id: uuid.UUID
