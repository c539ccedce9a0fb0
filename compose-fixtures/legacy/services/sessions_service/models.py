"""SQLAlchemy models of the sessions service.

Work parties (hedge laying, path clearing, the spring clean) are run as sessions. Regular
ones come from a template (weekday, start time, length); members book a place on each.
"""

import datetime
import enum
from typing import List, Optional
import uuid

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow


class SessionStatus(str, enum.Enum):
    SCHEDULED = 'scheduled'
    CANCELLED = 'cancelled'
    COMPLETED = 'completed'


class BookingStatus(str, enum.Enum):
    BOOKED = 'booked'
    CANCELLED = 'cancelled'


# --- Templates -----------------------------------------------------------------------
class SessionTemplate(TimestampMixin, Base):
    __tablename__ = 'sessions_templates'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)  # Monday is 0
    start_time: Mapped[datetime.time] = mapped_column(Time, nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, default=12, nullable=False)
    location: Mapped[Optional[str]] = mapped_column(String(120))

    sessions: Mapped[List['WorkSession']] = relationship(back_populates='template')


# --- Sessions ------------------------------------------------------------------------
class WorkSession(TimestampMixin, Base):
    __tablename__ = 'sessions_sessions'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    template_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('sessions_templates.id', ondelete='SET NULL'), index=True
    )
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    starts_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, default=12, nullable=False)
    location: Mapped[Optional[str]] = mapped_column(String(120))
    leader_name: Mapped[Optional[str]] = mapped_column(String(120))
    status: Mapped[SessionStatus] = mapped_column(
        Enum(SessionStatus, name='sessions_session_status'), default=SessionStatus.SCHEDULED,
        nullable=False)

    template: Mapped[Optional['SessionTemplate']] = relationship(back_populates='sessions')
    bookings: Mapped[List['SessionBooking']] = relationship(
        back_populates='session', order_by='SessionBooking.created_at',
        cascade='all, delete-orphan'
    )

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    def active_bookings(self) -> List['SessionBooking']:
        return [b for b in self.bookings if b.status == BookingStatus.BOOKED]

    def places_left(self) -> int:
        return max(self.capacity - len(self.active_bookings()), 0)


# --- Bookings ------------------------------------------------------------------------
class SessionBooking(TimestampMixin, Base):
    __tablename__ = 'sessions_bookings'
    __table_args__ = (
        UniqueConstraint('session_id', 'member_id', name='uq_sessions_bookings_member'),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('sessions_sessions.id', ondelete='CASCADE'), nullable=False, index=True
    )
    # Members live in the members service; the name is copied for the roster sheet.
    member_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    member_name: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[BookingStatus] = mapped_column(
        Enum(BookingStatus, name='sessions_booking_status'), default=BookingStatus.BOOKED,
        nullable=False)
    checked_in_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    session: Mapped['WorkSession'] = relationship(back_populates='bookings')

    def check_in(self) -> None:
        if self.checked_in_at is None:
            self.checked_in_at = utcnow()
        return None
