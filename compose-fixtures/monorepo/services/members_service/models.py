"""Members service models.

This service owns the ``members`` table. Other services map a read-only ``MemberRef``
stub onto it (id, first_name, last_name, email), so those four columns must keep their
names and types.
"""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id

# --- Enums -------------------------------------------------------------------------


class MemberStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LAPSED = "lapsed"
    ARCHIVED = "archived"


class MembershipTier(str, enum.Enum):
    COMMUNITY = "community"
    CLUB = "club"
    ACADEMY = "academy"


class SwimLevel(str, enum.Enum):
    NON_SWIMMER = "non_swimmer"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    COMPETITIVE = "competitive"


class Gender(str, enum.Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class ContactRelation(str, enum.Enum):
    PARENT = "parent"
    GUARDIAN = "guardian"
    SPOUSE = "spouse"
    SIBLING = "sibling"
    FRIEND = "friend"
    OTHER = "other"


class MembershipPeriodStatus(str, enum.Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class CoachStatus(str, enum.Enum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    INACTIVE = "inactive"


class CoachGrade(str, enum.Enum):
    """Grade a coach is cleared to teach at; set by the coaching lead after review."""

    ASSISTANT = "assistant"
    GRADE_1 = "grade_1"
    GRADE_2 = "grade_2"
    GRADE_3 = "grade_3"
    HEAD_COACH = "head_coach"


class CertificationType(str, enum.Enum):
    LIFEGUARD = "lifeguard"
    FIRST_AID = "first_aid"
    CPR = "cpr"
    SWIM_TEACHING = "swim_teaching"
    SAFEGUARDING = "safeguarding"


class AgreementStatus(str, enum.Enum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


class PayoutStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    PAID = "paid"
    CANCELLED = "cancelled"


class VolunteerHoursStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# --- Members -----------------------------------------------------------------------


class Member(TimestampMixin, Base):
    __tablename__ = "members"
    __table_args__ = (Index("ix_members_last_first", "last_name", "first_name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    auth_id: Mapped[uuid.UUID] = mapped_column(unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    email: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    phone: Mapped[Optional[str]] = mapped_column(String(32))
    date_of_birth: Mapped[Optional[date]] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(
        Enum(Gender, name="member_gender"), nullable=False, default=Gender.UNDISCLOSED
    )
    city: Mapped[Optional[str]] = mapped_column(String(100))
    bio: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[MemberStatus] = mapped_column(
        Enum(MemberStatus, name="member_status"),
        nullable=False,
        default=MemberStatus.PENDING,
        index=True,
    )
    membership_tier: Mapped[MembershipTier] = mapped_column(
        Enum(MembershipTier, name="membership_tier"),
        nullable=False,
        default=MembershipTier.COMMUNITY,
    )
    swim_level: Mapped[SwimLevel] = mapped_column(
        Enum(SwimLevel, name="swim_level"), nullable=False, default=SwimLevel.BEGINNER
    )
    membership_number: Mapped[Optional[str]] = mapped_column(String(20), unique=True)
    referral_code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    referred_by_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    show_in_directory: Mapped[bool] = mapped_column(default=False, nullable=False)
    approved_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[Optional[uuid.UUID]] = mapped_column()
    status_reason: Mapped[Optional[str]] = mapped_column(String(500))
    archived_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    referred_by: Mapped[Optional["Member"]] = relationship(
        remote_side=[id], back_populates="referrals"
    )
    referrals: Mapped[list["Member"]] = relationship(back_populates="referred_by")
    emergency_contacts: Mapped[list["EmergencyContact"]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="EmergencyContact.name"
    )
    membership_periods: Mapped[list["MembershipPeriod"]] = relationship(
        back_populates="member",
        cascade="all, delete-orphan",
        order_by="MembershipPeriod.starts_on.desc()",
    )
    notes: Mapped[list["MemberNote"]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )
    coach_profile: Mapped[Optional["CoachProfile"]] = relationship(back_populates="member")
    volunteer_interests: Mapped[list["MemberVolunteerInterest"]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class EmergencyContact(TimestampMixin, Base):
    __tablename__ = "member_emergency_contacts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    relation: Mapped[ContactRelation] = mapped_column(
        Enum(ContactRelation, name="contact_relation"), nullable=False
    )
    phone: Mapped[str] = mapped_column(String(32), nullable=False)
    email: Mapped[Optional[str]] = mapped_column(String(255))
    is_primary: Mapped[bool] = mapped_column(default=False, nullable=False)

    member: Mapped["Member"] = relationship(back_populates="emergency_contacts")


class MembershipPeriod(TimestampMixin, Base):
    """One paid (or complimentary) stretch of membership at a given tier."""

    __tablename__ = "member_membership_periods"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_order"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True
    )
    tier: Mapped[MembershipTier] = mapped_column(
        Enum(MembershipTier, name="membership_tier"), nullable=False
    )
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[MembershipPeriodStatus] = mapped_column(
        Enum(MembershipPeriodStatus, name="membership_period_status"),
        nullable=False,
        default=MembershipPeriodStatus.ACTIVE,
    )
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=0)
    payment_reference: Mapped[Optional[str]] = mapped_column(String(100))

    member: Mapped["Member"] = relationship(back_populates="membership_periods")


class MemberNote(TimestampMixin, Base):
    """Internal note on a member, visible to admins only."""

    __tablename__ = "member_admin_notes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    is_pinned: Mapped[bool] = mapped_column(default=False, nullable=False)

    member: Mapped["Member"] = relationship(back_populates="notes")


# --- Coaches -----------------------------------------------------------------------


class CoachProfile(TimestampMixin, Base):
    __tablename__ = "coach_profiles"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    status: Mapped[CoachStatus] = mapped_column(
        Enum(CoachStatus, name="coach_status"), nullable=False, default=CoachStatus.APPLIED
    )
    grade: Mapped[Optional[CoachGrade]] = mapped_column(Enum(CoachGrade, name="coach_grade"))
    headline: Mapped[Optional[str]] = mapped_column(String(200))
    bio: Mapped[Optional[str]] = mapped_column(Text)
    years_experience: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    specialties: Mapped[list[str]] = mapped_column(ARRAY(String(50)), nullable=False, default=list)
    hourly_rate: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="NGN")
    is_accepting_students: Mapped[bool] = mapped_column(default=True, nullable=False)
    bank_name: Mapped[Optional[str]] = mapped_column(String(100))
    account_number: Mapped[Optional[str]] = mapped_column(String(20))
    account_name: Mapped[Optional[str]] = mapped_column(String(200))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[Optional[uuid.UUID]] = mapped_column()
    review_note: Mapped[Optional[str]] = mapped_column(String(1000))

    member: Mapped["Member"] = relationship(
        foreign_keys=[member_id], back_populates="coach_profile"
    )
    certifications: Mapped[list["CoachCertification"]] = relationship(
        back_populates="coach", cascade="all, delete-orphan"
    )
    agreements: Mapped[list["CoachAgreement"]] = relationship(
        back_populates="coach", cascade="all, delete-orphan", order_by="CoachAgreement.signed_at"
    )
    payouts: Mapped[list["CoachPayout"]] = relationship(
        back_populates="coach", cascade="all, delete-orphan"
    )

    @property
    def has_payout_details(self) -> bool:
        return bool(self.bank_name and self.account_number and self.account_name)


class CoachCertification(TimestampMixin, Base):
    __tablename__ = "coach_certifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    coach_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("coach_profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    cert_type: Mapped[CertificationType] = mapped_column(
        Enum(CertificationType, name="certification_type"), nullable=False
    )
    issuer: Mapped[str] = mapped_column(String(200), nullable=False)
    reference: Mapped[Optional[str]] = mapped_column(String(100))
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    expires_on: Mapped[Optional[date]] = mapped_column(Date)
    verified_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    verified_by: Mapped[Optional[uuid.UUID]] = mapped_column()

    coach: Mapped["CoachProfile"] = relationship(back_populates="certifications")


class CoachAgreementVersion(TimestampMixin, Base):
    """A published revision of the coaching agreement text; one is current at a time."""

    __tablename__ = "coach_agreement_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    version: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    is_current: Mapped[bool] = mapped_column(default=False, nullable=False)
    created_by: Mapped[uuid.UUID] = mapped_column(nullable=False)

    signatures: Mapped[list["CoachAgreement"]] = relationship(back_populates="version")


class CoachAgreement(TimestampMixin, Base):
    """A coach's signature on one agreement version."""

    __tablename__ = "coach_agreements"
    __table_args__ = (
        UniqueConstraint("coach_id", "version_id", name="uq_coach_agreements_coach_version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    coach_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("coach_profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("coach_agreement_versions.id", ondelete="RESTRICT"), nullable=False
    )
    status: Mapped[AgreementStatus] = mapped_column(
        Enum(AgreementStatus, name="agreement_status"),
        nullable=False,
        default=AgreementStatus.ACTIVE,
    )
    signature_name: Mapped[str] = mapped_column(String(200), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    revoke_reason: Mapped[Optional[str]] = mapped_column(String(500))

    coach: Mapped["CoachProfile"] = relationship(back_populates="agreements")
    version: Mapped["CoachAgreementVersion"] = relationship(back_populates="signatures")


class CoachPayout(TimestampMixin, Base):
    __tablename__ = "coach_payouts"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    coach_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("coach_profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    sessions_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="NGN")
    status: Mapped[PayoutStatus] = mapped_column(
        Enum(PayoutStatus, name="payout_status"), nullable=False, default=PayoutStatus.PENDING
    )
    reference: Mapped[Optional[str]] = mapped_column(String(100), unique=True)
    note: Mapped[Optional[str]] = mapped_column(String(500))
    approved_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[Optional[uuid.UUID]] = mapped_column()
    paid_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    coach: Mapped["CoachProfile"] = relationship(back_populates="payouts")


# --- Volunteering ------------------------------------------------------------------


class VolunteerRole(TimestampMixin, Base):
    """A job members can help with at sessions and galas (timekeeper, lane marshal...)."""

    __tablename__ = "member_volunteer_roles"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    min_age: Mapped[Optional[int]] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)

    interests: Mapped[list["MemberVolunteerInterest"]] = relationship(
        back_populates="role", cascade="all, delete-orphan"
    )


class MemberVolunteerInterest(TimestampMixin, Base):
    __tablename__ = "member_volunteer_interests"
    __table_args__ = (
        UniqueConstraint("member_id", "role_id", name="uq_member_volunteer_interests_pair"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("member_volunteer_roles.id", ondelete="CASCADE"), nullable=False
    )

    member: Mapped["Member"] = relationship(back_populates="volunteer_interests")
    role: Mapped["VolunteerRole"] = relationship(back_populates="interests")


class VolunteerHoursLog(TimestampMixin, Base):
    __tablename__ = "member_volunteer_hours"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey("member_volunteer_roles.id", ondelete="SET NULL")
    )
    worked_on: Mapped[date] = mapped_column(Date, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(String(500))
    status: Mapped[VolunteerHoursStatus] = mapped_column(
        Enum(VolunteerHoursStatus, name="volunteer_hours_status"),
        nullable=False,
        default=VolunteerHoursStatus.PENDING,
    )
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[Optional[uuid.UUID]] = mapped_column()

    member: Mapped["Member"] = relationship()
    role: Mapped[Optional["VolunteerRole"]] = relationship()
