"""AI service models: a log of every scoring request and the assessments it produced."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id


class AIRequestType(str, enum.Enum):
    COHORT_COMPLEXITY = "cohort_complexity"
    COACH_GRADE = "coach_grade"
    COACH_SUGGESTION = "coach_suggestion"


class AIRequestStatus(str, enum.Enum):
    SUCCEEDED = "succeeded"
    REJECTED = "rejected"
    FAILED = "failed"


class CoachGrade(str, enum.Enum):
    """Mirrors the academy's grades; the AI service only ever returns these values."""

    ASSISTANT = "assistant"
    GRADE_1 = "grade_1"
    GRADE_2 = "grade_2"
    GRADE_3 = "grade_3"
    HEAD_COACH = "head_coach"


class SuggestionStatus(str, enum.Enum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class AIRequest(TimestampMixin, Base):
    __tablename__ = "ai_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    request_type: Mapped[AIRequestType] = mapped_column(
        Enum(AIRequestType, name="ai_request_type"), nullable=False, index=True
    )
    status: Mapped[AIRequestStatus] = mapped_column(
        Enum(AIRequestStatus, name="ai_request_status"), nullable=False
    )
    provider: Mapped[str] = mapped_column(String(50), nullable=False)
    # "service:<name>" for internal calls, otherwise the user id.
    caller: Mapped[str] = mapped_column(String(80), nullable=False)
    input_payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    output_payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    suggestions: Mapped[list["CoachSuggestion"]] = relationship(back_populates="request")


class CohortAssessment(TimestampMixin, Base):
    __tablename__ = "ai_cohort_assessments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_requests.id", ondelete="CASCADE"), nullable=False
    )
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    required_grade: Mapped[CoachGrade] = mapped_column(
        Enum(CoachGrade, name="ai_coach_grade"), nullable=False
    )
    factors: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)


class CoachGradeAssessment(TimestampMixin, Base):
    __tablename__ = "ai_coach_grade_assessments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_requests.id", ondelete="CASCADE"), nullable=False
    )
    coach_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    grade: Mapped[CoachGrade] = mapped_column(
        Enum(CoachGrade, name="ai_coach_grade"), nullable=False
    )
    points: Mapped[int] = mapped_column(Integer, nullable=False)
    breakdown: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)


class CoachSuggestion(TimestampMixin, Base):
    __tablename__ = "ai_coach_suggestions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    cohort_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    coach_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    match_score: Mapped[int] = mapped_column(Integer, nullable=False)
    grade: Mapped[CoachGrade] = mapped_column(
        Enum(CoachGrade, name="ai_coach_grade"), nullable=False
    )
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[SuggestionStatus] = mapped_column(
        Enum(SuggestionStatus, name="ai_suggestion_status"),
        nullable=False,
        default=SuggestionStatus.PROPOSED,
        index=True,
    )
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(String(500))

    request: Mapped["AIRequest"] = relationship(back_populates="suggestions")
