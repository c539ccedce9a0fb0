"""SQLAlchemy models of the members service.

A member joins the society once and renews every season. Some experienced members
are growing coaches: they have a coach profile and, each season, a coach agreement
that fixes the stipend paid per mentoring session.
"""

import datetime
from decimal import Decimal
import enum
from typing import List, Optional
import uuid

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow


# --- Enums --------------------------------------------------------------------------
class MembershipStatus(str, enum.Enum):
    PENDING = 'pending'
    ACTIVE = 'active'
    LAPSED = 'lapsed'
    SUSPENDED = 'suspended'


class MembershipTier(str, enum.Enum):
    STANDARD = 'standard'
    CONCESSION = 'concession'
    FAMILY = 'family'


class AgreementStatus(str, enum.Enum):
    DRAFT = 'draft'
    SIGNED = 'signed'
    ENDED = 'ended'


def _today() -> datetime.date:
    return utcnow().date()


# --- Members ------------------------------------------------------------------------
class Member(TimestampMixin, Base):
    __tablename__ = 'members_members'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    membership_number: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    tier: Mapped[MembershipTier] = mapped_column(
        Enum(MembershipTier, name='members_membership_tier'),
        default=MembershipTier.STANDARD, nullable=False)
    status: Mapped[MembershipStatus] = mapped_column(
        Enum(MembershipStatus, name='members_membership_status'),
        default=MembershipStatus.PENDING,
        nullable=False,
    )
    joined_on: Mapped[datetime.date] = mapped_column(Date, default=_today, nullable=False)
    paid_until: Mapped[Optional[datetime.date]] = mapped_column(Date)
    # Volunteering is an opt-in on the member record (see volunteer_router.py).
    is_volunteer: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    volunteer_skills: Mapped[Optional[str]] = mapped_column(String(300))
    volunteer_hours: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    coach_profile: Mapped[Optional['CoachProfile']] = relationship(
        back_populates='member', uselist=False
    )

    def in_good_standing(self, today: Optional[datetime.date] = None) -> bool:
        if self.status != MembershipStatus.ACTIVE or self.paid_until is None:
            return False
        return self.paid_until >= (today or _today())


# --- Coach profiles -----------------------------------------------------------------
class CoachProfile(TimestampMixin, Base):
    __tablename__ = 'members_coach_profiles'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('members_members.id', ondelete='CASCADE'), unique=True, nullable=False
    )
    specialism: Mapped[str] = mapped_column(String(80), nullable=False)
    bio: Mapped[Optional[str]] = mapped_column(Text)
    accepting_mentees: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    member: Mapped['Member'] = relationship(back_populates='coach_profile')
    agreements: Mapped[List['CoachAgreement']] = relationship(
        back_populates='coach', order_by='CoachAgreement.season', cascade='all, delete-orphan'
    )

    def current_agreement(self) -> Optional['CoachAgreement']:
        for agreement in reversed(self.agreements):
            if agreement.status == AgreementStatus.SIGNED:
                return agreement
        return None


# --- Coach agreements ---------------------------------------------------------------
class CoachAgreement(TimestampMixin, Base):
    __tablename__ = 'members_coach_agreements'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    coach_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('members_coach_profiles.id', ondelete='CASCADE'), nullable=False, index=True
    )
    season: Mapped[int] = mapped_column(Integer, nullable=False)
    session_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    sessions_delivered: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    sessions_paid: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    status: Mapped[AgreementStatus] = mapped_column(
        Enum(AgreementStatus, name='members_agreement_status'),
        default=AgreementStatus.DRAFT,
        nullable=False,
    )
    signed_on: Mapped[Optional[datetime.date]] = mapped_column(Date)

    coach: Mapped['CoachProfile'] = relationship(back_populates='agreements')

    def amount_owed(self) -> Decimal:
        return self.session_rate * (self.sessions_delivered - self.sessions_paid)
