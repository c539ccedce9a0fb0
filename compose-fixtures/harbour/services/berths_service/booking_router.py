"""Visitor booking endpoints: quote, book, check in and out."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from services.berths_service.models import Berth, BerthStatus, Booking, BookingStatus
from services.berths_service.router import (
    berth_is_free,
    fetch_vessel,
    get_berth_or_404,
    quote_stay,
    vessel_dimensions,
)
from services.berths_service.schemas import BookingCreate, BookingResponse, BookingStatusChange

router = APIRouter(prefix="/bookings", tags=["bookings"])

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "HB-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


async def _get_booking(db: AsyncSession, booking_id: uuid.UUID, user: AuthUser) -> Booking:
    booking = await db.get(Booking, booking_id)
    if booking is None or (not user.is_admin and booking.booked_by != user.user_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    return booking


@router.post("", response_model=BookingResponse, status_code=status.HTTP_201_CREATED)
async def create_booking(
    payload: BookingCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Booking:
    if payload.arrival < date.today():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "arrival is in the past")
    berth = await get_berth_or_404(db, payload.berth_id)
    if not berth.is_bookable:
        raise HTTPException(status.HTTP_409_CONFLICT, f"berth is {berth.status.value}")
    vessel = await fetch_vessel(payload.vessel_id)
    if vessel is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown vessel")
    if not berth.fits(*vessel_dimensions(vessel)):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "vessel does not fit the berth")
    # Lock the berth row so two concurrent bookings cannot both see it free.
    await db.execute(select(Berth.id).where(Berth.id == berth.id).with_for_update())
    if not await berth_is_free(db, berth.id, payload.arrival, payload.departure):
        raise HTTPException(status.HTTP_409_CONFLICT, "berth is already booked for those nights")
    booking = Booking(
        **payload.model_dump(),
        reference=new_reference(),
        booked_by=user.user_id,
        nightly_rate=berth.nightly_rate,
        total_amount=quote_stay(berth, payload.arrival, payload.departure),
    )
    db.add(booking)
    await db.flush()
    return booking


@router.get("", response_model=list[BookingResponse])
async def list_bookings(
    booking_status: BookingStatus | None = Query(default=None, alias="status"),
    arriving_on: date | None = None,
    berth_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[Booking]:
    query = select(Booking).order_by(Booking.arrival, Booking.reference)
    if not user.is_admin:
        query = query.where(Booking.booked_by == user.user_id)
    if booking_status is not None:
        query = query.where(Booking.status == booking_status)
    if arriving_on is not None:
        query = query.where(Booking.arrival == arriving_on)
    if berth_id is not None:
        query = query.where(Booking.berth_id == berth_id)
    return list((await db.execute(query)).scalars())


@router.get("/by-reference/{reference}", response_model=BookingResponse)
async def get_booking_by_reference(
    reference: str,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Booking:
    booking = (
        await db.execute(select(Booking).where(Booking.reference == reference.upper()))
    ).scalar_one_or_none()
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "booking not found")
    return booking


@router.get("/{booking_id}", response_model=BookingResponse)
async def get_booking(
    booking_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Booking:
    return await _get_booking(db, booking_id, user)


@router.post("/{booking_id}/status", response_model=BookingResponse)
async def change_booking_status(
    booking_id: uuid.UUID,
    payload: BookingStatusChange,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Booking:
    booking = await _get_booking(db, booking_id, user)
    if not user.is_admin and payload.status != BookingStatus.CANCELLED:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the office can change that")
    if not booking.can_transition_to(payload.status):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move a {booking.status.value} booking to {payload.status.value}",
        )
    berth = await get_berth_or_404(db, booking.berth_id)
    now = datetime.now(timezone.utc)
    if payload.status == BookingStatus.CHECKED_IN:
        booking.checked_in_at = now
        berth.status = BerthStatus.OCCUPIED
    elif payload.status == BookingStatus.CHECKED_OUT:
        booking.checked_out_at = now
        berth.status = BerthStatus.AVAILABLE
    elif payload.status == BookingStatus.CANCELLED:
        booking.cancel_reason = payload.reason
    booking.status = payload.status
    await db.flush()
    return booking
