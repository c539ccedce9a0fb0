"""Transport service models: club bus routes, pickup points and parent ride-sharing."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, time

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id


class RouteStatus(str, enum.Enum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    RETIRED = "retired"


class LocationKind(str, enum.Enum):
    POOL = "pool"
    SCHOOL = "school"
    STATION = "station"
    CAR_PARK = "car_park"
    OTHER = "other"


class RideStatus(str, enum.Enum):
    OPEN = "open"
    FULL = "full"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class BookingStatus(str, enum.Enum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))


class PickupLocation(TimestampMixin, Base):
    __tablename__ = "transport_pickup_locations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(150), nullable=False, unique=True)
    kind: Mapped[LocationKind] = mapped_column(
        Enum(LocationKind, name="location_kind"), nullable=False, default=LocationKind.OTHER
    )
    address: Mapped[str] = mapped_column(String(300), nullable=False)
    area: Mapped[str | None] = mapped_column(String(100), index=True)
    latitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    longitude: Mapped[float | None] = mapped_column(Numeric(9, 6, asdecimal=False))
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class TransportRoute(TimestampMixin, Base):
    """A scheduled club minibus run from a set of stops to the training pool."""

    __tablename__ = "transport_routes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(150), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RouteStatus] = mapped_column(
        Enum(RouteStatus, name="route_status"), nullable=False, default=RouteStatus.DRAFT
    )
    destination: Mapped[str] = mapped_column(String(150), nullable=False)
    # Comma-separated weekday numbers, Monday = 0 ("0,2,4").
    weekdays: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    departure_time: Mapped[time] = mapped_column(Time, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    driver_member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    vehicle: Mapped[str | None] = mapped_column(String(100))

    stops: Mapped[list["RouteStop"]] = relationship(
        back_populates="route", cascade="all, delete-orphan", order_by="RouteStop.sequence"
    )
    subscriptions: Mapped[list["RouteSubscription"]] = relationship(
        back_populates="route", cascade="all, delete-orphan"
    )


class RouteStop(Base):
    __tablename__ = "transport_route_stops"
    __table_args__ = (UniqueConstraint("route_id", "sequence", name="uq_route_stops_sequence"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    route_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transport_routes.id", ondelete="CASCADE"), nullable=False, index=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transport_pickup_locations.id"), nullable=False
    )
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    minutes_from_start: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    route: Mapped["TransportRoute"] = relationship(back_populates="stops")
    location: Mapped["PickupLocation"] = relationship(lazy="joined")


class RouteSubscription(TimestampMixin, Base):
    __tablename__ = "transport_route_subscriptions"
    __table_args__ = (
        UniqueConstraint("route_id", "member_id", name="uq_route_subscriptions_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    route_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transport_routes.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    stop_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("transport_route_stops.id", ondelete="SET NULL")
    )
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    route: Mapped["TransportRoute"] = relationship(back_populates="subscriptions")
    member: Mapped["MemberRef"] = relationship(lazy="joined")


class RideOffer(TimestampMixin, Base):
    """A parent offering spare seats to a session or gala."""

    __tablename__ = "transport_rides"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    driver_member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    pickup_location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transport_pickup_locations.id"), nullable=False, index=True
    )
    destination: Mapped[str] = mapped_column(String(150), nullable=False)
    departs_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, index=True
    )
    returns_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seats_total: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[RideStatus] = mapped_column(
        Enum(RideStatus, name="ride_status"), nullable=False, default=RideStatus.OPEN
    )
    notes: Mapped[str | None] = mapped_column(Text)

    driver: Mapped["MemberRef"] = relationship(lazy="joined")
    pickup_location: Mapped["PickupLocation"] = relationship(lazy="joined")
    bookings: Mapped[list["RideBooking"]] = relationship(
        back_populates="ride", cascade="all, delete-orphan", order_by="RideBooking.created_at"
    )


class RideBooking(TimestampMixin, Base):
    __tablename__ = "transport_ride_bookings"
    __table_args__ = (UniqueConstraint("ride_id", "member_id", name="uq_ride_bookings_member"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    ride_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transport_rides.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    seats: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status: Mapped[BookingStatus] = mapped_column(
        Enum(BookingStatus, name="booking_status"),
        nullable=False,
        default=BookingStatus.REQUESTED,
    )
    note: Mapped[str | None] = mapped_column(String(300))

    ride: Mapped["RideOffer"] = relationship(back_populates="bookings")
    member: Mapped["MemberRef"] = relationship(lazy="joined")
