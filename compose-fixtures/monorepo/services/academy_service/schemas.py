"""Academy request and response schemas (programs, cohorts, enrolments, progress, scoring)."""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.academy_service.models import (
    CoachGrade,
    CohortStatus,
    EnrollmentSource,
    EnrollmentStatus,
    LocationType,
    MilestoneType,
    PaymentStatus,
    ProgramCategory,
    ProgramLevel,
    ProgressStatus,
    ResourceType,
    ScoringSource,
    SkillCategory,
)

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


# --- Programs ---


class ProgramBase(BaseModel):
    name: str = Field(min_length=2, max_length=150)
    description: str | None = None
    category: ProgramCategory
    level: ProgramLevel = ProgramLevel.BEGINNER
    min_age: int | None = Field(default=None, ge=2, le=99)
    max_age: int | None = Field(default=None, ge=2, le=99)
    duration_weeks: int = Field(default=10, ge=1, le=52)
    default_capacity: int = Field(default=12, ge=1, le=60)
    price: Decimal = Field(default=Decimal("0"), ge=0)

    @model_validator(mode="after")
    def _check_ages(self) -> "ProgramBase":
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        return self


class ProgramCreate(ProgramBase):
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=160)


class ProgramUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=150)
    description: str | None = None
    level: ProgramLevel | None = None
    min_age: int | None = Field(default=None, ge=2, le=99)
    max_age: int | None = Field(default=None, ge=2, le=99)
    duration_weeks: int | None = Field(default=None, ge=1, le=52)
    default_capacity: int | None = Field(default=None, ge=1, le=60)
    price: Decimal | None = Field(default=None, ge=0)


class ProgramResponse(ProgramBase):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    slug: str
    is_published: bool
    published_at: datetime | None
    created_at: datetime


class PublishedProgram(ProgramResponse):
    open_cohorts: int
    next_start_date: date | None


class ProgramDetail(ProgramResponse):
    cohorts: list["CohortSummary"] = []
    milestones: list["MilestoneResponse"] = []


class ProgramInterestCreate(BaseModel):
    preferred_days: str | None = Field(default=None, max_length=100)
    notes: str | None = None


class ProgramInterestResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    member_id: uuid.UUID
    preferred_days: str | None
    notes: str | None
    notified_at: datetime | None
    created_at: datetime


# --- Cohorts ---


class CohortStatusFilter(str, enum.Enum):
    """Query-parameter twin of ``models.CohortStatus``.

    The web client generates its filter dropdowns from this schema name; keep the members
    in step with ``CohortStatus`` but do not replace one with the other.
    """

    DRAFT = "draft"
    OPEN = "open"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CohortBase(BaseModel):
    name: str = Field(min_length=2, max_length=150)
    start_date: date
    end_date: date
    capacity: int | None = Field(default=None, ge=1, le=60)
    location: str | None = Field(default=None, max_length=200)
    location_type: LocationType = LocationType.POOL
    schedule: str | None = Field(default=None, max_length=255)
    min_age: int | None = Field(default=None, ge=2, le=99)
    max_age: int | None = Field(default=None, ge=2, le=99)
    price_override: Decimal | None = Field(default=None, ge=0)
    self_enroll_open: bool = True
    notes: str | None = None

    @model_validator(mode="after")
    def _check_dates(self) -> "CohortBase":
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class CohortCreate(CohortBase):
    program_id: uuid.UUID


class CohortUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=150)
    start_date: date | None = None
    end_date: date | None = None
    capacity: int | None = Field(default=None, ge=1, le=60)
    location: str | None = None
    location_type: LocationType | None = None
    schedule: str | None = None
    price_override: Decimal | None = Field(default=None, ge=0)
    self_enroll_open: bool | None = None
    notes: str | None = None


class CohortSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    name: str
    status: CohortStatus
    start_date: date
    end_date: date
    capacity: int


class CohortResponse(CohortSummary):
    location: str | None
    location_type: LocationType
    schedule: str | None
    min_age: int | None
    max_age: int | None
    required_coach_grade: CoachGrade | None
    price_override: Decimal | None
    self_enroll_open: bool
    notes: str | None
    created_at: datetime


class CohortDetail(CohortResponse):
    program: ProgramResponse
    enrolled: int
    waitlisted: int
    seats_left: int


class OpenCohort(CohortSummary):
    program_name: str
    seats_left: int
    price: Decimal


class CohortStatusChange(BaseModel):
    status: CohortStatus
    reason: str | None = Field(default=None, max_length=500)


class CohortResourceCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=8, max_length=500)
    resource_type: ResourceType = ResourceType.LINK
    visible_to_students: bool = True


class CohortResourceResponse(CohortResourceCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cohort_id: uuid.UUID
    added_by_id: uuid.UUID | None
    created_at: datetime


# --- Enrolments ---


class AdminEnrollRequest(BaseModel):
    member_id: uuid.UUID
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    override_capacity: bool = False
    notes: str | None = None


class EnrollmentResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cohort_id: uuid.UUID
    member_id: uuid.UUID
    status: EnrollmentStatus
    payment_status: PaymentStatus
    source: EnrollmentSource
    waitlist_position: int | None
    progress_percent: int
    enrolled_at: datetime
    completed_at: datetime | None


class EnrollmentStatusChange(BaseModel):
    status: EnrollmentStatus
    reason: str | None = Field(default=None, max_length=500)


class RosterEntry(EnrollmentResponse):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class PaymentUpdate(BaseModel):
    payment_status: PaymentStatus
    reference: str | None = Field(default=None, max_length=100)


class MemberAcademySummary(BaseModel):
    member_id: uuid.UUID
    display_name: str | None
    enrollments: list[EnrollmentResponse]
    interests: list[ProgramInterestResponse]
    completed_programs: int


# --- Milestones and progress ---


class MilestoneCreate(BaseModel):
    title: str = Field(min_length=2, max_length=200)
    description: str | None = None
    milestone_type: MilestoneType = MilestoneType.SKILL
    sequence: int = Field(default=0, ge=0)
    weight: int = Field(default=1, ge=1, le=10)
    is_required: bool = True
    skill_id: uuid.UUID | None = None


class MilestoneUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = None
    sequence: int | None = Field(default=None, ge=0)
    weight: int | None = Field(default=None, ge=1, le=10)
    is_required: bool | None = None


class ProgressUpdate(BaseModel):
    milestone_id: uuid.UUID
    status: ProgressStatus
    score: int | None = Field(default=None, ge=0, le=100)
    coach_notes: str | None = None


class ProgressResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enrollment_id: uuid.UUID
    milestone_id: uuid.UUID
    status: ProgressStatus
    score: int | None
    achieved_at: datetime | None
    evaluated_by_id: uuid.UUID | None
    coach_notes: str | None


class MilestoneProgressLine(BaseModel):
    milestone_id: uuid.UUID
    title: str
    is_required: bool
    weight: int
    status: ProgressStatus
    achieved_at: datetime | None


class StudentReport(BaseModel):
    enrollment_id: uuid.UUID
    member_id: uuid.UUID
    completion_percent: int
    band: str
    required_outstanding: int
    lines: list[MilestoneProgressLine]


class ProgressRefreshResult(BaseModel):
    cohort_id: uuid.UUID
    updated: int


# --- Complexity scoring ---


class ComplexityScoreRequest(BaseModel):
    use_ai: bool = False
    additional_needs: int = Field(default=0, ge=0)
    notes: str | None = Field(default=None, max_length=1000)


class ComplexityScoreResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    cohort_id: uuid.UUID
    score: int
    required_grade: CoachGrade
    source: ScoringSource
    factors: dict
    rationale: str | None
    computed_at: datetime


# --- Coach dashboard ---


class CoachCohortCard(BaseModel):
    cohort: CohortSummary
    role: str
    active_students: int
    average_progress: int


class CohortOverview(BaseModel):
    cohort: CohortResponse
    roster: list[RosterEntry]
    completion_rate: int
    students_behind: int


class MilestoneResponse(MilestoneCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID


ProgramDetail.model_rebuild()


# --- Skills (shared by the curriculum router) ---


class SkillTree(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    category: SkillCategory
    description: str | None = None
    children: list["SkillTree"] = []


SkillTree.model_rebuild()
