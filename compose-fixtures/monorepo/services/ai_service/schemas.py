"""AI service request and response schemas."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.ai_service.models import (
    AIRequestStatus,
    AIRequestType,
    CoachGrade,
    SuggestionStatus,
)


class LocationType(str, enum.Enum):
    """Same values as the academy's location types; validated here at the API edge."""

    POOL = "pool"
    TEACHING_POOL = "teaching_pool"
    OPEN_WATER = "open_water"
    DRYLAND = "dryland"


class ProgramLevel(str, enum.Enum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    ELITE = "elite"


class ProviderInfo(BaseModel):
    name: str
    description: str
    deterministic: bool


class CohortComplexityRequest(BaseModel):
    cohort_id: uuid.UUID | None = None
    cohort_status: str | None = None
    group_size: int = Field(ge=0, le=200)
    coach_count: int = Field(ge=0, le=20)
    min_age: int | None = Field(default=None, ge=2, le=99)
    max_age: int | None = Field(default=None, ge=2, le=99)
    location_type: LocationType
    level: ProgramLevel
    category: str = Field(min_length=1, max_length=50)
    additional_needs: int = Field(default=0, ge=0)
    notes: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def check_ages(self) -> CohortComplexityRequest:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age is above max_age")
        if self.additional_needs > self.group_size:
            raise ValueError("additional_needs cannot exceed group_size")
        return self


class ComplexityFactorOut(BaseModel):
    name: str
    weight: int
    value: float
    contribution: float


class CohortComplexityResponse(BaseModel):
    request_id: uuid.UUID
    cohort_id: uuid.UUID | None
    score: int
    required_grade: CoachGrade
    factors: list[ComplexityFactorOut]
    flags: list[str]
    rationale: str
    provider: str


class CohortAssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    request_id: uuid.UUID
    cohort_id: uuid.UUID | None
    score: int
    required_grade: CoachGrade
    factors: dict[str, float]
    rationale: str
    created_at: datetime


class CoachProfileIn(BaseModel):
    coach_id: uuid.UUID
    years_coaching: float = Field(ge=0, le=60)
    certifications: list[str] = Field(default_factory=list, max_length=20)
    sessions_last_year: int = Field(default=0, ge=0)
    average_feedback: float | None = Field(default=None, ge=1, le=5)
    safeguarding_valid: bool = True


class CoachGradeResponse(BaseModel):
    request_id: uuid.UUID
    coach_id: uuid.UUID
    grade: CoachGrade
    points: int
    breakdown: dict[str, int]
    next_grade: CoachGrade | None
    points_to_next: int
    capped_reason: str | None
    rationale: str


class CoachGradeHistoryItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    grade: CoachGrade
    points: int
    breakdown: dict[str, int]
    created_at: datetime


class CoachCandidateIn(CoachProfileIn):
    available_days: list[int] = Field(default_factory=list, max_length=7)
    current_cohorts: int = Field(default=0, ge=0)
    max_cohorts: int = Field(default=3, ge=1, le=10)
    distance_km: float | None = Field(default=None, ge=0)
    open_water_qualified: bool = False


class CoachSuggestionRequest(BaseModel):
    cohort: CohortComplexityRequest
    cohort_days: list[int] = Field(default_factory=list, max_length=7)
    candidates: list[CoachCandidateIn] = Field(min_length=1, max_length=50)
    limit: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def cohort_must_be_known(self) -> CoachSuggestionRequest:
        if self.cohort.cohort_id is None:
            raise ValueError("cohort.cohort_id is required for suggestions")
        return self


class SuggestionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cohort_id: uuid.UUID
    coach_id: uuid.UUID
    rank: int
    match_score: int
    grade: CoachGrade
    reasons: list[str]
    rationale: str
    status: SuggestionStatus
    decided_at: datetime | None = None


class RejectedCandidate(BaseModel):
    coach_id: uuid.UUID
    reason: str


class CoachSuggestionResponse(BaseModel):
    request_id: uuid.UUID
    complexity_score: int
    required_grade: CoachGrade
    suggestions: list[SuggestionOut]
    rejected: list[RejectedCandidate]


class SuggestionDecision(BaseModel):
    accept: bool
    note: str | None = Field(default=None, max_length=500)


class AIRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    request_type: AIRequestType
    status: AIRequestStatus
    provider: str
    caller: str
    latency_ms: int
    error: str | None
    created_at: datetime


class AIRequestDetail(AIRequestOut):
    input_payload: dict[str, Any]
    output_payload: dict[str, Any] | None


class AIRequestStats(BaseModel):
    total: int
    by_type: dict[AIRequestType, int]
    by_status: dict[AIRequestStatus, int]
    average_latency_ms: float | None
