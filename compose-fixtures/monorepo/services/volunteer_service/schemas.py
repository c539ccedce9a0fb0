"""Volunteer service request and response schemas."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.volunteer_service.models import (
    BadgeTier,
    ChallengeMetric,
    ChallengeStatus,
    HandbookStatus,
    HoursSource,
    HoursStatus,
    OpportunityCategory,
    OpportunityStatus,
    ShiftStatus,
    SignupStatus,
)

VERSION_PATTERN = re.compile(r"^\d+\.\d+(\.\d+)?$")


class ORMModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Opportunities -----------------------------------------------------------------


class OpportunityBase(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    description: str | None = None
    category: OpportunityCategory
    location: str | None = Field(default=None, max_length=255)
    coordinator_id: uuid.UUID | None = None
    required_skills: list[str] = Field(default_factory=list, max_length=10)
    min_age: int | None = Field(default=None, ge=10, le=99)
    requires_safeguarding: bool = False
    starts_on: date | None = None
    ends_on: date | None = None

    @field_validator("required_skills")
    @classmethod
    def normalise_skills(cls, skills: list[str]) -> list[str]:
        cleaned = {skill.strip().lower() for skill in skills if skill.strip()}
        return sorted(cleaned)

    @model_validator(mode="after")
    def check_dates(self) -> OpportunityBase:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class OpportunityCreate(OpportunityBase):
    pass


class OpportunityStatusUpdate(BaseModel):
    status: OpportunityStatus
    reason: str | None = Field(default=None, max_length=500)


class OpportunityResponse(OpportunityBase, ORMModel):
    id: uuid.UUID
    status: OpportunityStatus
    created_at: datetime


class OpportunityListItem(OpportunityResponse):
    """An opportunity as a member sees it in listings."""

    coordinator_name: str | None = None
    upcoming_shifts: int = 0
    open_spots: int = 0
    signed_up: bool = False


class OpportunityDetail(OpportunityListItem):
    shifts: list[ShiftResponse] = Field(default_factory=list)


class OpportunityPage(BaseModel):
    items: list[OpportunityListItem]
    total: int
    page: int
    size: int


class AdminOpportunityResponse(OpportunityResponse):
    coordinator_name: str | None = None
    shift_count: int = 0
    signups_by_status: dict[SignupStatus, int] = Field(default_factory=dict)
    approved_hours: Decimal = Decimal(0)
    no_show_rate: float | None = None


# --- Shifts and sign-ups -------------------------------------------------------------


class ShiftCreate(BaseModel):
    label: str | None = Field(default=None, max_length=120)
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(default=1, ge=1, le=200)
    notes: str | None = None

    @model_validator(mode="after")
    def check_window(self) -> ShiftCreate:
        if self.ends_at <= self.starts_at:
            raise ValueError("a shift must end after it starts")
        if (self.ends_at - self.starts_at).total_seconds() > 12 * 3600:
            raise ValueError("a shift cannot be longer than 12 hours")
        return self


class ShiftResponse(ORMModel):
    id: uuid.UUID
    opportunity_id: uuid.UUID
    label: str | None
    starts_at: datetime
    ends_at: datetime
    capacity: int
    status: ShiftStatus
    confirmed: int = 0
    waitlisted: int = 0


OpportunityDetail.model_rebuild()


class SignupCreate(BaseModel):
    note: str | None = Field(default=None, max_length=500)


class SignupResponse(ORMModel):
    id: uuid.UUID
    shift_id: uuid.UUID
    member_id: uuid.UUID
    status: SignupStatus
    note: str | None
    waitlisted_at: datetime | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    created_at: datetime


class SignupCancelResult(BaseModel):
    signup: SignupResponse
    promoted_member_id: uuid.UUID | None = None


class RosterEntry(SignupResponse):
    member_name: str | None = None


class CheckOutRequest(BaseModel):
    hours: Decimal | None = Field(default=None, gt=0, le=24)


# --- Hours ---------------------------------------------------------------------------


class HoursCreate(BaseModel):
    opportunity_id: uuid.UUID | None = None
    category: OpportunityCategory
    worked_on: date
    hours: Decimal = Field(gt=0, le=24, decimal_places=2)
    description: str | None = Field(default=None, max_length=500)

    @field_validator("worked_on")
    @classmethod
    def not_in_future(cls, worked_on: date) -> date:
        if worked_on > date.today():
            raise ValueError("hours cannot be logged for a future date")
        return worked_on


class HoursResponse(ORMModel):
    id: uuid.UUID
    member_id: uuid.UUID
    opportunity_id: uuid.UUID | None
    signup_id: uuid.UUID | None
    category: OpportunityCategory
    worked_on: date
    hours: Decimal
    description: str | None
    source: HoursSource
    status: HoursStatus
    reviewed_by: uuid.UUID | None
    reviewed_at: datetime | None
    rejection_reason: str | None


class HoursReview(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class HoursByCategory(BaseModel):
    category: OpportunityCategory
    hours: Decimal


class HoursSummary(BaseModel):
    member_id: uuid.UUID
    approved_hours: Decimal
    pending_hours: Decimal
    shifts_attended: int
    by_category: list[HoursByCategory]
    since: date | None = None


# --- Challenges and badges -----------------------------------------------------------


class ChallengeCreate(BaseModel):
    title: str = Field(min_length=3, max_length=200)
    description: str | None = None
    metric: ChallengeMetric = ChallengeMetric.HOURS
    target: Decimal = Field(gt=0, le=1000)
    category: OpportunityCategory | None = None
    starts_on: date
    ends_on: date
    badge_name: str = Field(min_length=2, max_length=100)
    badge_tier: BadgeTier = BadgeTier.BRONZE

    @model_validator(mode="after")
    def check_period(self) -> ChallengeCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("a challenge must end on or after its start date")
        return self


class ChallengeResponse(ORMModel):
    id: uuid.UUID
    title: str
    description: str | None
    status: ChallengeStatus
    metric: ChallengeMetric
    target: Decimal
    category: OpportunityCategory | None
    starts_on: date
    ends_on: date
    badge_name: str
    badge_tier: BadgeTier
    participant_count: int = 0
    joined: bool = False


class ParticipantResponse(ORMModel):
    challenge_id: uuid.UUID
    member_id: uuid.UUID
    joined_at: datetime
    progress: Decimal
    completed_at: datetime | None


class BadgeResponse(ORMModel):
    id: uuid.UUID
    member_id: uuid.UUID
    challenge_id: uuid.UUID | None
    name: str
    tier: BadgeTier
    awarded_at: datetime


class RecalculateResult(BaseModel):
    challenge_id: uuid.UUID
    participants: int
    badges_awarded: list[BadgeResponse]


# --- Handbook ------------------------------------------------------------------------


class HandbookCreate(BaseModel):
    version: str = Field(max_length=20)
    title: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=1)
    summary_of_changes: str | None = None
    requires_acknowledgement: bool = True

    @field_validator("version")
    @classmethod
    def check_version(cls, version: str) -> str:
        if not VERSION_PATTERN.match(version):
            raise ValueError("version must look like 2.1 or 2.1.3")
        return version


class HandbookSummary(ORMModel):
    id: uuid.UUID
    version: str
    title: str
    status: HandbookStatus
    published_at: datetime | None


class HandbookResponse(HandbookSummary):
    body: str
    summary_of_changes: str | None
    requires_acknowledgement: bool
    acknowledged_at: datetime | None = None


class AcknowledgementResponse(ORMModel):
    handbook_version_id: uuid.UUID
    member_id: uuid.UUID
    acknowledged_at: datetime


class AcknowledgementReport(BaseModel):
    version: str
    acknowledged: int
    active_volunteers: int
    outstanding_member_ids: list[uuid.UUID]


# --- Reporting -----------------------------------------------------------------------
