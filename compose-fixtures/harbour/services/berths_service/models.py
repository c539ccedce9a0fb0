"""Berths service models: pontoons, berths, visitor bookings and annual mooring contracts."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
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


class BerthType(str, enum.Enum):
    FINGER = "finger"
    ALONGSIDE = "alongside"
    SWING_MOORING = "swing_mooring"
    DRY_STACK = "dry_stack"


class BerthStatus(str, enum.Enum):
    AVAILABLE = "available"
    OCCUPIED = "occupied"
    RESERVED = "reserved"
    MAINTENANCE = "maintenance"
    CLOSED = "closed"


class ShorePower(str, enum.Enum):
    NONE = "none"
    AMP_16 = "16a"
    AMP_32 = "32a"
    AMP_63 = "63a"


class BookingStatus(str, enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class BookingSource(str, enum.Enum):
    ONLINE = "online"
    OFFICE = "office"
    VHF = "vhf"
    PARTNER = "partner"


class ContractStatus(str, enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class BillingCycle(str, enum.Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class InspectionOutcome(str, enum.Enum):
    PASS = "pass"
    ADVISORY = "advisory"
    FAIL = "fail"


BOOKING_TRANSITIONS: dict[BookingStatus, set[BookingStatus]] = {
    BookingStatus.PENDING: {BookingStatus.CONFIRMED, BookingStatus.CANCELLED},
    BookingStatus.CONFIRMED: {
        BookingStatus.CHECKED_IN,
        BookingStatus.CANCELLED,
        BookingStatus.NO_SHOW,
    },
    BookingStatus.CHECKED_IN: {BookingStatus.CHECKED_OUT},
    BookingStatus.CHECKED_OUT: set(),
    BookingStatus.CANCELLED: set(),
    BookingStatus.NO_SHOW: set(),
}

CONTRACT_TRANSITIONS: dict[ContractStatus, set[ContractStatus]] = {
    ContractStatus.DRAFT: {ContractStatus.ACTIVE, ContractStatus.TERMINATED},
    ContractStatus.ACTIVE: {
        ContractStatus.SUSPENDED,
        ContractStatus.EXPIRED,
        ContractStatus.TERMINATED,
    },
    ContractStatus.SUSPENDED: {ContractStatus.ACTIVE, ContractStatus.TERMINATED},
    ContractStatus.EXPIRED: set(),
    ContractStatus.TERMINATED: set(),
}

INSTALMENTS_PER_YEAR = {
    BillingCycle.MONTHLY: 12,
    BillingCycle.QUARTERLY: 4,
    BillingCycle.ANNUAL: 1,
}

# Bookings in these states hold the berth for their dates.
HOLDING_BOOKING_STATUSES = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
)


class VesselRef(Base):
    """Read-only mapping of the vessels service's table (owned and migrated by vessels)."""

    __tablename__ = "harbour_vessels"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    length_m: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    beam_m: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    draft_m: Mapped[Decimal] = mapped_column(Numeric(4, 2))


class Pontoon(TimestampMixin, Base):
    __tablename__ = "harbour_pontoons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(8), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    max_draft_m: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False)
    is_visitor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_water: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    has_fuel: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    gate_code: Mapped[str | None] = mapped_column(String(12))

    berths: Mapped[list[Berth]] = relationship(
        back_populates="pontoon", cascade="all, delete-orphan", order_by="Berth.number"
    )


class Berth(TimestampMixin, Base):
    __tablename__ = "harbour_berths"
    __table_args__ = (
        UniqueConstraint("pontoon_id", "number", name="uq_harbour_berths_pontoon_number"),
        CheckConstraint("max_length_m > 0", name="positive_length"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    pontoon_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harbour_pontoons.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    berth_type: Mapped[BerthType] = mapped_column(
        Enum(BerthType, name="berth_type"), nullable=False, default=BerthType.FINGER
    )
    status: Mapped[BerthStatus] = mapped_column(
        Enum(BerthStatus, name="berth_status"), nullable=False, default=BerthStatus.AVAILABLE
    )
    max_length_m: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    max_beam_m: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False)
    max_draft_m: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    shore_power: Mapped[ShorePower] = mapped_column(
        Enum(ShorePower, name="shore_power"), nullable=False, default=ShorePower.AMP_16
    )
    nightly_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)

    pontoon: Mapped[Pontoon] = relationship(back_populates="berths")
    bookings: Mapped[list[Booking]] = relationship(back_populates="berth")
    contracts: Mapped[list[MooringContract]] = relationship(back_populates="berth")
    inspections: Mapped[list[BerthInspection]] = relationship(
        back_populates="berth",
        cascade="all, delete-orphan",
        order_by="BerthInspection.inspected_on.desc()",
    )

    def fits(self, length_m: Decimal, beam_m: Decimal, draft_m: Decimal | None = None) -> bool:
        """Whether a vessel of these dimensions can lie here (draft only when known)."""
        if length_m > self.max_length_m or beam_m > self.max_beam_m:
            return False
        if draft_m is not None and self.max_draft_m is not None:
            return draft_m <= self.max_draft_m
        return True

    @property
    def is_bookable(self) -> bool:
        return self.status in (BerthStatus.AVAILABLE, BerthStatus.RESERVED)


class Booking(TimestampMixin, Base):
    """A visitor's stay on a berth, night by night (``departure`` is the morning they leave)."""

    __tablename__ = "harbour_bookings"
    __table_args__ = (CheckConstraint("departure > arrival", name="departure_after_arrival"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    berth_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harbour_berths.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    vessel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harbour_vessels.id"), nullable=False, index=True
    )
    booked_by: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    skipper_name: Mapped[str] = mapped_column(String(120), nullable=False)
    skipper_phone: Mapped[str | None] = mapped_column(String(40))
    arrival: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    departure: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[BookingStatus] = mapped_column(
        Enum(BookingStatus, name="booking_status"), nullable=False, default=BookingStatus.PENDING
    )
    source: Mapped[BookingSource] = mapped_column(
        Enum(BookingSource, name="booking_source"), nullable=False, default=BookingSource.ONLINE
    )
    nightly_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    total_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    berth: Mapped[Berth] = relationship(back_populates="bookings")

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days

    def can_transition_to(self, new_status: BookingStatus) -> bool:
        return new_status in BOOKING_TRANSITIONS[self.status]

    def overlaps(self, arrival: date, departure: date) -> bool:
        return self.arrival < departure and arrival < self.departure


class MooringContract(TimestampMixin, Base):
    """An annual (or seasonal) berth holder's contract."""

    __tablename__ = "harbour_mooring_contracts"
    __table_args__ = (CheckConstraint("ends_on > starts_on", name="ends_after_start"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    berth_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harbour_berths.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    vessel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harbour_vessels.id"), nullable=False, index=True
    )
    holder_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    status: Mapped[ContractStatus] = mapped_column(
        Enum(ContractStatus, name="contract_status"), nullable=False, default=ContractStatus.DRAFT
    )
    billing_cycle: Mapped[BillingCycle] = mapped_column(
        Enum(BillingCycle, name="billing_cycle"), nullable=False, default=BillingCycle.ANNUAL
    )
    annual_fee: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    deposit: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal("0"))
    auto_renew: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    renewed_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("harbour_mooring_contracts.id", ondelete="SET NULL")
    )
    termination_reason: Mapped[str | None] = mapped_column(Text)

    berth: Mapped[Berth] = relationship(back_populates="contracts")
    renewed_from: Mapped[MooringContract | None] = relationship(
        remote_side=[id], foreign_keys=[renewed_from_id]
    )

    @property
    def instalment(self) -> Decimal:
        per_year = INSTALMENTS_PER_YEAR[self.billing_cycle]
        return (self.annual_fee / per_year).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def covers(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_on

    def can_transition_to(self, new_status: ContractStatus) -> bool:
        return new_status in CONTRACT_TRANSITIONS[self.status]


class BerthInspection(TimestampMixin, Base):
    __tablename__ = "harbour_berth_inspections"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    berth_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("harbour_berths.id", ondelete="CASCADE"), nullable=False, index=True
    )
    inspected_on: Mapped[date] = mapped_column(Date, nullable=False)
    inspector: Mapped[str] = mapped_column(String(120), nullable=False)
    outcome: Mapped[InspectionOutcome] = mapped_column(
        Enum(InspectionOutcome, name="inspection_outcome"), nullable=False
    )
    cleats_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    electrics_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    berth: Mapped[Berth] = relationship(back_populates="inspections")
