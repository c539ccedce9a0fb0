"""Volunteer service models: opportunities, shifts, sign-ups, hours, challenges, handbook."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id


class OpportunityCategory(str, enum.Enum):
    GALA_OFFICIATING = "gala_officiating"
    POOLSIDE_HELPER = "poolside_helper"
    EVENTS = "events"
    FUNDRAISING = "fundraising"
    TRANSPORT = "transport"
    ADMIN = "admin"
    MAINTENANCE = "maintenance"


class OpportunityStatus(str, enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ShiftStatus(str, enum.Enum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class SignupStatus(str, enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class HoursStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class HoursSource(str, enum.Enum):
    SHIFT = "shift"
    MANUAL = "manual"


class ChallengeStatus(str, enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    ARCHIVED = "archived"


class ChallengeMetric(str, enum.Enum):
    HOURS = "hours"
    SHIFTS = "shifts"


class BadgeTier(str, enum.Enum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class HandbookStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))


class VolunteerOpportunity(TimestampMixin, Base):
    __tablename__ = "volunteer_opportunities"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[OpportunityCategory] = mapped_column(
        Enum(OpportunityCategory, name="opportunity_category"), nullable=False, index=True
    )
    status: Mapped[OpportunityStatus] = mapped_column(
        Enum(OpportunityStatus, name="opportunity_status"),
        nullable=False,
        default=OpportunityStatus.DRAFT,
        index=True,
    )
    location: Mapped[str | None] = mapped_column(String(255))
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    required_skills: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    min_age: Mapped[int | None] = mapped_column(Integer)
    requires_safeguarding: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    coordinator: Mapped["MemberRef | None"] = relationship(foreign_keys=[coordinator_id])
    shifts: Mapped[list["VolunteerShift"]] = relationship(
        back_populates="opportunity",
        cascade="all, delete-orphan",
        order_by="VolunteerShift.starts_at",
    )
    status_changes: Mapped[list["OpportunityStatusChange"]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan"
    )


class OpportunityStatusChange(Base):
    """Audit trail of an opportunity's status transitions."""

    __tablename__ = "volunteer_opportunity_status_changes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    opportunity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_opportunities.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status: Mapped[OpportunityStatus] = mapped_column(
        Enum(OpportunityStatus, name="opportunity_status"), nullable=False
    )
    to_status: Mapped[OpportunityStatus] = mapped_column(
        Enum(OpportunityStatus, name="opportunity_status"), nullable=False
    )
    changed_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    opportunity: Mapped["VolunteerOpportunity"] = relationship(back_populates="status_changes")


class VolunteerShift(TimestampMixin, Base):
    __tablename__ = "volunteer_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="shift_ends_after_start"),
        CheckConstraint("capacity > 0", name="shift_capacity_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    opportunity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_opportunities.id", ondelete="CASCADE"), nullable=False, index=True
    )
    label: Mapped[str | None] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status: Mapped[ShiftStatus] = mapped_column(
        Enum(ShiftStatus, name="shift_status"), nullable=False, default=ShiftStatus.SCHEDULED
    )
    notes: Mapped[str | None] = mapped_column(Text)

    opportunity: Mapped["VolunteerOpportunity"] = relationship(back_populates="shifts")
    signups: Mapped[list["VolunteerSignup"]] = relationship(
        back_populates="shift", cascade="all, delete-orphan"
    )


class VolunteerSignup(TimestampMixin, Base):
    __tablename__ = "volunteer_shift_signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "member_id", name="uq_volunteer_shift_signups_shift_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shift_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_shifts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    status: Mapped[SignupStatus] = mapped_column(
        Enum(SignupStatus, name="signup_status"), nullable=False, default=SignupStatus.CONFIRMED
    )
    note: Mapped[str | None] = mapped_column(String(500))
    waitlisted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    shift: Mapped["VolunteerShift"] = relationship(back_populates="signups")


class HoursLog(TimestampMixin, Base):
    __tablename__ = "volunteer_hour_logs"
    __table_args__ = (CheckConstraint("hours > 0 AND hours <= 24", name="hours_in_range"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    opportunity_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("volunteer_opportunities.id", ondelete="SET NULL"), index=True
    )
    signup_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("volunteer_shift_signups.id", ondelete="SET NULL"), unique=True
    )
    category: Mapped[OpportunityCategory] = mapped_column(
        Enum(OpportunityCategory, name="opportunity_category"), nullable=False
    )
    worked_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    description: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[HoursSource] = mapped_column(
        Enum(HoursSource, name="hours_source"), nullable=False, default=HoursSource.MANUAL
    )
    status: Mapped[HoursStatus] = mapped_column(
        Enum(HoursStatus, name="hours_status"), nullable=False, default=HoursStatus.PENDING
    )
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(String(500))

    opportunity: Mapped["VolunteerOpportunity | None"] = relationship()


class VolunteerChallenge(TimestampMixin, Base):
    __tablename__ = "volunteer_challenges"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ChallengeStatus] = mapped_column(
        Enum(ChallengeStatus, name="challenge_status"),
        nullable=False,
        default=ChallengeStatus.DRAFT,
    )
    metric: Mapped[ChallengeMetric] = mapped_column(
        Enum(ChallengeMetric, name="challenge_metric"),
        nullable=False,
        default=ChallengeMetric.HOURS,
    )
    target: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    category: Mapped[OpportunityCategory | None] = mapped_column(
        Enum(OpportunityCategory, name="opportunity_category")
    )
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    badge_name: Mapped[str] = mapped_column(String(100), nullable=False)
    badge_tier: Mapped[BadgeTier] = mapped_column(
        Enum(BadgeTier, name="badge_tier"), nullable=False, default=BadgeTier.BRONZE
    )

    participants: Mapped[list["ChallengeParticipant"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan"
    )


class ChallengeParticipant(Base):
    __tablename__ = "volunteer_challenge_participants"
    __table_args__ = (
        UniqueConstraint(
            "challenge_id", "member_id", name="uq_volunteer_challenge_participants_member"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    challenge_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_challenges.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    progress: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False, default=Decimal(0))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    challenge: Mapped["VolunteerChallenge"] = relationship(back_populates="participants")


class VolunteerBadge(Base):
    __tablename__ = "volunteer_badge_awards"
    __table_args__ = (
        UniqueConstraint("member_id", "challenge_id", name="uq_volunteer_badge_awards_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    challenge_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("volunteer_challenges.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    tier: Mapped[BadgeTier] = mapped_column(Enum(BadgeTier, name="badge_tier"), nullable=False)
    awarded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class HandbookVersion(TimestampMixin, Base):
    __tablename__ = "volunteer_handbook_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    version: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    summary_of_changes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[HandbookStatus] = mapped_column(
        Enum(HandbookStatus, name="handbook_status"),
        nullable=False,
        default=HandbookStatus.DRAFT,
    )
    requires_acknowledgement: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))

    acknowledgements: Mapped[list["HandbookAcknowledgement"]] = relationship(
        back_populates="handbook_version", cascade="all, delete-orphan"
    )


class HandbookAcknowledgement(Base):
    __tablename__ = "volunteer_handbook_acknowledgements"
    __table_args__ = (
        UniqueConstraint(
            "handbook_version_id", "member_id", name="uq_volunteer_handbook_ack_member"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    handbook_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_handbook_versions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    handbook_version: Mapped["HandbookVersion"] = relationship(back_populates="acknowledgements")
