"""SQLAlchemy models of the events service: an event and the people registered for it."""

import datetime
import enum
from typing import List, Optional
import uuid

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin


class EventKind(str, enum.Enum):
    OPEN_DAY = 'open_day'
    WORK_PARTY = 'work_party'
    SHOW = 'show'
    MEETING = 'meeting'


class EventStatus(str, enum.Enum):
    DRAFT = 'draft'
    PUBLISHED = 'published'
    CANCELLED = 'cancelled'


class Event(TimestampMixin, Base):
    __tablename__ = 'events_events'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    kind: Mapped[EventKind] = mapped_column(
        Enum(EventKind, name='events_event_kind'), default=EventKind.OPEN_DAY, nullable=False
    )
    status: Mapped[EventStatus] = mapped_column(
        Enum(EventStatus, name='events_event_status'), default=EventStatus.DRAFT, nullable=False
    )
    description: Mapped[Optional[str]] = mapped_column(Text)
    location: Mapped[Optional[str]] = mapped_column(String(160))
    starts_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ends_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[Optional[int]] = mapped_column(Integer)

    registrations: Mapped[List['Registration']] = relationship(
        back_populates='event', order_by='Registration.created_at', cascade='all, delete-orphan'
    )

    def taken_places(self) -> int:
        return sum(1 + r.guests for r in self.registrations)

    def remaining_places(self) -> Optional[int]:
        if self.capacity is None:
            return None
        return max(self.capacity - self.taken_places(), 0)


class Registration(TimestampMixin, Base):
    __tablename__ = 'events_registrations'
    __table_args__ = (
        UniqueConstraint('event_id', 'attendee_email', name='uq_events_registrations_attendee'),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('events_events.id', ondelete='CASCADE'), nullable=False, index=True
    )
    attendee_name: Mapped[str] = mapped_column(String(120), nullable=False)
    attendee_email: Mapped[str] = mapped_column(String(200), nullable=False)
    guests: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    event: Mapped['Event'] = relationship(back_populates='registrations')
