"""Request and response bodies of the AI service (pydantic v2, written in 3.8 style)."""

import datetime
from typing import Any, Dict, List, Optional
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.ai_service.enums import RequestKind, RequestStatus


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Completions --------------------------------------------------------------------
class CompletionCreate(BaseModel):
    prompt: Optional[str] = Field(default=None, max_length=4000)
    template: Optional[str] = None
    values: Dict[str, str] = Field(default_factory=dict)
    provider: Optional[str] = None


class ScoreOut(OrmModel):
    id: uuid.UUID
    subject_type: str
    subject_id: Optional[uuid.UUID]
    score: float
    grade: Optional[str]
    details: Dict[str, Any]


class AIRequestOut(OrmModel):
    id: uuid.UUID
    kind: RequestKind
    provider: str
    status: RequestStatus
    response: Optional[str]
    tokens_used: int
    created_at: datetime.datetime


class AIRequestDetail(AIRequestOut):
    prompt: str
    scores: List[ScoreOut] = []


# --- Scoring ------------------------------------------------------------------------
class CohortComplexityRequest(BaseModel):
    cohort_id: Optional[uuid.UUID] = None
    size: int = Field(ge=1, le=200)
    beginners: int = Field(default=0, ge=0)
    sites: int = Field(default=1, ge=1)
    weeks: int = Field(default=8, ge=1, le=52)


class CoachGradeRequest(BaseModel):
    coach_id: Optional[uuid.UUID] = None
    ratings: List[int] = Field(default_factory=list)
    sessions_run: int = Field(default=0, ge=0)
    sessions_missed: int = Field(default=0, ge=0)


class CoachCandidate(BaseModel):
    coach_id: uuid.UUID
    name: str
    grade_score: float = Field(ge=0, le=10)
    open_cohorts: int = Field(default=0, ge=0)


class CoachSuggestionRequest(BaseModel):
    complexity: float = Field(ge=0, le=10)
    candidates: List[CoachCandidate]
    limit: int = Field(default=3, ge=1, le=10)


class CoachSuggestionOut(BaseModel):
    coach_id: uuid.UUID
    name: str
    fit: float


# --- Prompt templates ---------------------------------------------------------------
class PromptTemplateCreate(BaseModel):
    name: str = Field(min_length=2, max_length=80)
    body: str = Field(min_length=1)


class PromptTemplateOut(OrmModel):
    id: uuid.UUID
    name: str
    body: str
    active: bool
