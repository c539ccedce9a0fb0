"""Member request and response schemas."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.members_service.models import (
    ContactRelation,
    Gender,
    MembershipPeriodStatus,
    MembershipTier,
    MemberStatus,
    SwimLevel,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9]{7,15}$")
MIN_MEMBER_AGE = 5

T = TypeVar("T")


def _normalise_email(value: str) -> str:
    value = value.strip().lower()
    if not EMAIL_RE.match(value):
        raise ValueError("not a valid email address")
    return value


def _normalise_phone(value: str | None) -> str | None:
    if value is None:
        return None
    digits = re.sub(r"[\s\-()]", "", value)
    if not PHONE_RE.match(digits):
        raise ValueError("phone must be 7-15 digits, optionally starting with +")
    return digits


class ORMModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size


# --- Emergency contacts ------------------------------------------------------------


class EmergencyContactBase(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    relation: ContactRelation
    phone: str
    email: str | None = None
    is_primary: bool = False

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _normalise_phone(value)  # type: ignore[return-value]

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else _normalise_email(value)


class EmergencyContactCreate(EmergencyContactBase):
    pass


class EmergencyContactUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    relation: ContactRelation | None = None
    phone: str | None = None
    email: str | None = None
    is_primary: bool | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _normalise_phone(value)


class EmergencyContactResponse(EmergencyContactBase, ORMModel):
    id: uuid.UUID


# --- Registration ------------------------------------------------------------------


class MemberBase(BaseModel):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    phone: str | None = None
    date_of_birth: date | None = None
    gender: Gender = Gender.UNDISCLOSED
    city: str | None = Field(default=None, max_length=100)
    swim_level: SwimLevel = SwimLevel.BEGINNER

    @field_validator("first_name", "last_name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("name must not be blank")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _normalise_phone(value)

    @field_validator("date_of_birth")
    @classmethod
    def _plausible_birth_date(cls, value: date | None) -> date | None:
        if value is None:
            return None
        today = date.today()
        if value >= today:
            raise ValueError("date of birth must be in the past")
        age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
        if age < MIN_MEMBER_AGE:
            raise ValueError(f"members must be at least {MIN_MEMBER_AGE} years old")
        return value


class RegistrationRequest(MemberBase):
    email: str
    referral_code: str | None = Field(default=None, max_length=12)
    accept_terms: bool
    emergency_contact: EmergencyContactCreate | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _normalise_email(value)

    @field_validator("referral_code")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        return value.strip().upper() or None if value else None

    @model_validator(mode="after")
    def _terms_accepted(self) -> RegistrationRequest:
        if not self.accept_terms:
            raise ValueError("the club terms must be accepted to register")
        return self


class EmailAvailability(BaseModel):
    email: str
    available: bool


class ReferralCodeCheck(BaseModel):
    code: str
    valid: bool
    referrer_name: str | None = None


# --- Member views ------------------------------------------------------------------


class MemberResponse(MemberBase, ORMModel):
    id: uuid.UUID
    email: str
    bio: str | None
    status: MemberStatus
    membership_tier: MembershipTier
    membership_number: str | None
    referral_code: str
    show_in_directory: bool
    approved_at: datetime | None
    created_at: datetime


class RegistrationResponse(BaseModel):
    member: MemberResponse
    next_steps: list[str]


class MemberSelfUpdate(BaseModel):
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = None
    city: str | None = Field(default=None, max_length=100)
    bio: str | None = Field(default=None, max_length=2000)
    swim_level: SwimLevel | None = None
    show_in_directory: bool | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _normalise_phone(value)


class MemberPublic(ORMModel):
    """What other members see in the directory: no contact details."""

    id: uuid.UUID
    first_name: str
    last_name: str
    city: str | None
    swim_level: SwimLevel
    bio: str | None
    membership_tier: MembershipTier


class MemberListItem(ORMModel):
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    status: MemberStatus
    membership_tier: MembershipTier
    membership_number: str | None
    created_at: datetime


class ReferralEntry(ORMModel):
    id: uuid.UUID
    first_name: str
    last_name: str
    status: MemberStatus
    created_at: datetime


class MemberStats(BaseModel):
    total: int
    by_status: dict[str, int]
    by_tier: dict[str, int]
    by_swim_level: dict[str, int]
    joined_last_30_days: int
    coaches: dict[str, int]


# --- Admin -------------------------------------------------------------------------


class AdminMemberUpdate(BaseModel):
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    email: str | None = None
    phone: str | None = None
    city: str | None = None
    swim_level: SwimLevel | None = None
    membership_tier: MembershipTier | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else _normalise_email(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return _normalise_phone(value)


class StatusChangeRequest(BaseModel):
    status: MemberStatus
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _reason_for_suspension(self) -> StatusChangeRequest:
        if self.status is MemberStatus.SUSPENDED and not self.reason:
            raise ValueError("a reason is required to suspend a member")
        return self


class MemberNoteCreate(BaseModel):
    body: str = Field(min_length=1, max_length=5000)
    is_pinned: bool = False


class MemberNoteResponse(ORMModel):
    id: uuid.UUID
    author_id: uuid.UUID
    body: str
    is_pinned: bool
    created_at: datetime


class MembershipPeriodCreate(BaseModel):
    tier: MembershipTier
    starts_on: date
    ends_on: date
    amount_paid: Decimal = Field(default=Decimal("0"), ge=0, max_digits=10, decimal_places=2)
    payment_reference: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _period_order(self) -> MembershipPeriodCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        if (self.ends_on - self.starts_on).days > 366:
            raise ValueError("a membership period covers at most one year")
        return self


class MembershipPeriodResponse(ORMModel):
    id: uuid.UUID
    tier: MembershipTier
    starts_on: date
    ends_on: date
    status: MembershipPeriodStatus
    amount_paid: Decimal
    payment_reference: str | None


class AdminMemberDetail(MemberResponse):
    status_reason: str | None
    referred_by_id: uuid.UUID | None
    emergency_contacts: list[EmergencyContactResponse]
    membership_periods: list[MembershipPeriodResponse]
    notes: list[MemberNoteResponse]


class ExpiryResult(BaseModel):
    periods_expired: int
    members_lapsed: int


# --- Internal (service-to-service) -------------------------------------------------


class MemberSummary(ORMModel):
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    status: MemberStatus
    membership_tier: MembershipTier
    swim_level: SwimLevel

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class BulkSummaryRequest(BaseModel):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=200)


class CoachSummary(BaseModel):
    member_id: uuid.UUID
    coach_profile_id: uuid.UUID
    status: str
    grade: str | None
    is_accepting_students: bool
