"""Pontoon, berth and mooring contract endpoints.

Visitor bookings live in ``booking_router.py``; it reuses the availability helpers below.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from libs.service_client import ServiceUnavailable, get_service_client
from services.berths_service.models import (
    HOLDING_BOOKING_STATUSES,
    Berth,
    BerthInspection,
    BerthStatus,
    BerthType,
    Booking,
    BookingStatus,
    ContractStatus,
    InspectionOutcome,
    MooringContract,
    Pontoon,
    ShorePower,
)
from services.berths_service.schemas import (
    AvailableBerth,
    BerthCreate,
    BerthResponse,
    BerthStatusChange,
    BerthUpdate,
    ContractCreate,
    ContractResponse,
    ContractTermination,
    InspectionCreate,
    InspectionResponse,
    Page,
    PontoonCreate,
    PontoonDetail,
    PontoonResponse,
    PontoonUpdate,
)

router = APIRouter(tags=["berths"])

WEEKLY_DISCOUNT = Decimal("0.10")


async def paginate(db: AsyncSession, query: Select[Any], page: int, size: int) -> tuple[list, int]:
    total = (await db.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (await db.execute(query.offset((page - 1) * size).limit(size))).scalars()
    return list(rows), int(total)


async def get_berth_or_404(db: AsyncSession, berth_id: uuid.UUID) -> Berth:
    berth = await db.get(Berth, berth_id)
    if berth is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "berth not found")
    return berth


async def fetch_vessel(vessel_id: uuid.UUID) -> dict[str, Any] | None:
    """The vessel's registry entry from the vessels service (None when it does not exist)."""
    try:
        return await get_service_client("vessels").get(f"/api/v1/vessels/{vessel_id}")
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == status.HTTP_404_NOT_FOUND:
            return None
        raise
    except ServiceUnavailable as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "vessel registry unavailable"
        ) from exc


def vessel_dimensions(vessel: dict[str, Any]) -> tuple[Decimal, Decimal, Decimal | None]:
    draft = vessel.get("draft_m")
    return (
        Decimal(str(vessel["length_m"])),
        Decimal(str(vessel["beam_m"])),
        Decimal(str(draft)) if draft is not None else None,
    )


def quote_stay(berth: Berth, arrival: date, departure: date) -> Decimal:
    nights = (departure - arrival).days
    amount = berth.nightly_rate * nights
    if nights >= 7:
        amount -= (amount * WEEKLY_DISCOUNT).quantize(Decimal("0.01"))
    return amount


async def berth_is_free(
    db: AsyncSession,
    berth_id: uuid.UUID,
    arrival: date,
    departure: date,
    exclude_booking: uuid.UUID | None = None,
) -> bool:
    """No holding booking and no live contract on the berth for any night of the stay."""
    clash = select(Booking.id).where(
        Booking.berth_id == berth_id,
        Booking.status.in_(HOLDING_BOOKING_STATUSES),
        Booking.arrival < departure,
        Booking.departure > arrival,
    )
    if exclude_booking is not None:
        clash = clash.where(Booking.id != exclude_booking)
    if (await db.execute(clash.limit(1))).first() is not None:
        return False
    contract = select(MooringContract.id).where(
        MooringContract.berth_id == berth_id,
        MooringContract.status.in_((ContractStatus.ACTIVE, ContractStatus.SUSPENDED)),
        MooringContract.starts_on < departure,
        MooringContract.ends_on > arrival,
    )
    return (await db.execute(contract.limit(1))).first() is None


@router.get("/pontoons", response_model=list[PontoonResponse])
async def list_pontoons(
    visitor_only: bool = False, db: AsyncSession = Depends(get_async_db)
) -> list[Pontoon]:
    query = select(Pontoon).order_by(Pontoon.code)
    if visitor_only:
        query = query.where(Pontoon.is_visitor.is_(True))
    return list((await db.execute(query)).scalars())


@router.post("/pontoons", response_model=PontoonResponse, status_code=status.HTTP_201_CREATED)
async def create_pontoon(
    payload: PontoonCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Pontoon:
    existing = await db.execute(select(Pontoon.id).where(Pontoon.code == payload.code))
    if existing.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"pontoon {payload.code} already exists")
    pontoon = Pontoon(**payload.model_dump())
    db.add(pontoon)
    await db.flush()
    return pontoon


@router.get("/pontoons/{pontoon_id}", response_model=PontoonDetail)
async def get_pontoon(pontoon_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> dict:
    pontoon = await db.get(Pontoon, pontoon_id, options=[selectinload(Pontoon.berths)])
    if pontoon is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "pontoon not found")
    base = PontoonResponse.model_validate(pontoon).model_dump()
    return {
        **base,
        "berths": pontoon.berths,
        "free_berths": sum(1 for b in pontoon.berths if b.status == BerthStatus.AVAILABLE),
    }


@router.patch("/pontoons/{pontoon_id}", response_model=PontoonResponse)
async def update_pontoon(
    pontoon_id: uuid.UUID,
    payload: PontoonUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Pontoon:
    pontoon = await db.get(Pontoon, pontoon_id)
    if pontoon is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "pontoon not found")
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(pontoon, key, value)
    await db.flush()
    return pontoon


@router.get("/berths", response_model=Page[BerthResponse])
async def list_berths(
    pontoon_id: uuid.UUID | None = None,
    berth_status: BerthStatus | None = Query(default=None, alias="status"),
    berth_type: BerthType | None = None,
    min_length_m: Decimal | None = None,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
) -> dict:
    query = select(Berth).order_by(Berth.pontoon_id, Berth.number)
    if pontoon_id is not None:
        query = query.where(Berth.pontoon_id == pontoon_id)
    if berth_status is not None:
        query = query.where(Berth.status == berth_status)
    if berth_type is not None:
        query = query.where(Berth.berth_type == berth_type)
    if min_length_m is not None:
        query = query.where(Berth.max_length_m >= min_length_m)
    items, total = await paginate(db, query, page, size)
    return {"items": items, "total": total, "page": page, "size": size}


@router.get("/berths/available", response_model=list[AvailableBerth])
async def available_berths(
    arrival: date,
    departure: date,
    length_m: Decimal = Query(gt=0),
    beam_m: Decimal = Query(gt=0),
    draft_m: Decimal | None = Query(default=None, gt=0),
    shore_power: ShorePower | None = None,
    db: AsyncSession = Depends(get_async_db),
) -> list[AvailableBerth]:
    if departure <= arrival:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "departure must be after arrival"
        )
    query = (
        select(Berth)
        .join(Pontoon)
        .where(
            Berth.status.in_((BerthStatus.AVAILABLE, BerthStatus.RESERVED)),
            Berth.max_length_m >= length_m,
            Berth.max_beam_m >= beam_m,
        )
        .options(selectinload(Berth.pontoon))
        .order_by(Pontoon.is_visitor.desc(), Berth.max_length_m, Berth.number)
    )
    if draft_m is not None:
        query = query.where(Pontoon.max_draft_m >= draft_m)
    if shore_power is not None:
        query = query.where(Berth.shore_power == shore_power)
    result = []
    for berth in (await db.execute(query)).scalars():
        if not berth.fits(length_m, beam_m, draft_m):
            continue
        if await berth_is_free(db, berth.id, arrival, departure):
            result.append(
                AvailableBerth(
                    berth=BerthResponse.model_validate(berth),
                    pontoon_code=berth.pontoon.code,
                    nights=(departure - arrival).days,
                    quote=quote_stay(berth, arrival, departure),
                )
            )
    return result


@router.get("/berths/{berth_id}", response_model=BerthResponse)
async def get_berth(berth_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> Berth:
    return await get_berth_or_404(db, berth_id)


@router.post("/berths", response_model=BerthResponse, status_code=status.HTTP_201_CREATED)
async def create_berth(
    payload: BerthCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Berth:
    pontoon = await db.get(Pontoon, payload.pontoon_id)
    if pontoon is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown pontoon")
    if payload.max_draft_m is not None and payload.max_draft_m > pontoon.max_draft_m:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "berth draft exceeds the pontoon's depth"
        )
    taken = await db.execute(
        select(Berth.id).where(Berth.pontoon_id == pontoon.id, Berth.number == payload.number)
    )
    if taken.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "berth number already used on this pontoon")
    berth = Berth(**payload.model_dump())
    if berth.max_draft_m is None:
        berth.max_draft_m = pontoon.max_draft_m
    db.add(berth)
    await db.flush()
    return berth


@router.patch("/berths/{berth_id}", response_model=BerthResponse)
async def update_berth(
    berth_id: uuid.UUID,
    payload: BerthUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Berth:
    berth = await get_berth_or_404(db, berth_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(berth, key, value)
    await db.flush()
    return berth


@router.post("/berths/{berth_id}/status", response_model=BerthResponse)
async def change_berth_status(
    berth_id: uuid.UUID,
    payload: BerthStatusChange,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Berth:
    berth = await get_berth_or_404(db, berth_id)
    if payload.status in (BerthStatus.MAINTENANCE, BerthStatus.CLOSED):
        aboard = await db.execute(
            select(Booking.id).where(
                Booking.berth_id == berth.id, Booking.status == BookingStatus.CHECKED_IN
            )
        )
        if aboard.first() is not None:
            raise HTTPException(status.HTTP_409_CONFLICT, "a visitor is checked in on this berth")
    berth.status = payload.status
    if payload.reason:
        berth.notes = payload.reason
    await db.flush()
    return berth


@router.get("/berths/{berth_id}/inspections", response_model=list[InspectionResponse])
async def list_inspections(
    berth_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> list[BerthInspection]:
    await get_berth_or_404(db, berth_id)
    query = (
        select(BerthInspection)
        .where(BerthInspection.berth_id == berth_id)
        .order_by(BerthInspection.inspected_on.desc())
    )
    return list((await db.execute(query)).scalars())


@router.post(
    "/berths/{berth_id}/inspections",
    response_model=InspectionResponse,
    status_code=status.HTTP_201_CREATED,
)
async def record_inspection(
    berth_id: uuid.UUID,
    payload: InspectionCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> BerthInspection:
    berth = await get_berth_or_404(db, berth_id)
    inspection = BerthInspection(berth_id=berth.id, **payload.model_dump())
    db.add(inspection)
    if payload.outcome == InspectionOutcome.FAIL and berth.status == BerthStatus.AVAILABLE:
        berth.status = BerthStatus.MAINTENANCE
    await db.flush()
    return inspection


@router.get("/contracts", response_model=list[ContractResponse])
async def list_contracts(
    contract_status: ContractStatus | None = Query(default=None, alias="status"),
    berth_id: uuid.UUID | None = None,
    vessel_id: uuid.UUID | None = None,
    expiring_within_days: int | None = Query(default=None, ge=1, le=365),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[MooringContract]:
    query = select(MooringContract).order_by(MooringContract.ends_on)
    if contract_status is not None:
        query = query.where(MooringContract.status == contract_status)
    if berth_id is not None:
        query = query.where(MooringContract.berth_id == berth_id)
    if vessel_id is not None:
        query = query.where(MooringContract.vessel_id == vessel_id)
    if expiring_within_days is not None:
        horizon = date.today() + timedelta(days=expiring_within_days)
        query = query.where(MooringContract.ends_on <= horizon)
    return list((await db.execute(query)).scalars())


@router.post("/contracts", response_model=ContractResponse, status_code=status.HTTP_201_CREATED)
async def create_contract(
    payload: ContractCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MooringContract:
    berth = await get_berth_or_404(db, payload.berth_id)
    vessel = await fetch_vessel(payload.vessel_id)
    if vessel is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown vessel")
    if not berth.fits(*vessel_dimensions(vessel)):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "vessel does not fit the berth")
    if not await berth_is_free(db, berth.id, payload.starts_on, payload.ends_on):
        raise HTTPException(status.HTTP_409_CONFLICT, "berth is taken for part of the term")
    contract = MooringContract(**payload.model_dump())
    db.add(contract)
    await db.flush()
    return contract


async def _get_contract_or_404(db: AsyncSession, contract_id: uuid.UUID) -> MooringContract:
    contract = await db.get(MooringContract, contract_id)
    if contract is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "contract not found")
    return contract


def _transition(contract: MooringContract, new_status: ContractStatus) -> None:
    if not contract.can_transition_to(new_status):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move a {contract.status.value} contract to {new_status.value}",
        )
    contract.status = new_status


@router.get("/contracts/{contract_id}", response_model=ContractResponse)
async def get_contract(
    contract_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> MooringContract:
    contract = await _get_contract_or_404(db, contract_id)
    if not user.is_admin and contract.holder_id != user.user_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "contract not found")
    return contract


@router.post("/contracts/{contract_id}/activate", response_model=ContractResponse)
async def activate_contract(
    contract_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MooringContract:
    contract = await _get_contract_or_404(db, contract_id)
    _transition(contract, ContractStatus.ACTIVE)
    berth = await get_berth_or_404(db, contract.berth_id)
    if contract.covers(date.today()):
        berth.status = BerthStatus.OCCUPIED
    await db.flush()
    return contract


@router.post("/contracts/{contract_id}/terminate", response_model=ContractResponse)
async def terminate_contract(
    contract_id: uuid.UUID,
    payload: ContractTermination,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MooringContract:
    contract = await _get_contract_or_404(db, contract_id)
    _transition(contract, ContractStatus.TERMINATED)
    contract.termination_reason = payload.reason
    berth = await get_berth_or_404(db, contract.berth_id)
    if berth.status == BerthStatus.OCCUPIED:
        berth.status = BerthStatus.AVAILABLE
    await db.flush()
    return contract


@router.post(
    "/contracts/{contract_id}/renew",
    response_model=ContractResponse,
    status_code=status.HTTP_201_CREATED,
)
async def renew_contract(
    contract_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MooringContract:
    contract = await _get_contract_or_404(db, contract_id)
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.EXPIRED):
        raise HTTPException(status.HTTP_409_CONFLICT, "only active or expired contracts renew")
    renewed = await db.execute(
        select(MooringContract.id).where(MooringContract.renewed_from_id == contract.id)
    )
    if renewed.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "contract already renewed")
    term = contract.ends_on - contract.starts_on
    successor = MooringContract(
        berth_id=contract.berth_id,
        vessel_id=contract.vessel_id,
        holder_id=contract.holder_id,
        starts_on=contract.ends_on,
        ends_on=contract.ends_on + term,
        billing_cycle=contract.billing_cycle,
        annual_fee=contract.annual_fee,
        deposit=contract.deposit,
        auto_renew=contract.auto_renew,
        renewed_from_id=contract.id,
    )
    db.add(successor)
    await db.flush()
    return successor
