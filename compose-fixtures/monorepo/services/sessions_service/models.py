"""Sessions service models: scheduled training sessions, their coaches and bookings, and the
weekly templates the schedule is generated from."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id


class SessionType(str, enum.Enum):
    POOL = "pool"
    DRYLAND = "dryland"
    OPEN_WATER = "open_water"
    ASSESSMENT = "assessment"
    CLUB_SWIM = "club_swim"


class SessionStatus(str, enum.Enum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CoachRole(str, enum.Enum):
    LEAD = "lead"
    ASSISTANT = "assistant"
    SHADOW = "shadow"


class BookingStatus(str, enum.Enum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Weekday(str, enum.Enum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def iso_index(self) -> int:
        """0 for Monday, as ``date.weekday()`` returns it."""
        return list(Weekday).index(self)


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))


class SessionTemplate(TimestampMixin, Base):
    """A weekly slot ("Tuesday 18:00, squad A, main pool") that sessions are generated from."""

    __tablename__ = "training_session_templates"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="positive_duration"),
        CheckConstraint("capacity > 0", name="positive_capacity"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(150), nullable=False)
    session_type: Mapped[SessionType] = mapped_column(
        Enum(SessionType, name="session_type"), nullable=False, default=SessionType.POOL
    )
    weekday: Mapped[Weekday] = mapped_column(Enum(Weekday, name="weekday"), nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=60)
    pool_name: Mapped[str | None] = mapped_column(String(120))
    lanes: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=20)
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    default_coach_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    skips: Mapped[list["SessionTemplateSkip"]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="SessionTemplateSkip.day"
    )
    sessions: Mapped[list["TrainingSession"]] = relationship(back_populates="template")
    default_coach: Mapped["MemberRef | None"] = relationship()


class SessionTemplateSkip(Base):
    """A date on which a template produces no session (bank holiday, pool closure, gala)."""

    __tablename__ = "training_session_template_skips"
    __table_args__ = (
        UniqueConstraint("template_id", "day", name="uq_training_session_template_skips_day"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    template_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_session_templates.id", ondelete="CASCADE"), nullable=False
    )
    day: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(200))

    template: Mapped["SessionTemplate"] = relationship(back_populates="skips")


class TrainingSession(TimestampMixin, Base):
    __tablename__ = "training_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    session_type: Mapped[SessionType] = mapped_column(
        Enum(SessionType, name="session_type"), nullable=False, default=SessionType.POOL
    )
    status: Mapped[SessionStatus] = mapped_column(
        Enum(SessionStatus, name="session_status"),
        nullable=False,
        default=SessionStatus.SCHEDULED,
        index=True,
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    pool_name: Mapped[str | None] = mapped_column(String(120))
    lanes: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=20)
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("training_session_templates.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    cancellation_reason: Mapped[str | None] = mapped_column(String(500))

    template: Mapped["SessionTemplate | None"] = relationship(back_populates="sessions")
    coaches: Mapped[list["SessionCoach"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )
    bookings: Mapped[list["SessionBooking"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_open_for_booking(self) -> bool:
        return self.status is SessionStatus.SCHEDULED


class SessionCoach(Base):
    __tablename__ = "training_session_coaches"
    __table_args__ = (
        UniqueConstraint("session_id", "coach_id", name="uq_training_session_coaches_coach"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    coach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), nullable=False)
    role: Mapped[CoachRole] = mapped_column(
        Enum(CoachRole, name="coach_role"), nullable=False, default=CoachRole.LEAD
    )
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    session: Mapped["TrainingSession"] = relationship(back_populates="coaches")
    coach: Mapped["MemberRef"] = relationship()


class SessionBooking(TimestampMixin, Base):
    __tablename__ = "training_session_bookings"
    __table_args__ = (
        UniqueConstraint("session_id", "member_id", name="uq_training_session_bookings_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    status: Mapped[BookingStatus] = mapped_column(
        Enum(BookingStatus, name="booking_status"), nullable=False, default=BookingStatus.BOOKED
    )
    booked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    session: Mapped["TrainingSession"] = relationship(back_populates="bookings")
