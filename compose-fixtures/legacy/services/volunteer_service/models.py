"""SQLAlchemy models of the volunteer service.

The committee defines volunteer roles (gate duty, compost turning, shop counter), posts
opportunities for them, and members sign up. Hours worked are logged and approved.
"""

import datetime
from decimal import Decimal
import enum
from typing import List, Optional
import uuid

from sqlalchemy import (
    Boolean,
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

from shared.database import Base, TimestampMixin, utcnow


class OpportunityStatus(str, enum.Enum):
    OPEN = 'open'
    FILLED = 'filled'
    CANCELLED = 'cancelled'


class SignupStatus(str, enum.Enum):
    CONFIRMED = 'confirmed'
    WAITLISTED = 'waitlisted'
    CANCELLED = 'cancelled'


# --- Roles ---------------------------------------------------------------------------
class VolunteerRole(TimestampMixin, Base):
    __tablename__ = 'volunteer_roles'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    needs_induction: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    opportunities: Mapped[List['Opportunity']] = relationship(back_populates='role')


# --- Volunteers ----------------------------------------------------------------------
class Volunteer(TimestampMixin, Base):
    __tablename__ = 'volunteer_volunteers'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # The member lives in the members service; only its id is kept here.
    member_id: Mapped[Optional[uuid.UUID]] = mapped_column(unique=True)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    inducted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    signups: Mapped[List['Signup']] = relationship(back_populates='volunteer')
    hours: Mapped[List['HoursLog']] = relationship(
        back_populates='volunteer', order_by='HoursLog.worked_on'
    )


# --- Opportunities -------------------------------------------------------------------
class Opportunity(TimestampMixin, Base):
    __tablename__ = 'volunteer_opportunities'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    role_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('volunteer_roles.id', ondelete='CASCADE'), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    starts_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal('2'), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, default=4, nullable=False)
    status: Mapped[OpportunityStatus] = mapped_column(
        Enum(OpportunityStatus, name='volunteer_opportunity_status'),
        default=OpportunityStatus.OPEN, nullable=False,
    )

    role: Mapped['VolunteerRole'] = relationship(back_populates='opportunities')
    signups: Mapped[List['Signup']] = relationship(
        back_populates='opportunity', order_by='Signup.created_at', cascade='all, delete-orphan'
    )

    def confirmed_count(self) -> int:
        return len([s for s in self.signups if s.status == SignupStatus.CONFIRMED])


class Signup(TimestampMixin, Base):
    __tablename__ = 'volunteer_signups'
    __table_args__ = (
        UniqueConstraint('opportunity_id', 'volunteer_id', name='uq_volunteer_signups_pair'),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    opportunity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('volunteer_opportunities.id', ondelete='CASCADE'), nullable=False, index=True
    )
    volunteer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('volunteer_volunteers.id', ondelete='CASCADE'), nullable=False, index=True
    )
    status: Mapped[SignupStatus] = mapped_column(
        Enum(SignupStatus, name='volunteer_signup_status'), default=SignupStatus.CONFIRMED,
        nullable=False)
    cancelled_at: Mapped[Optional[datetime.datetime]] = mapped_column(DateTime(timezone=True))

    opportunity: Mapped['Opportunity'] = relationship(back_populates='signups')
    volunteer: Mapped['Volunteer'] = relationship(back_populates='signups')

    def cancel(self) -> None:
        self.status = SignupStatus.CANCELLED
        self.cancelled_at = utcnow()
        return None


# --- Hours ---------------------------------------------------------------------------
class HoursLog(TimestampMixin, Base):
    __tablename__ = 'volunteer_hours'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('volunteer_volunteers.id', ondelete='CASCADE'), nullable=False, index=True
    )
    opportunity_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('volunteer_opportunities.id', ondelete='SET NULL')
    )
    worked_on: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    note: Mapped[Optional[str]] = mapped_column(String(200))
    approved: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    approved_by: Mapped[Optional[str]] = mapped_column(String(120))

    volunteer: Mapped['Volunteer'] = relationship(back_populates='hours')
