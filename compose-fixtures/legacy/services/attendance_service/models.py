"""Models of the attendance service: where members work, and when they signed in and out.

Every member owes the society twelve work-party hours a season; the sign-in sheet is
the only record of them.
"""

import datetime
import enum
from typing import List, Optional
import uuid

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow

SEASON_HOURS_OWED = 12


class Activity(str, enum.Enum):
    WORK_PARTY = 'work_party'
    HUT_DUTY = 'hut_duty'
    COMMITTEE = 'committee'
    OTHER = 'other'


class Location(TimestampMixin, Base):
    __tablename__ = 'attendance_locations'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    site_name: Mapped[Optional[str]] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    records: Mapped[List['AttendanceRecord']] = relationship(back_populates='location')


class AttendanceRecord(TimestampMixin, Base):
    __tablename__ = 'attendance_records'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('attendance_locations.id', ondelete='RESTRICT'), nullable=False, index=True
    )
    member_email: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    activity: Mapped[Activity] = mapped_column(
        Enum(Activity, name='attendance_activity'), default=Activity.WORK_PARTY, nullable=False
    )
    checked_in_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )
    checked_out_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))
    notes: Mapped[Optional[str]] = mapped_column(Text)

    location: Mapped['Location'] = relationship(back_populates='records')

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None

    def hours(self) -> float:
        if self.checked_out_at is None:
            return 0.0
        seconds = (self.checked_out_at - self.checked_in_at).total_seconds()
        return round(max(seconds, 0.0) / 3600.0, 2)
