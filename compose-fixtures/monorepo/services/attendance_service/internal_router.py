"""Service-to-service endpoints: academy reads attendance, sessions closes registers."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import require_internal
from libs.db import get_async_db
from services.attendance_service.models import (
    AbsenceNotice,
    AttendanceRecord,
    AttendanceStatus,
    NoticeStatus,
)
from services.attendance_service.router import ATTENDED, _summarise, _upsert_record
from services.attendance_service.schemas import AttendanceSummary

router = APIRouter(
    prefix="/internal/attendance", tags=["internal"], dependencies=[Depends(require_internal)]
)


class CloseRegister(BaseModel):
    member_ids: list[uuid.UUID]


class CloseResult(BaseModel):
    absent: int
    excused: int
    already_recorded: int


@router.get("/members/{member_id}/stats", response_model=AttendanceSummary)
async def member_stats(
    member_id: uuid.UUID,
    start: date | None = None,
    end: date | None = None,
    db: AsyncSession = Depends(get_async_db),
) -> AttendanceSummary:
    return await _summarise(db, member_id, start, end)


@router.get("/sessions/{session_id}/count")
async def session_count(
    session_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> dict[str, int]:
    attended = await db.execute(
        select(func.count()).where(
            AttendanceRecord.session_id == session_id, AttendanceRecord.status.in_(ATTENDED)
        )
    )
    return {"attended": attended.scalar_one()}


@router.post("/sessions/{session_id}/close", response_model=CloseResult)
async def close_register(
    session_id: uuid.UUID, payload: CloseRegister, db: AsyncSession = Depends(get_async_db)
) -> CloseResult:
    """Called when a session completes: everyone booked without a mark becomes absent,
    or excused when a coach accepted their absence notice."""
    recorded = set(
        (
            await db.execute(
                select(AttendanceRecord.member_id).where(AttendanceRecord.session_id == session_id)
            )
        ).scalars()
    )
    excused = set(
        (
            await db.execute(
                select(AbsenceNotice.member_id).where(
                    AbsenceNotice.session_id == session_id,
                    AbsenceNotice.status == NoticeStatus.ACCEPTED,
                )
            )
        ).scalars()
    )
    result = CloseResult(absent=0, excused=0, already_recorded=0)
    for member_id in dict.fromkeys(payload.member_ids):
        if member_id in recorded:
            result.already_recorded += 1
            continue
        mark = AttendanceStatus.EXCUSED if member_id in excused else AttendanceStatus.ABSENT
        await _upsert_record(db, session_id, member_id, mark, None)
        if mark is AttendanceStatus.EXCUSED:
            result.excused += 1
        else:
            result.absent += 1
    return result
