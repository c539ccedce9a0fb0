"""Member self-service and directory endpoints.

The literal paths (``/members/me``, ``/members/public``, ``/members/stats``) are declared
before ``/members/{member_id}``: FastAPI matches in declaration order.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin
from libs.db import get_async_db
from services.members_service import service
from services.members_service.models import (
    EmergencyContact,
    Member,
    MemberStatus,
    SwimLevel,
)
from services.members_service.schemas import (
    EmergencyContactCreate,
    EmergencyContactResponse,
    EmergencyContactUpdate,
    MemberPublic,
    MemberResponse,
    MemberSelfUpdate,
    MemberStats,
    Page,
    ReferralEntry,
)

router = APIRouter(prefix="/members", tags=["members"])

MAX_EMERGENCY_CONTACTS = 3


async def _current_member(db: AsyncSession, user: AuthUser) -> Member:
    member = await service.get_member_by_auth(db, user.user_id)
    if member is None or member.status is MemberStatus.ARCHIVED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no member profile; register first")
    return member


async def _clear_primary_contact(db: AsyncSession, member_id: uuid.UUID) -> None:
    await db.execute(
        update(EmergencyContact)
        .where(EmergencyContact.member_id == member_id)
        .values(is_primary=False)
    )


@router.get("/me", response_model=MemberResponse)
async def get_me(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> Member:
    return await _current_member(db, user)


@router.patch("/me", response_model=MemberResponse)
async def update_me(
    payload: MemberSelfUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Member:
    member = await _current_member(db, user)
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("show_in_directory") and member.status is not MemberStatus.ACTIVE:
        raise HTTPException(status.HTTP_409_CONFLICT, "only active members appear in the directory")
    for key, value in changes.items():
        setattr(member, key, value)
    await db.flush()
    await db.refresh(member)
    return member


@router.get("/me/emergency-contacts", response_model=list[EmergencyContactResponse])
async def list_my_contacts(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> list[EmergencyContact]:
    member = await _current_member(db, user)
    rows = await db.execute(
        select(EmergencyContact)
        .where(EmergencyContact.member_id == member.id)
        .order_by(EmergencyContact.is_primary.desc(), EmergencyContact.name)
    )
    return list(rows.scalars())


@router.post(
    "/me/emergency-contacts",
    response_model=EmergencyContactResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_my_contact(
    payload: EmergencyContactCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> EmergencyContact:
    member = await _current_member(db, user)
    existing = list(
        (
            await db.execute(
                select(EmergencyContact).where(EmergencyContact.member_id == member.id)
            )
        ).scalars()
    )
    if len(existing) >= MAX_EMERGENCY_CONTACTS:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"at most {MAX_EMERGENCY_CONTACTS} emergency contacts"
        )
    if payload.is_primary:
        await _clear_primary_contact(db, member.id)
    contact = EmergencyContact(member_id=member.id, **payload.model_dump())
    contact.is_primary = payload.is_primary or not existing
    db.add(contact)
    await db.flush()
    await db.refresh(contact)
    return contact


@router.patch("/me/emergency-contacts/{contact_id}", response_model=EmergencyContactResponse)
async def update_my_contact(
    contact_id: uuid.UUID,
    payload: EmergencyContactUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> EmergencyContact:
    member = await _current_member(db, user)
    contact = await db.get(EmergencyContact, contact_id)
    if contact is None or contact.member_id != member.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "contact not found")
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("is_primary"):
        await _clear_primary_contact(db, member.id)
    for key, value in changes.items():
        setattr(contact, key, value)
    await db.flush()
    await db.refresh(contact)
    return contact


@router.delete("/me/emergency-contacts/{contact_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_my_contact(
    contact_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> None:
    member = await _current_member(db, user)
    contact = await db.get(EmergencyContact, contact_id)
    if contact is None or contact.member_id != member.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "contact not found")
    if service.is_minor(member) and contact.is_primary:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "junior members must keep a primary emergency contact"
        )
    await db.delete(contact)


@router.get("/me/referrals", response_model=list[ReferralEntry])
async def my_referrals(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(get_current_user)
) -> list[Member]:
    member = await _current_member(db, user)
    rows = await db.execute(
        select(Member).where(Member.referred_by_id == member.id).order_by(Member.created_at)
    )
    return list(rows.scalars())


@router.get("/public", response_model=Page[MemberPublic])
async def member_directory(
    q: str | None = Query(default=None, min_length=2, max_length=50),
    swim_level: SwimLevel | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=20, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(get_current_user),
) -> Page[MemberPublic]:
    query = (
        select(Member)
        .where(Member.status == MemberStatus.ACTIVE, Member.show_in_directory.is_(True))
        .order_by(Member.last_name, Member.first_name)
    )
    query = service.apply_search(query, q, Member.first_name, Member.last_name, Member.city)
    if swim_level is not None:
        query = query.where(Member.swim_level == swim_level)
    items, total = await service.paginate(db, query, page, page_size)
    return Page[MemberPublic](
        items=[MemberPublic.model_validate(item) for item in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/stats", response_model=MemberStats)
async def stats(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(require_admin)
) -> MemberStats:
    return MemberStats(**await service.member_stats(db))


@router.get("/{member_id}", response_model=MemberPublic)
async def get_member(
    member_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Member:
    member = await db.get(Member, member_id)
    visible = member is not None and (
        user.is_admin
        or member.auth_id == user.user_id
        or (member.show_in_directory and member.status is MemberStatus.ACTIVE)
    )
    if not visible:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    return member
