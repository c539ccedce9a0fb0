"""Attendance endpoints: check-in and check-out, coach registers, absence notices, reports."""

from __future__ import annotations

import csv
import io
import logging
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_coach
from libs.db import get_async_db
from libs.service_client import ServiceUnavailable, get_service_client
from services.attendance_service.models import (
    AbsenceNotice,
    AttendanceLocation,
    AttendanceRecord,
    AttendanceStatus,
    CheckInMethod,
    NoticeStatus,
)
from services.attendance_service.schemas import (
    AttendanceSummary,
    CheckIn,
    CheckOut,
    LocationResponse,
    NoticeCreate,
    NoticeResponse,
    NoticeReview,
    RecordResponse,
    RecordUpdate,
    RegisterEntry,
)

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/attendance", tags=["attendance"])

CHECK_IN_OPENS = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=10)
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _fetch_session(session_id: uuid.UUID) -> dict[str, Any] | None:
    """The session as the sessions service knows it; None when that service is down."""
    try:
        return await get_service_client("sessions").get(f"/api/v1/internal/sessions/{session_id}")
    except ServiceUnavailable as exc:
        logger.warning("sessions service unavailable, accepting check-in blindly: %s", exc)
        return None
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == status.HTTP_404_NOT_FOUND:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown session") from exc
        raise


def _arrival_status(session: dict[str, Any] | None, at: datetime) -> AttendanceStatus:
    if session is None:
        return AttendanceStatus.PRESENT
    if session["status"] == "cancelled":
        raise HTTPException(status.HTTP_409_CONFLICT, "session was cancelled")
    starts_at = datetime.fromisoformat(session["starts_at"])
    if at < starts_at - CHECK_IN_OPENS:
        raise HTTPException(status.HTTP_409_CONFLICT, "check-in is not open yet")
    if at > datetime.fromisoformat(session["ends_at"]):
        raise HTTPException(status.HTTP_409_CONFLICT, "session is already over")
    return AttendanceStatus.LATE if at > starts_at + LATE_AFTER else AttendanceStatus.PRESENT


async def _get_record(
    db: AsyncSession, session_id: uuid.UUID, member_id: uuid.UUID
) -> AttendanceRecord | None:
    result = await db.execute(
        select(AttendanceRecord).where(
            AttendanceRecord.session_id == session_id, AttendanceRecord.member_id == member_id
        )
    )
    return result.scalar_one_or_none()


async def _get_record_or_404(db: AsyncSession, record_id: uuid.UUID) -> AttendanceRecord:
    record = await db.get(AttendanceRecord, record_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "attendance record not found")
    return record


async def _upsert_record(
    db: AsyncSession,
    session_id: uuid.UUID,
    member_id: uuid.UUID,
    status_: AttendanceStatus,
    recorded_by: uuid.UUID | None,
    method: CheckInMethod = CheckInMethod.COACH,
) -> AttendanceRecord:
    record = await _get_record(db, session_id, member_id)
    if record is None:
        record = AttendanceRecord(session_id=session_id, member_id=member_id, method=method)
        db.add(record)
    record.status = status_
    record.recorded_by_id = recorded_by
    await db.flush()
    return record


def _in_period(query: Select, start: date | None, end: date | None) -> Select:
    if start is not None:
        lower = datetime.combine(start, time.min, tzinfo=timezone.utc)
        query = query.where(AttendanceRecord.created_at >= lower)
    if end is not None:
        upper = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)
        query = query.where(AttendanceRecord.created_at < upper)
    return query


async def _summarise(
    db: AsyncSession, member_id: uuid.UUID, start: date | None = None, end: date | None = None
) -> AttendanceSummary:
    query = (
        select(AttendanceRecord.status, func.count())
        .where(AttendanceRecord.member_id == member_id)
        .group_by(AttendanceRecord.status)
    )
    query = _in_period(query, start, end)
    counts = {s: 0 for s in AttendanceStatus}
    counts.update({row[0]: row[1] for row in (await db.execute(query)).all()})
    total = sum(counts.values())
    attended = sum(counts[s] for s in ATTENDED)
    return AttendanceSummary(
        member_id=member_id,
        sessions=total,
        present=counts[AttendanceStatus.PRESENT],
        late=counts[AttendanceStatus.LATE],
        absent=counts[AttendanceStatus.ABSENT],
        excused=counts[AttendanceStatus.EXCUSED],
        rate=round(attended / total, 3) if total else 0.0,
    )


@router.post("/check-in", response_model=RecordResponse, status_code=status.HTTP_201_CREATED)
async def check_in(
    payload: CheckIn,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> AttendanceRecord:
    member_id = payload.member_id or user.user_id
    if member_id != user.user_id and not user.is_coach:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only coaches can check others in")
    location_id = None
    if payload.location_code is not None:
        location = (
            await db.execute(
                select(AttendanceLocation).where(
                    AttendanceLocation.code == payload.location_code,
                    AttendanceLocation.is_active.is_(True),
                )
            )
        ).scalar_one_or_none()
        if location is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown location code")
        location_id = location.id
    existing = await _get_record(db, payload.session_id, member_id)
    if existing is not None and existing.checked_in_at is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "already checked in")
    now = _now()
    arrival = _arrival_status(await _fetch_session(payload.session_id), now)
    method = CheckInMethod.SELF if member_id == user.user_id else CheckInMethod.COACH
    if payload.location_code is not None and method is CheckInMethod.SELF:
        method = CheckInMethod.KIOSK
    record = await _upsert_record(db, payload.session_id, member_id, arrival, user.user_id)
    record.method = method
    record.location_id = location_id
    record.checked_in_at = now
    await db.flush()
    await db.refresh(record)
    return record


@router.post("/check-out", response_model=RecordResponse)
async def check_out(
    payload: CheckOut,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> AttendanceRecord:
    record = await _get_record(db, payload.session_id, user.user_id)
    if record is None or record.checked_in_at is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "not checked in")
    if record.checked_out_at is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "already checked out")
    record.checked_out_at = _now()
    await db.flush()
    await db.refresh(record)
    return record


@router.get("/me", response_model=list[RecordResponse])
async def my_attendance(
    limit: int = Query(default=20, ge=1, le=100),
    offset: int = Query(default=0, ge=0),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[AttendanceRecord]:
    query = (
        select(AttendanceRecord)
        .where(AttendanceRecord.member_id == user.user_id)
        .order_by(AttendanceRecord.created_at.desc())
        .limit(limit)
        .offset(offset)
    )
    return list((await db.execute(query)).scalars())


@router.get("/me/summary", response_model=AttendanceSummary)
async def my_summary(
    start: date | None = None,
    end: date | None = None,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> AttendanceSummary:
    return await _summarise(db, user.user_id, start, end)


@router.put("/sessions/{session_id}/register", response_model=list[RecordResponse])
async def submit_register(
    session_id: uuid.UUID,
    entries: list[RegisterEntry],
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> list[AttendanceRecord]:
    """The coach's poolside register: one status per swimmer, replacing earlier marks."""
    if len({entry.member_id for entry in entries}) != len(entries):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "member listed twice")
    records = []
    for entry in entries:
        records.append(
            await _upsert_record(db, session_id, entry.member_id, entry.status, user.user_id)
        )
    for record in records:
        await db.refresh(record)
    return records


@router.get("/sessions/{session_id}", response_model=list[RecordResponse])
async def session_register(
    session_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[AttendanceRecord]:
    query = (
        select(AttendanceRecord)
        .where(AttendanceRecord.session_id == session_id)
        .order_by(AttendanceRecord.checked_in_at.nulls_last())
    )
    return list((await db.execute(query)).scalars())


@router.get("/records", response_model=list[RecordResponse])
async def list_records(
    member_id: uuid.UUID | None = None,
    session_id: uuid.UUID | None = None,
    status_: AttendanceStatus | None = Query(default=None, alias="status"),
    start: date | None = None,
    end: date | None = None,
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[AttendanceRecord]:
    query = select(AttendanceRecord)
    if member_id is not None:
        query = query.where(AttendanceRecord.member_id == member_id)
    if session_id is not None:
        query = query.where(AttendanceRecord.session_id == session_id)
    if status_ is not None:
        query = query.where(AttendanceRecord.status == status_)
    query = (
        _in_period(query, start, end)
        .order_by(AttendanceRecord.created_at.desc())
        .limit(limit)
        .offset(offset)
    )
    return list((await db.execute(query)).scalars())


@router.get("/records/export")
async def export_records(
    session_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> Response:
    query = select(AttendanceRecord).order_by(AttendanceRecord.session_id)
    if session_id is not None:
        query = query.where(AttendanceRecord.session_id == session_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["session_id", "member_id", "status", "checked_in_at", "checked_out_at"])
    for r in (await db.execute(query)).scalars():
        writer.writerow(
            [r.session_id, r.member_id, r.status.value, r.checked_in_at, r.checked_out_at]
        )
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="attendance.csv"'},
    )


@router.get("/records/{record_id}", response_model=RecordResponse)
async def get_record(
    record_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> AttendanceRecord:
    record = await _get_record_or_404(db, record_id)
    if record.member_id != user.user_id and not user.is_coach:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not your record")
    return record


@router.patch("/records/{record_id}", response_model=RecordResponse)
async def update_record(
    record_id: uuid.UUID,
    payload: RecordUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> AttendanceRecord:
    record = await _get_record_or_404(db, record_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(record, key, value)
    record.recorded_by_id = user.user_id
    await db.flush()
    await db.refresh(record)
    return record


@router.get("/reports/members/{member_id}", response_model=AttendanceSummary)
async def member_report(
    member_id: uuid.UUID,
    start: date | None = None,
    end: date | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> AttendanceSummary:
    return await _summarise(db, member_id, start, end)


@router.get("/locations", response_model=list[LocationResponse])
async def list_locations(
    include_inactive: bool = False, db: AsyncSession = Depends(get_async_db)
) -> list[AttendanceLocation]:
    query = select(AttendanceLocation).order_by(AttendanceLocation.name)
    if not include_inactive:
        query = query.where(AttendanceLocation.is_active.is_(True))
    return list((await db.execute(query)).scalars())


@router.post("/absences", response_model=NoticeResponse, status_code=status.HTTP_201_CREATED)
async def give_notice(
    payload: NoticeCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> AbsenceNotice:
    notice = AbsenceNotice(member_id=user.user_id, **payload.model_dump())
    db.add(notice)
    await db.flush()
    await db.refresh(notice)
    return notice


@router.get("/absences", response_model=list[NoticeResponse])
async def list_notices(
    status_: NoticeStatus = Query(default=NoticeStatus.PENDING, alias="status"),
    session_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[AbsenceNotice]:
    query = select(AbsenceNotice).where(AbsenceNotice.status == status_)
    if session_id is not None:
        query = query.where(AbsenceNotice.session_id == session_id)
    return list((await db.execute(query.order_by(AbsenceNotice.created_at))).scalars())


@router.post("/absences/{notice_id}/review", response_model=NoticeResponse)
async def review_notice(
    notice_id: uuid.UUID,
    payload: NoticeReview,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> AbsenceNotice:
    notice = await db.get(AbsenceNotice, notice_id)
    if notice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "absence notice not found")
    if notice.status is not NoticeStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, "notice already reviewed")
    notice.status = NoticeStatus.ACCEPTED if payload.accept else NoticeStatus.REJECTED
    notice.reviewed_by_id = user.user_id
    notice.reviewed_at = _now()
    if payload.accept:
        await _upsert_record(
            db, notice.session_id, notice.member_id, AttendanceStatus.EXCUSED, user.user_id
        )
    await db.flush()
    await db.refresh(notice)
    return notice
