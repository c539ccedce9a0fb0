"""Schemas for coach profiles, certifications, agreements and payouts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.members_service.models import (
    AgreementStatus,
    CertificationType,
    CoachGrade,
    CoachStatus,
    PayoutStatus,
)

MAX_SPECIALTIES = 8


class _ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- Profiles ----------------------------------------------------------------------


class CoachApplication(BaseModel):
    headline: str = Field(min_length=5, max_length=200)
    bio: str = Field(min_length=20, max_length=4000)
    years_experience: int = Field(ge=0, le=60)
    specialties: list[str] = Field(default_factory=list, max_length=MAX_SPECIALTIES)
    hourly_rate: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=2)

    @field_validator("specialties")
    @classmethod
    def _clean_specialties(cls, value: list[str]) -> list[str]:
        seen: list[str] = []
        for item in value:
            item = item.strip().lower()
            if item and item not in seen:
                seen.append(item)
        return seen


class CoachProfileUpdate(BaseModel):
    headline: str | None = Field(default=None, min_length=5, max_length=200)
    bio: str | None = Field(default=None, max_length=4000)
    years_experience: int | None = Field(default=None, ge=0, le=60)
    specialties: list[str] | None = Field(default=None, max_length=MAX_SPECIALTIES)
    is_accepting_students: bool | None = None


class BankDetailsUpdate(BaseModel):
    bank_name: str = Field(min_length=2, max_length=100)
    account_number: str
    account_name: str = Field(min_length=2, max_length=200)

    @field_validator("account_number")
    @classmethod
    def _nuban(cls, value: str) -> str:
        value = value.replace(" ", "")
        if not (value.isdigit() and len(value) == 10):
            raise ValueError("account number must be 10 digits")
        return value


class CoachReviewRequest(BaseModel):
    decision: Literal["approve", "reject"]
    grade: CoachGrade | None = None
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _grade_on_approval(self) -> CoachReviewRequest:
        if self.decision == "approve" and self.grade is None:
            raise ValueError("a grade is required to approve a coach")
        if self.decision == "reject" and not self.note:
            raise ValueError("a note is required to reject an application")
        return self


class CoachGradeUpdate(BaseModel):
    grade: CoachGrade
    note: str | None = Field(default=None, max_length=1000)


class CoachStatusNote(BaseModel):
    note: str = Field(min_length=3, max_length=1000)


class CoachProfileResponse(_ORM):
    id: uuid.UUID
    member_id: uuid.UUID
    status: CoachStatus
    grade: CoachGrade | None
    headline: str | None
    bio: str | None
    years_experience: int
    specialties: list[str]
    hourly_rate: Decimal | None
    currency: str
    is_accepting_students: bool
    has_payout_details: bool
    applied_at: datetime
    reviewed_at: datetime | None
    review_note: str | None


class CoachDirectoryEntry(BaseModel):
    id: uuid.UUID
    first_name: str
    last_name: str
    headline: str | None
    grade: CoachGrade | None
    specialties: list[str]
    years_experience: int


class GradeCount(BaseModel):
    grade: CoachGrade
    coaches: int


# --- Certifications ----------------------------------------------------------------


class CertificationCreate(BaseModel):
    cert_type: CertificationType
    issuer: str = Field(min_length=2, max_length=200)
    reference: str | None = Field(default=None, max_length=100)
    issued_on: date
    expires_on: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> CertificationCreate:
        if self.issued_on > date.today():
            raise ValueError("issued_on cannot be in the future")
        if self.expires_on is not None and self.expires_on <= self.issued_on:
            raise ValueError("expires_on must be after issued_on")
        return self


class CertificationResponse(_ORM):
    id: uuid.UUID
    cert_type: CertificationType
    issuer: str
    reference: str | None
    issued_on: date
    expires_on: date | None
    verified_at: datetime | None


# --- Agreements --------------------------------------------------------------------


class AgreementVersionCreate(BaseModel):
    version: str = Field(pattern=r"^\d+\.\d+$")
    title: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=50)
    effective_from: date
    make_current: bool = True


class AgreementVersionResponse(_ORM):
    id: uuid.UUID
    version: str
    title: str
    body: str
    effective_from: date
    is_current: bool


class AgreementSignRequest(BaseModel):
    version_id: uuid.UUID
    signature_name: str = Field(min_length=3, max_length=200)
    agree: bool

    @model_validator(mode="after")
    def _must_agree(self) -> AgreementSignRequest:
        if not self.agree:
            raise ValueError("the agreement must be accepted to sign it")
        return self


class AgreementRevokeRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


class AgreementResponse(_ORM):
    id: uuid.UUID
    coach_id: uuid.UUID
    version_id: uuid.UUID
    status: AgreementStatus
    signature_name: str
    signed_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None


# --- Payouts -----------------------------------------------------------------------


class PayoutCreate(BaseModel):
    period_start: date
    period_end: date
    sessions_count: int = Field(ge=0)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _period(self) -> PayoutCreate:
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        return self


class PayoutMarkPaid(BaseModel):
    reference: str = Field(min_length=4, max_length=100)


class PayoutResponse(_ORM):
    id: uuid.UUID
    coach_id: uuid.UUID
    period_start: date
    period_end: date
    sessions_count: int
    amount: Decimal
    currency: str
    status: PayoutStatus
    reference: str | None
    note: str | None
    approved_at: datetime | None
    paid_at: datetime | None


class PayoutTotals(BaseModel):
    status: PayoutStatus
    count: int
    amount: Decimal
