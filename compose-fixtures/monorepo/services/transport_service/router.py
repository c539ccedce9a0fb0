"""Transport endpoints: pickup locations, club minibus routes and parent ride-sharing.

The request/response models are small and only used here, so they live next to the routes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user, require_admin, require_coach
from libs.db import get_async_db
from services.transport_service.models import (
    BookingStatus,
    LocationKind,
    MemberRef,
    PickupLocation,
    RideBooking,
    RideOffer,
    RideStatus,
    RouteStatus,
    RouteStop,
    RouteSubscription,
    TransportRoute,
)

router = APIRouter(prefix="/transport", tags=["transport"])

MAX_PAGE_SIZE = 100
ROUTE_TRANSITIONS: dict[RouteStatus, set[RouteStatus]] = {
    RouteStatus.DRAFT: {RouteStatus.ACTIVE, RouteStatus.RETIRED},
    RouteStatus.ACTIVE: {RouteStatus.SUSPENDED, RouteStatus.RETIRED},
    RouteStatus.SUSPENDED: {RouteStatus.ACTIVE, RouteStatus.RETIRED},
    RouteStatus.RETIRED: set(),
}
REQUIRED_ROUTE_FIELDS = ("name", "weekdays", "departure_time", "capacity")
# Drivers can still cancel until shortly before departure.
CANCELLATION_CUTOFF = timedelta(hours=2)

# Monday = 0, as in ``date.weekday()``.
Weekday = Annotated[int, Field(ge=0, le=6)]


class MemberBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    first_name: str
    last_name: str


# --- Pickup locations ---------------------------------------------------------------


class LocationCreate(BaseModel):
    name: str = Field(min_length=1, max_length=150)
    kind: LocationKind = LocationKind.OTHER
    address: str = Field(min_length=1, max_length=300)
    area: str | None = Field(default=None, max_length=100)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    notes: str | None = None


class LocationOut(LocationCreate):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    is_active: bool


async def _get_location_or_404(
    db: AsyncSession, location_id: uuid.UUID, *, active_only: bool = False
) -> PickupLocation:
    location = await db.get(PickupLocation, location_id)
    if location is None or (active_only and not location.is_active):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "pickup location not found")
    return location


@router.get("/locations", response_model=list[LocationOut])
async def list_locations(
    area: str | None = None,
    include_inactive: bool = False,
    db: AsyncSession = Depends(get_async_db),
) -> list[PickupLocation]:
    query = select(PickupLocation).order_by(PickupLocation.area, PickupLocation.name)
    if area:
        query = query.where(func.lower(PickupLocation.area) == area.lower())
    if not include_inactive:
        query = query.where(PickupLocation.is_active.is_(True))
    return list((await db.execute(query)).scalars())


@router.post("/locations", response_model=LocationOut, status_code=status.HTTP_201_CREATED)
async def create_location(
    payload: LocationCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> PickupLocation:
    clash = await db.execute(select(PickupLocation.id).where(PickupLocation.name == payload.name))
    if clash.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "a location with this name exists")
    location = PickupLocation(**payload.model_dump())
    db.add(location)
    await db.flush()
    await db.refresh(location)
    return location


@router.get("/locations/{location_id}", response_model=LocationOut)
async def get_location(
    location_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> PickupLocation:
    return await _get_location_or_404(db, location_id)


@router.delete("/locations/{location_id}", status_code=status.HTTP_204_NO_CONTENT)
async def retire_location(
    location_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    """Locations are never deleted (past rides point at them); they are switched off."""
    location = await _get_location_or_404(db, location_id)
    in_use = await db.execute(
        select(func.count(RouteStop.id))
        .join(TransportRoute, TransportRoute.id == RouteStop.route_id)
        .where(RouteStop.location_id == location.id, TransportRoute.status == RouteStatus.ACTIVE)
    )
    if in_use.scalar_one():
        raise HTTPException(status.HTTP_409_CONFLICT, "location is a stop on an active route")
    location.is_active = False


# --- Club routes --------------------------------------------------------------------


class StopIn(BaseModel):
    location_id: uuid.UUID
    minutes_from_start: int = Field(default=0, ge=0, le=240)


class StopOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    sequence: int
    minutes_from_start: int
    location: LocationOut


class RouteCreate(BaseModel):
    code: str = Field(min_length=2, max_length=20, pattern=r"^[A-Z0-9-]+$")
    name: str = Field(min_length=1, max_length=150)
    description: str | None = None
    destination: str = Field(min_length=1, max_length=150)
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)
    departure_time: time
    capacity: int = Field(ge=1, le=70)
    vehicle: str | None = None


class RouteUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=150)
    description: str | None = None
    weekdays: list[Weekday] | None = Field(default=None, min_length=1, max_length=7)
    departure_time: time | None = None
    capacity: int | None = Field(default=None, ge=1, le=70)
    driver_member_id: uuid.UUID | None = None
    vehicle: str | None = None


class RouteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    destination: str
    status: RouteStatus
    weekdays: list[int]
    departure_time: time
    capacity: int
    driver_member_id: uuid.UUID | None

    @field_validator("weekdays", mode="before")
    @classmethod
    def parse_weekdays(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(day) for day in value.split(",") if day]
        return value


class RouteDetail(RouteOut):
    description: str | None
    vehicle: str | None
    stops: list[StopOut]
    riders: int = 0


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    route_id: uuid.UUID
    stop_id: uuid.UUID | None
    is_active: bool
    member: MemberBrief


def _weekdays_to_str(days: list[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days)))


async def _get_route_or_404(db: AsyncSession, route_id: uuid.UUID) -> TransportRoute:
    route = (
        await db.execute(
            select(TransportRoute)
            .options(selectinload(TransportRoute.stops))
            .where(TransportRoute.id == route_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if route is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "route not found")
    return route


async def _count_riders(db: AsyncSession, route_id: uuid.UUID) -> int:
    result = await db.execute(
        select(func.count(RouteSubscription.id)).where(
            RouteSubscription.route_id == route_id, RouteSubscription.is_active.is_(True)
        )
    )
    return int(result.scalar_one())


async def _route_detail(db: AsyncSession, route: TransportRoute) -> RouteDetail:
    detail = RouteDetail.model_validate(route)
    detail.riders = await _count_riders(db, route.id)
    return detail


@router.get("/routes", response_model=list[RouteOut])
async def list_routes(
    route_status: RouteStatus | None = Query(default=None, alias="status"),
    db: AsyncSession = Depends(get_async_db),
) -> list[TransportRoute]:
    query = select(TransportRoute).order_by(TransportRoute.code)
    if route_status is not None:
        query = query.where(TransportRoute.status == route_status)
    else:
        query = query.where(TransportRoute.status != RouteStatus.DRAFT)
    return list((await db.execute(query)).scalars())


@router.get("/routes/active", response_model=list[RouteOut])
async def active_routes(
    weekday: int | None = Query(default=None, ge=0, le=6),
    db: AsyncSession = Depends(get_async_db),
) -> list[TransportRoute]:
    query = (
        select(TransportRoute)
        .where(TransportRoute.status == RouteStatus.ACTIVE)
        .order_by(TransportRoute.departure_time)
    )
    routes = list((await db.execute(query)).scalars())
    if weekday is None:
        return routes
    return [route for route in routes if str(weekday) in route.weekdays.split(",")]


@router.post("/routes", response_model=RouteDetail, status_code=status.HTTP_201_CREATED)
async def create_route(
    payload: RouteCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> RouteDetail:
    clash = await db.execute(select(TransportRoute.id).where(TransportRoute.code == payload.code))
    if clash.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"route code {payload.code} is taken")
    data = payload.model_dump()
    data["weekdays"] = _weekdays_to_str(payload.weekdays)
    route = TransportRoute(**data)
    db.add(route)
    await db.flush()
    return await _route_detail(db, await _get_route_or_404(db, route.id))


@router.get("/routes/{route_id}", response_model=RouteDetail)
async def get_route(route_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> RouteDetail:
    return await _route_detail(db, await _get_route_or_404(db, route_id))


@router.patch("/routes/{route_id}", response_model=RouteDetail)
async def update_route(
    route_id: uuid.UUID,
    payload: RouteUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> RouteDetail:
    route = await _get_route_or_404(db, route_id)
    changes = payload.model_dump(exclude_unset=True)
    if any(changes.get(key, "") is None for key in REQUIRED_ROUTE_FIELDS):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"{', '.join(REQUIRED_ROUTE_FIELDS)} are required",
        )
    if "weekdays" in changes:
        changes["weekdays"] = _weekdays_to_str(changes["weekdays"])
    if changes.get("driver_member_id") and not await db.get(MemberRef, changes["driver_member_id"]):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "driver not found")
    if "capacity" in changes and changes["capacity"] < await _count_riders(db, route.id):
        raise HTTPException(status.HTTP_409_CONFLICT, "capacity below current riders")
    for key, value in changes.items():
        setattr(route, key, value)
    await db.flush()
    return await _route_detail(db, await _get_route_or_404(db, route.id))


@router.post("/routes/{route_id}/status", response_model=RouteOut)
async def change_route_status(
    route_id: uuid.UUID,
    target: RouteStatus,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> TransportRoute:
    route = await _get_route_or_404(db, route_id)
    if target not in ROUTE_TRANSITIONS[route.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"cannot move a {route.status.value} route to {target.value}"
        )
    if target is RouteStatus.ACTIVE and not route.stops:
        raise HTTPException(status.HTTP_409_CONFLICT, "a route needs stops before it runs")
    route.status = target
    await db.flush()
    return route


@router.put("/routes/{route_id}/stops", response_model=RouteDetail)
async def replace_route_stops(
    route_id: uuid.UUID,
    stops: list[StopIn],
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> RouteDetail:
    route = await _get_route_or_404(db, route_id)
    minutes = [stop.minutes_from_start for stop in stops]
    if minutes != sorted(minutes):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "stops must be in time order")
    for stop in stops:
        await _get_location_or_404(db, stop.location_id, active_only=True)
    route.stops.clear()
    await db.flush()
    route.stops.extend(
        RouteStop(
            location_id=stop.location_id, sequence=i, minutes_from_start=stop.minutes_from_start
        )
        for i, stop in enumerate(stops, start=1)
    )
    await db.flush()
    return await _route_detail(db, await _get_route_or_404(db, route.id))


@router.post("/routes/{route_id}/subscribe", response_model=SubscriptionOut)
async def subscribe_to_route(
    route_id: uuid.UUID,
    stop_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> RouteSubscription:
    route = await _get_route_or_404(db, route_id)
    if route.status is not RouteStatus.ACTIVE:
        raise HTTPException(status.HTTP_409_CONFLICT, "route is not running")
    if stop_id is not None and stop_id not in {stop.id for stop in route.stops}:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "stop is not on this route")
    subscription = (
        await db.execute(
            select(RouteSubscription).where(
                RouteSubscription.route_id == route.id, RouteSubscription.member_id == user.user_id
            )
        )
    ).scalar_one_or_none()
    if subscription is None or not subscription.is_active:
        if await _count_riders(db, route.id) >= route.capacity:
            raise HTTPException(status.HTTP_409_CONFLICT, "route is full")
    if subscription is None:
        subscription = RouteSubscription(route_id=route.id, member_id=user.user_id)
        db.add(subscription)
    subscription.stop_id = stop_id
    subscription.is_active = True
    await db.flush()
    await db.refresh(subscription, ["member"])
    return subscription


@router.get("/routes/{route_id}/riders", response_model=list[SubscriptionOut])
async def route_riders(
    route_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[RouteSubscription]:
    await _get_route_or_404(db, route_id)
    result = await db.execute(
        select(RouteSubscription)
        .where(RouteSubscription.route_id == route_id, RouteSubscription.is_active.is_(True))
        .order_by(RouteSubscription.created_at)
    )
    return list(result.scalars())


# --- Ride-sharing -------------------------------------------------------------------


class RideCreate(BaseModel):
    pickup_location_id: uuid.UUID
    destination: str = Field(min_length=1, max_length=150)
    departs_at: datetime
    returns_at: datetime | None = None
    seats_total: int = Field(ge=1, le=8)
    notes: str | None = None

    @model_validator(mode="after")
    def check_times(self) -> RideCreate:
        if self.returns_at is not None and self.returns_at <= self.departs_at:
            raise ValueError("the return trip must be after departure")
        return self


class RideOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    destination: str
    departs_at: datetime
    returns_at: datetime | None
    seats_total: int
    seats_left: int = 0
    status: RideStatus
    notes: str | None
    driver: MemberBrief
    pickup_location: LocationOut


class RideDetail(RideOut):
    bookings: list[BookingOut]


class BookingCreate(BaseModel):
    seats: int = Field(default=1, ge=1, le=4)
    note: str | None = Field(default=None, max_length=300)


class BookingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    ride_id: uuid.UUID
    seats: int
    status: BookingStatus
    note: str | None
    member: MemberBrief


RideDetail.model_rebuild()


class MyRides(BaseModel):
    driving: list[RideOut]
    booked: list[BookingOut]


def _seats_taken(ride: RideOffer) -> int:
    return sum(b.seats for b in ride.bookings if b.status is BookingStatus.CONFIRMED)


def _ride_out(ride: RideOffer, schema: type[RideOut] = RideOut) -> RideOut:
    out = schema.model_validate(ride)
    out.seats_left = max(ride.seats_total - _seats_taken(ride), 0)
    return out


def _sync_ride_status(ride: RideOffer) -> None:
    if ride.status in (RideStatus.OPEN, RideStatus.FULL):
        full = _seats_taken(ride) >= ride.seats_total
        ride.status = RideStatus.FULL if full else RideStatus.OPEN


async def _get_ride_or_404(db: AsyncSession, ride_id: uuid.UUID) -> RideOffer:
    ride = (
        await db.execute(
            select(RideOffer)
            .options(selectinload(RideOffer.bookings))
            .where(RideOffer.id == ride_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if ride is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "ride not found")
    return ride


def _require_driver(ride: RideOffer, user: AuthUser) -> None:
    if ride.driver_member_id != user.user_id and not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the driver can do this")


@router.get("/rides", response_model=list[RideOut])
async def list_rides(
    location_id: uuid.UUID | None = None,
    on_date: date | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=20, ge=1, le=MAX_PAGE_SIZE),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(get_current_user),
) -> list[RideOut]:
    query = (
        select(RideOffer)
        .options(selectinload(RideOffer.bookings))
        .where(RideOffer.status == RideStatus.OPEN)
        .where(RideOffer.departs_at >= datetime.now(timezone.utc))
    )
    if location_id is not None:
        query = query.where(RideOffer.pickup_location_id == location_id)
    if on_date is not None:
        start = datetime.combine(on_date, time.min, tzinfo=timezone.utc)
        query = query.where(RideOffer.departs_at.between(start, start + timedelta(days=1)))
    query = query.order_by(RideOffer.departs_at).offset((page - 1) * page_size).limit(page_size)
    return [_ride_out(ride) for ride in (await db.execute(query)).unique().scalars()]


@router.get("/rides/mine", response_model=MyRides)
async def my_rides(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> MyRides:
    since = datetime.now(timezone.utc) - timedelta(days=1)
    driving = await db.execute(
        select(RideOffer)
        .options(selectinload(RideOffer.bookings))
        .where(RideOffer.driver_member_id == user.user_id, RideOffer.departs_at >= since)
        .order_by(RideOffer.departs_at)
    )
    booked = await db.execute(
        select(RideBooking)
        .join(RideOffer, RideOffer.id == RideBooking.ride_id)
        .where(RideBooking.member_id == user.user_id, RideOffer.departs_at >= since)
        .order_by(RideOffer.departs_at)
    )
    return MyRides(
        driving=[_ride_out(ride) for ride in driving.unique().scalars()],
        booked=[BookingOut.model_validate(b) for b in booked.unique().scalars()],
    )


@router.post("/rides", response_model=RideOut, status_code=status.HTTP_201_CREATED)
async def offer_ride(
    payload: RideCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> RideOut:
    if payload.departs_at <= datetime.now(timezone.utc):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "ride departs in the past")
    await _get_location_or_404(db, payload.pickup_location_id, active_only=True)
    ride = RideOffer(**payload.model_dump(), driver_member_id=user.user_id)
    db.add(ride)
    await db.flush()
    return _ride_out(await _get_ride_or_404(db, ride.id))


@router.get("/rides/{ride_id}", response_model=RideDetail)
async def get_ride(
    ride_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(get_current_user),
) -> RideOut:
    return _ride_out(await _get_ride_or_404(db, ride_id), RideDetail)


@router.post("/rides/{ride_id}/cancel", response_model=RideOut)
async def cancel_ride(
    ride_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> RideOut:
    ride = await _get_ride_or_404(db, ride_id)
    _require_driver(ride, user)
    if ride.status not in (RideStatus.OPEN, RideStatus.FULL):
        raise HTTPException(status.HTTP_409_CONFLICT, f"ride is already {ride.status.value}")
    if ride.departs_at - datetime.now(timezone.utc) < CANCELLATION_CUTOFF and not user.is_admin:
        raise HTTPException(status.HTTP_409_CONFLICT, "too close to departure; call the club")
    ride.status = RideStatus.CANCELLED
    for booking in ride.bookings:
        if booking.status in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED):
            booking.status = BookingStatus.CANCELLED
    await db.flush()
    return _ride_out(ride)


@router.post("/rides/{ride_id}/bookings", response_model=BookingOut, status_code=201)
async def request_seat(
    ride_id: uuid.UUID,
    payload: BookingCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> RideBooking:
    ride = await _get_ride_or_404(db, ride_id)
    if ride.status is not RideStatus.OPEN:
        raise HTTPException(status.HTTP_409_CONFLICT, "ride is not taking bookings")
    if ride.driver_member_id == user.user_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "you are driving this ride")
    if payload.seats > ride.seats_total - _seats_taken(ride):
        raise HTTPException(status.HTTP_409_CONFLICT, "not enough seats left")
    if any(b.member_id == user.user_id for b in ride.bookings):
        raise HTTPException(status.HTTP_409_CONFLICT, "you already asked for this ride")
    booking = RideBooking(ride_id=ride.id, member_id=user.user_id, **payload.model_dump())
    db.add(booking)
    await db.flush()
    await db.refresh(booking, ["member"])
    return booking


@router.post("/rides/{ride_id}/bookings/{booking_id}/decision", response_model=RideDetail)
async def decide_booking(
    ride_id: uuid.UUID,
    booking_id: uuid.UUID,
    confirm: bool,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> RideOut:
    ride = await _get_ride_or_404(db, ride_id)
    _require_driver(ride, user)
    booking = next((b for b in ride.bookings if b.id == booking_id), None)
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    if booking.status is not BookingStatus.REQUESTED:
        raise HTTPException(status.HTTP_409_CONFLICT, f"booking is {booking.status.value}")
    if confirm and booking.seats > ride.seats_total - _seats_taken(ride):
        raise HTTPException(status.HTTP_409_CONFLICT, "not enough seats left")
    booking.status = BookingStatus.CONFIRMED if confirm else BookingStatus.DECLINED
    _sync_ride_status(ride)
    await db.flush()
    return _ride_out(ride, RideDetail)


@router.delete("/rides/{ride_id}/bookings/{booking_id}", status_code=204)
async def cancel_booking(
    ride_id: uuid.UUID,
    booking_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> None:
    ride = await _get_ride_or_404(db, ride_id)
    booking = next((b for b in ride.bookings if b.id == booking_id), None)
    if booking is None or booking.member_id != user.user_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    booking.status = BookingStatus.CANCELLED
    _sync_ride_status(ride)
