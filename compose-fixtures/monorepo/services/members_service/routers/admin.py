"""Membership office: member records, status changes, notes and membership periods."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, require_admin
from libs.db import get_async_db
from services.members_service import service
from services.members_service.models import (
    Member,
    MemberNote,
    MembershipPeriod,
    MembershipPeriodStatus,
    MembershipTier,
    MemberStatus,
)
from services.members_service.schemas import (
    AdminMemberDetail,
    AdminMemberUpdate,
    ExpiryResult,
    MemberListItem,
    MemberNoteCreate,
    MemberNoteResponse,
    MemberResponse,
    MembershipPeriodCreate,
    MembershipPeriodResponse,
    Page,
    StatusChangeRequest,
)

router = APIRouter(
    prefix="/admin/members", tags=["admin-members"], dependencies=[Depends(require_admin)]
)


async def _get_member_or_404(db: AsyncSession, member_id: uuid.UUID) -> Member:
    member = await db.get(Member, member_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    return member


@router.get("/", response_model=Page[MemberListItem])
async def list_members(
    member_status: MemberStatus | None = Query(default=None, alias="status"),
    tier: MembershipTier | None = None,
    q: str | None = Query(default=None, min_length=2, max_length=100),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=25, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
) -> Page[MemberListItem]:
    query = select(Member).order_by(Member.created_at.desc())
    if member_status is not None:
        query = query.where(Member.status == member_status)
    if tier is not None:
        query = query.where(Member.membership_tier == tier)
    query = service.apply_search(
        query, q, Member.first_name, Member.last_name, Member.email, Member.membership_number
    )
    items, total = await service.paginate(db, query, page, page_size)
    return Page[MemberListItem](
        items=[MemberListItem.model_validate(item) for item in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.post("/memberships/expire", response_model=ExpiryResult)
async def expire_memberships(
    on: date | None = None, db: AsyncSession = Depends(get_async_db)
) -> ExpiryResult:
    """Close periods that ended before ``on`` and lapse members left without cover."""
    today = on or date.today()
    ended = list(
        (
            await db.execute(
                select(MembershipPeriod).where(
                    MembershipPeriod.status == MembershipPeriodStatus.ACTIVE,
                    MembershipPeriod.ends_on < today,
                )
            )
        ).scalars()
    )
    for period in ended:
        period.status = MembershipPeriodStatus.EXPIRED
    await db.flush()
    still_covered = exists().where(
        MembershipPeriod.member_id == Member.id,
        MembershipPeriod.status == MembershipPeriodStatus.ACTIVE,
    )
    to_lapse = list(
        (
            await db.execute(
                select(Member).where(
                    Member.id.in_({period.member_id for period in ended}),
                    Member.status == MemberStatus.ACTIVE,
                    ~still_covered,
                )
            )
        ).scalars()
    )
    for member in to_lapse:
        member.status = MemberStatus.LAPSED
        member.status_reason = "membership expired"
    await db.flush()
    return ExpiryResult(periods_expired=len(ended), members_lapsed=len(to_lapse))


@router.get("/{member_id}", response_model=AdminMemberDetail)
async def get_member_detail(
    member_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> Member:
    member = await db.scalar(
        select(Member)
        .where(Member.id == member_id)
        .options(
            selectinload(Member.emergency_contacts),
            selectinload(Member.membership_periods),
            selectinload(Member.notes),
        )
    )
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    return member


@router.patch("/{member_id}", response_model=MemberResponse)
async def update_member(
    member_id: uuid.UUID, payload: AdminMemberUpdate, db: AsyncSession = Depends(get_async_db)
) -> Member:
    member = await _get_member_or_404(db, member_id)
    changes = payload.model_dump(exclude_unset=True)
    if "email" in changes and changes["email"] != member.email:
        other = await service.find_member_by_email(db, changes["email"])
        if other is not None:
            raise HTTPException(status.HTTP_409_CONFLICT, "email already registered")
    for key, value in changes.items():
        setattr(member, key, value)
    await db.flush()
    await db.refresh(member)
    return member


@router.post("/{member_id}/status", response_model=MemberResponse)
async def change_status(
    member_id: uuid.UUID,
    payload: StatusChangeRequest,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> Member:
    member = await _get_member_or_404(db, member_id)
    try:
        first_activation = service.apply_status_change(
            member, payload.status, actor_id=admin.user_id, reason=payload.reason
        )
    except service.InvalidTransition as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    if first_activation:
        member.membership_number = await service.next_membership_number(db)
    await db.flush()
    await db.refresh(member)
    if first_activation:
        await service.send_member_notification(
            member, "membership_approved", membership_number=member.membership_number
        )
    return member


@router.get("/{member_id}/notes", response_model=list[MemberNoteResponse])
async def list_notes(
    member_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> list[MemberNote]:
    await _get_member_or_404(db, member_id)
    rows = await db.execute(
        select(MemberNote)
        .where(MemberNote.member_id == member_id)
        .order_by(MemberNote.is_pinned.desc(), MemberNote.created_at.desc())
    )
    return list(rows.scalars())


@router.post(
    "/{member_id}/notes", response_model=MemberNoteResponse, status_code=status.HTTP_201_CREATED
)
async def add_note(
    member_id: uuid.UUID,
    payload: MemberNoteCreate,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> MemberNote:
    await _get_member_or_404(db, member_id)
    note = MemberNote(member_id=member_id, author_id=admin.user_id, **payload.model_dump())
    db.add(note)
    await db.flush()
    await db.refresh(note)
    return note


@router.delete("/{member_id}/notes/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_note(
    member_id: uuid.UUID, note_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> None:
    note = await db.get(MemberNote, note_id)
    if note is None or note.member_id != member_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "note not found")
    await db.delete(note)


@router.get("/{member_id}/memberships", response_model=list[MembershipPeriodResponse])
async def list_memberships(
    member_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> list[MembershipPeriod]:
    await _get_member_or_404(db, member_id)
    rows = await db.execute(
        select(MembershipPeriod)
        .where(MembershipPeriod.member_id == member_id)
        .order_by(MembershipPeriod.starts_on.desc())
    )
    return list(rows.scalars())


@router.post(
    "/{member_id}/memberships",
    response_model=MembershipPeriodResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_membership(
    member_id: uuid.UUID, payload: MembershipPeriodCreate, db: AsyncSession = Depends(get_async_db)
) -> MembershipPeriod:
    member = await _get_member_or_404(db, member_id)
    if member.status in (MemberStatus.PENDING, MemberStatus.ARCHIVED):
        raise HTTPException(status.HTTP_409_CONFLICT, f"member is {member.status.value}")
    overlap = await db.scalar(
        select(MembershipPeriod.id).where(
            MembershipPeriod.member_id == member_id,
            MembershipPeriod.status == MembershipPeriodStatus.ACTIVE,
            MembershipPeriod.starts_on <= payload.ends_on,
            MembershipPeriod.ends_on >= payload.starts_on,
        )
    )
    if overlap is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "overlaps an active membership period")
    period = MembershipPeriod(member_id=member_id, **payload.model_dump())
    db.add(period)
    member.membership_tier = payload.tier
    if member.status is MemberStatus.LAPSED:
        member.status = MemberStatus.ACTIVE
        member.status_reason = None
    await db.flush()
    await db.refresh(period)
    return period
