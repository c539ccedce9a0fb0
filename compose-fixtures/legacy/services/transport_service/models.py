"""SQLAlchemy models of the transport service.

A route is a regular minibus run that calls at pickup locations in order; a ride is a
one-off lift a member offers, which other members book seats on.
"""

import datetime
import enum
from typing import List, Optional
import uuid

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin


class RideStatus(str, enum.Enum):
    OPEN = 'open'
    FULL = 'full'
    CANCELLED = 'cancelled'


class PickupLocation(TimestampMixin, Base):
    __tablename__ = 'transport_pickup_locations'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    latitude: Mapped[float] = mapped_column(Float, nullable=False)
    longitude: Mapped[float] = mapped_column(Float, nullable=False)
    notes: Mapped[Optional[str]] = mapped_column(Text)
    step_free: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class Route(TimestampMixin, Base):
    __tablename__ = 'transport_routes'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)  # 0 = Monday
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    stops: Mapped[List['RouteStop']] = relationship(
        back_populates='route', order_by='RouteStop.position', cascade='all, delete-orphan'
    )


class RouteStop(Base):
    __tablename__ = 'transport_route_stops'
    __table_args__ = (
        UniqueConstraint('route_id', 'position', name='uq_transport_route_stops_position'),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    route_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('transport_routes.id', ondelete='CASCADE'), nullable=False, index=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('transport_pickup_locations.id', ondelete='RESTRICT'), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    minutes_from_start: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    route: Mapped['Route'] = relationship(back_populates='stops')
    location: Mapped['PickupLocation'] = relationship()


class Ride(TimestampMixin, Base):
    __tablename__ = 'transport_rides'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    driver_name: Mapped[str] = mapped_column(String(120), nullable=False)
    pickup_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        ForeignKey('transport_pickup_locations.id', ondelete='SET NULL')
    )
    departs_at: Mapped[datetime.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    seats: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[RideStatus] = mapped_column(
        Enum(RideStatus, name='transport_ride_status'), default=RideStatus.OPEN, nullable=False
    )

    pickup: Mapped[Optional['PickupLocation']] = relationship()
    bookings: Mapped[List['RideBooking']] = relationship(
        back_populates='ride', cascade='all, delete-orphan', order_by='RideBooking.created_at'
    )

    def seats_left(self) -> int:
        return self.seats - sum(booking.seats for booking in self.bookings)


class RideBooking(TimestampMixin, Base):
    __tablename__ = 'transport_ride_bookings'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    ride_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('transport_rides.id', ondelete='CASCADE'), nullable=False, index=True
    )
    passenger_name: Mapped[str] = mapped_column(String(120), nullable=False)
    seats: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    ride: Mapped['Ride'] = relationship(back_populates='bookings')
