"""HTTP routes of the transport service; the request and response bodies live here too."""

import datetime
from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.transport_service.models import (
    PickupLocation,
    Ride,
    RideBooking,
    RideStatus,
    Route,
    RouteStop,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

router = APIRouter()


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LocationCreate(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    notes: Optional[str] = None
    step_free: bool = True


class LocationOut(OrmModel):
    id: uuid.UUID
    name: str
    latitude: float
    longitude: float
    step_free: bool


class RouteCreate(BaseModel):
    code: str = Field(min_length=1, max_length=12)
    name: str = Field(min_length=2, max_length=100)
    weekday: int = Field(ge=0, le=6)


class StopCreate(BaseModel):
    location_id: uuid.UUID
    minutes_from_start: int = Field(default=0, ge=0)


class StopOut(OrmModel):
    position: int
    location_id: uuid.UUID
    minutes_from_start: int


class RouteOut(OrmModel):
    id: uuid.UUID
    code: str
    name: str
    weekday: int
    active: bool
    stops: List[StopOut] = []


class RideCreate(BaseModel):
    driver_name: str = Field(min_length=2, max_length=120)
    departs_at: datetime.datetime
    seats: int = Field(ge=1, le=8)
    pickup_id: Optional[uuid.UUID] = None


class RideOut(OrmModel):
    id: uuid.UUID
    driver_name: str
    departs_at: datetime.datetime
    seats: int
    seats_left: int
    status: RideStatus
    pickup_id: Optional[uuid.UUID]


class BookingCreate(BaseModel):
    passenger_name: str = Field(min_length=2, max_length=120)
    seats: int = Field(default=1, ge=1, le=8)


class BookingOut(OrmModel):
    id: uuid.UUID
    ride_id: uuid.UUID
    passenger_name: str
    seats: int


def _ride_out(ride: Ride) -> RideOut:
    return RideOut(id=ride.id, driver_name=ride.driver_name, departs_at=ride.departs_at,
                   seats=ride.seats, seats_left=ride.seats_left(), status=ride.status,
                   pickup_id=ride.pickup_id)


def _location_or_404(session: Session, location_id: uuid.UUID) -> PickupLocation:
    location = session.get(PickupLocation, location_id)
    if location is None:
        raise HTTPException(status_code=404, detail="pickup location not found")
    return location


# --- Routes ----------------------------------------------------------------------------
@router.get("/routes", response_model=List[RouteOut], tags=["routes"])
def list_routes(
    weekday: Optional[int] = None, session: Session = Depends(get_session)
) -> List[Route]:
    query = select(Route).where(Route.active.is_(True)).order_by(Route.weekday, Route.code)
    if weekday is not None:
        query = query.where(Route.weekday == weekday)
    return list(session.scalars(query))


@router.post("/routes", response_model=RouteOut, status_code=status.HTTP_201_CREATED,
             tags=["routes"], dependencies=[Depends(require_committee)])
def create_route(body: RouteCreate, session: Session = Depends(get_session)) -> Route:
    if session.scalar(select(Route).where(Route.code == body.code)) is not None:
        raise HTTPException(status_code=409, detail="a route with that code exists")
    route = Route(**body.model_dump())
    session.add(route)
    session.flush()
    return route


@router.post("/routes/{route_id}/stops", response_model=RouteOut, tags=["routes"],
             dependencies=[Depends(require_committee)])
def add_stop(
    route_id: uuid.UUID, body: StopCreate, session: Session = Depends(get_session)
) -> Route:
    route = session.get(Route, route_id)
    if route is None:
        raise HTTPException(status_code=404, detail="route not found")
    _location_or_404(session, body.location_id)
    position = len(route.stops) + 1
    route.stops.append(RouteStop(position=position, **body.model_dump()))
    session.flush()
    return route


# --- Rides -----------------------------------------------------------------------------
@router.get("/rides", response_model=List[RideOut], tags=["rides"])
def upcoming_rides(session: Session = Depends(get_session)) -> List[RideOut]:
    query = select(Ride).where(Ride.departs_at >= utcnow(), Ride.status != RideStatus.CANCELLED)
    return [_ride_out(ride) for ride in session.scalars(query.order_by(Ride.departs_at))]


@router.post("/rides", response_model=RideOut, status_code=status.HTTP_201_CREATED,
             tags=["rides"])
def offer_ride(body: RideCreate, session: Session = Depends(get_session)) -> RideOut:
    if body.departs_at.tzinfo is None:
        raise HTTPException(status_code=422, detail="departs_at needs a timezone")
    if body.pickup_id is not None:
        _location_or_404(session, body.pickup_id)
    ride = Ride(**body.model_dump())
    session.add(ride)
    session.flush()
    return _ride_out(ride)


@router.post("/rides/{ride_id}/bookings", response_model=BookingOut,
             status_code=status.HTTP_201_CREATED, tags=["rides"])
def book_ride(
    ride_id: uuid.UUID, body: BookingCreate, session: Session = Depends(get_session)
) -> RideBooking:
    ride = session.get(Ride, ride_id, with_for_update=True)
    if ride is None:
        raise HTTPException(status_code=404, detail="ride not found")
    if ride.status != RideStatus.OPEN or ride.seats_left() < body.seats:
        raise HTTPException(status_code=409, detail="not enough seats left")
    booking = RideBooking(ride=ride, **body.model_dump())
    session.add(booking)
    session.flush()
    if ride.seats_left() == 0:
        ride.status = RideStatus.FULL
    return booking


@router.post("/rides/{ride_id}/cancel", response_model=RideOut, tags=["rides"])
def cancel_ride(ride_id: uuid.UUID, session: Session = Depends(get_session)) -> RideOut:
    ride = session.get(Ride, ride_id)
    if ride is None:
        raise HTTPException(status_code=404, detail="ride not found")
    ride.status = RideStatus.CANCELLED
    return _ride_out(ride)


# --- Pickup locations ------------------------------------------------------------------
# Only the "nearest pickup" lookup does any geometry, so the import lives down here.
import math  # noqa: E402

EARTH_RADIUS_KM = 6371.0


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Haversine: good enough for a town's worth of bus stops.
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1)
    a = (math.sin(dlat / 2) ** 2
         + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@router.get("/locations", response_model=List[LocationOut], tags=["locations"])
def list_locations(session: Session = Depends(get_session)) -> List[PickupLocation]:
    return list(session.scalars(select(PickupLocation).order_by(PickupLocation.name)))


@router.post("/locations", response_model=LocationOut, status_code=status.HTTP_201_CREATED,
             tags=["locations"], dependencies=[Depends(require_committee)])
def create_location(
    body: LocationCreate, session: Session = Depends(get_session)
) -> PickupLocation:
    location = PickupLocation(**body.model_dump())
    session.add(location)
    session.flush()
    return location


@router.get("/locations/nearest", response_model=LocationOut, tags=["locations"])
def nearest_location(
    lat: float = Query(ge=-90, le=90),
    lon: float = Query(ge=-180, le=180),
    session: Session = Depends(get_session),
) -> PickupLocation:
    best: Optional[PickupLocation] = None
    best_km = float("inf")
    for location in session.scalars(select(PickupLocation)):
        km = _distance_km(lat, lon, location.latitude, location.longitude)
        if km < best_km:
            best, best_km = location, km
    if best is None:
        raise HTTPException(status_code=404, detail="no pickup locations yet")
    return best


@router.get("/locations/{location_id}", response_model=LocationOut, tags=["locations"])
def get_location(location_id: uuid.UUID, session: Session = Depends(get_session)):
    return _location_or_404(session, location_id)
