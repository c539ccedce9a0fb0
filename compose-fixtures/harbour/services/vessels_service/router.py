"""Owner and vessel registry endpoints."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from libs.service_client import ServiceUnavailable, get_service_client
from services.vessels_service.models import Owner, Vessel, VesselType
from services.vessels_service.schemas import (
    BerthAssignment,
    OwnerCreate,
    OwnerResponse,
    OwnerUpdate,
    VesselCreate,
    VesselPage,
    VesselResponse,
    VesselUpdate,
)

router = APIRouter(tags=["vessels"])


async def _get_owner(db: AsyncSession, owner_id: uuid.UUID, user: AuthUser) -> Owner:
    owner = await db.get(Owner, owner_id)
    if owner is None or (not user.is_admin and owner.account_user_id != user.user_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "owner not found")
    return owner


async def _get_vessel(db: AsyncSession, vessel_id: uuid.UUID) -> Vessel:
    vessel = await db.get(Vessel, vessel_id)
    if vessel is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "vessel not found")
    return vessel


async def _registration_taken(db: AsyncSession, registration_no: str, exclude: uuid.UUID | None):
    query = select(Vessel.id).where(func.upper(Vessel.registration_no) == registration_no.upper())
    if exclude is not None:
        query = query.where(Vessel.id != exclude)
    return (await db.execute(query)).first() is not None


@router.get("/owners", response_model=list[OwnerResponse])
async def list_owners(
    q: str | None = Query(default=None, min_length=2),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[Owner]:
    query = select(Owner).order_by(Owner.full_name)
    if q:
        query = query.where(Owner.full_name.ilike(f"%{q}%") | Owner.email.ilike(f"%{q}%"))
    return list((await db.execute(query)).scalars())


@router.post("/owners", response_model=OwnerResponse, status_code=status.HTTP_201_CREATED)
async def create_owner(
    payload: OwnerCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Owner:
    email = payload.email.lower()
    if (await db.execute(select(Owner.id).where(Owner.email == email))).first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "an owner with that email exists")
    owner = Owner(**payload.model_dump(exclude={"email"}), email=email)
    db.add(owner)
    await db.flush()
    return owner


@router.get("/owners/{owner_id}", response_model=OwnerResponse)
async def get_owner(
    owner_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Owner:
    return await _get_owner(db, owner_id, user)


@router.patch("/owners/{owner_id}", response_model=OwnerResponse)
async def update_owner(
    owner_id: uuid.UUID,
    payload: OwnerUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Owner:
    owner = await _get_owner(db, owner_id, user)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(owner, key, value)
    await db.flush()
    return owner


@router.get("/vessels", response_model=VesselPage)
async def list_vessels(
    vessel_type: VesselType | None = None,
    owner_id: uuid.UUID | None = None,
    min_length_m: Decimal | None = None,
    q: str | None = None,
    include_archived: bool = False,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
) -> dict:
    query = select(Vessel).order_by(Vessel.name)
    if not include_archived:
        query = query.where(Vessel.is_archived.is_(False))
    if vessel_type is not None:
        query = query.where(Vessel.vessel_type == vessel_type)
    if owner_id is not None:
        query = query.where(Vessel.owner_id == owner_id)
    if min_length_m is not None:
        query = query.where(Vessel.length_m >= min_length_m)
    if q:
        query = query.where(Vessel.name.ilike(f"%{q}%") | Vessel.registration_no.ilike(f"%{q}%"))
    total = (await db.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    items = (await db.execute(query.offset((page - 1) * size).limit(size))).scalars()
    return {"items": list(items), "total": total, "page": page, "size": size}


@router.get("/vessels/insurance/expiring", response_model=list[VesselResponse])
async def insurance_expiring(
    within_days: int = Query(default=30, ge=0, le=365),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[Vessel]:
    horizon = date.today() + timedelta(days=within_days)
    query = (
        select(Vessel)
        .where(
            Vessel.is_archived.is_(False),
            (Vessel.insurance_expires_on.is_(None)) | (Vessel.insurance_expires_on <= horizon),
        )
        .order_by(Vessel.insurance_expires_on.nulls_first(), Vessel.name)
    )
    return list((await db.execute(query)).scalars())


@router.post("/vessels", response_model=VesselResponse, status_code=status.HTTP_201_CREATED)
async def create_vessel(
    payload: VesselCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Vessel:
    if await db.get(Owner, payload.owner_id) is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown owner")
    if payload.registration_no and await _registration_taken(db, payload.registration_no, None):
        raise HTTPException(status.HTTP_409_CONFLICT, "registration number already on file")
    vessel = Vessel(**payload.model_dump())
    db.add(vessel)
    await db.flush()
    return vessel


@router.get("/vessels/{vessel_id}", response_model=VesselResponse)
async def get_vessel(vessel_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> Vessel:
    return await _get_vessel(db, vessel_id)


@router.patch("/vessels/{vessel_id}", response_model=VesselResponse)
async def update_vessel(
    vessel_id: uuid.UUID,
    payload: VesselUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Vessel:
    vessel = await _get_vessel(db, vessel_id)
    changes = payload.model_dump(exclude_unset=True)
    registration = changes.get("registration_no")
    if registration and await _registration_taken(db, registration, vessel.id):
        raise HTTPException(status.HTTP_409_CONFLICT, "registration number already on file")
    for key, value in changes.items():
        setattr(vessel, key, value)
    await db.flush()
    return vessel


@router.post("/vessels/{vessel_id}/archive", response_model=VesselResponse)
async def archive_vessel(
    vessel_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Vessel:
    vessel = await _get_vessel(db, vessel_id)
    if await _current_berth(vessel.id) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "vessel still holds a mooring contract")
    vessel.is_archived = True
    await db.flush()
    return vessel


async def _current_berth(vessel_id: uuid.UUID) -> dict | None:
    """The vessel's active mooring contract in the berths service, if any."""
    contracts = await get_service_client("berths").get(
        "/api/v1/contracts", vessel_id=str(vessel_id), status="active"
    )
    return contracts[0] if contracts else None


@router.get("/vessels/{vessel_id}/berth", response_model=BerthAssignment)
async def vessel_berth(
    vessel_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> BerthAssignment:
    vessel = await _get_vessel(db, vessel_id)
    try:
        contract = await _current_berth(vessel.id)
    except (ServiceUnavailable, httpx.HTTPStatusError):
        return BerthAssignment(
            vessel_id=vessel.id, berth_id=None, contract_id=None, source="unavailable"
        )
    if contract is None:
        return BerthAssignment(vessel_id=vessel.id, berth_id=None, contract_id=None, source="none")
    return BerthAssignment(
        vessel_id=vessel.id,
        berth_id=contract["berth_id"],
        contract_id=contract["id"],
        source="contract",
    )
