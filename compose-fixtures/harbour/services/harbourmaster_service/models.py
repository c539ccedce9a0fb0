"""Harbourmaster service models: notices to mariners, vessel movements and incidents."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from libs.db import Base, TimestampMixin, new_id


class NoticeCategory(str, enum.Enum):
    NAVIGATION = "navigation"
    WORKS = "works"
    WEATHER = "weather"
    EVENT = "event"


class MovementKind(str, enum.Enum):
    ARRIVAL = "arrival"
    DEPARTURE = "departure"


class IncidentSeverity(str, enum.Enum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class IncidentStatus(str, enum.Enum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    CLOSED = "closed"


INCIDENT_TRANSITIONS = {
    IncidentStatus.OPEN: {IncidentStatus.INVESTIGATING, IncidentStatus.CLOSED},
    IncidentStatus.INVESTIGATING: {IncidentStatus.CLOSED},
    IncidentStatus.CLOSED: set(),
}


class Notice(TimestampMixin, Base):
    """A notice to mariners, shown on the harbour's noticeboard while it is in force."""

    __tablename__ = "harbour_notices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[NoticeCategory] = mapped_column(
        Enum(NoticeCategory, name="notice_category"), nullable=False
    )
    in_force_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    in_force_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def in_force(self, at: datetime) -> bool:
        if self.withdrawn_at is not None or at < self.in_force_from:
            return False
        return self.in_force_until is None or at < self.in_force_until


class Movement(TimestampMixin, Base):
    """An arrival or departure logged by the harbour office (VHF or the gate)."""

    __tablename__ = "harbour_movements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    vessel_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    vessel_name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[MovementKind] = mapped_column(
        Enum(MovementKind, name="movement_kind"), nullable=False
    )
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, index=True
    )
    berth_code: Mapped[str | None] = mapped_column(String(12))
    persons_on_board: Mapped[int | None] = mapped_column(Integer)
    logged_by: Mapped[uuid.UUID] = mapped_column(nullable=False)


class Incident(TimestampMixin, Base):
    __tablename__ = "harbour_incidents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    severity: Mapped[IncidentSeverity] = mapped_column(
        Enum(IncidentSeverity, name="incident_severity"), nullable=False
    )
    status: Mapped[IncidentStatus] = mapped_column(
        Enum(IncidentStatus, name="incident_status"), nullable=False, default=IncidentStatus.OPEN
    )
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    location: Mapped[str | None] = mapped_column(String(120))
    vessel_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    reported_by: Mapped[uuid.UUID] = mapped_column(nullable=False)
    resolution: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def can_transition_to(self, new_status: IncidentStatus) -> bool:
        return new_status in INCIDENT_TRANSITIONS[self.status]
