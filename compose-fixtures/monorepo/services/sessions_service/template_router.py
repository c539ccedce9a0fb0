"""Weekly session templates and generation of the schedule from them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, require_admin
from libs.db import get_async_db
from services.sessions_service.models import (
    CoachRole,
    SessionCoach,
    SessionTemplate,
    SessionTemplateSkip,
    TrainingSession,
    Weekday,
)
from services.sessions_service.router import get_clock

from .template_schemas import (
    GenerateRequest,
    GenerateResult,
    TemplateCreate,
    TemplateResponse,
    TemplateSkipCreate,
    TemplateSkipResponse,
    TemplateUpdate,
)

router = APIRouter(prefix="/sessions/templates", tags=["session-templates"])

MAX_GENERATION_SPAN = timedelta(weeks=12)


async def _get_template_or_404(db: AsyncSession, template_id: uuid.UUID) -> SessionTemplate:
    template = (
        await db.execute(
            select(SessionTemplate)
            .options(selectinload(SessionTemplate.skips))
            .where(SessionTemplate.id == template_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if template is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "template not found")
    return template


def _occurrences(template: SessionTemplate, start: date, end: date) -> Iterator[date]:
    """Every date in [start, end] that falls on the template's weekday and validity window."""
    first = max(start, template.valid_from)
    last = min(end, template.valid_until) if template.valid_until else end
    day = first + timedelta(days=(template.weekday.iso_index - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(weeks=1)


def _session_for(template: SessionTemplate, day: date, now: datetime) -> TrainingSession:
    starts_at = datetime.combine(day, template.start_time, tzinfo=timezone.utc)
    session = TrainingSession(
        title=template.name,
        session_type=template.session_type,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=template.duration_minutes),
        pool_name=template.pool_name,
        lanes=template.lanes,
        capacity=template.capacity,
        cohort_id=template.cohort_id,
        template_id=template.id,
    )
    if template.default_coach_id is not None:
        session.coaches = [
            SessionCoach(coach_id=template.default_coach_id, role=CoachRole.LEAD, assigned_at=now)
        ]
    return session


@router.get("", response_model=list[TemplateResponse])
async def list_templates(
    active_only: bool = True,
    weekday: Weekday | None = None,
    cohort_id: uuid.UUID | None = None,
    db: AsyncSession = Depends(get_async_db),
) -> list[SessionTemplate]:
    query = select(SessionTemplate).options(selectinload(SessionTemplate.skips))
    if active_only:
        query = query.where(SessionTemplate.is_active.is_(True))
    if weekday is not None:
        query = query.where(SessionTemplate.weekday == weekday)
    if cohort_id is not None:
        query = query.where(SessionTemplate.cohort_id == cohort_id)
    query = query.order_by(SessionTemplate.weekday, SessionTemplate.start_time)
    return list((await db.execute(query)).scalars())


@router.post("", response_model=TemplateResponse, status_code=status.HTTP_201_CREATED)
async def create_template(
    payload: TemplateCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> SessionTemplate:
    if payload.valid_until is not None and payload.valid_until < payload.valid_from:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "valid_until before valid_from")
    template = SessionTemplate(**payload.model_dump())
    db.add(template)
    await db.flush()
    return await _get_template_or_404(db, template.id)


@router.get("/{template_id}", response_model=TemplateResponse)
async def get_template(
    template_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> SessionTemplate:
    return await _get_template_or_404(db, template_id)


@router.patch("/{template_id}", response_model=TemplateResponse)
async def update_template(
    template_id: uuid.UUID,
    payload: TemplateUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> SessionTemplate:
    template = await _get_template_or_404(db, template_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(template, key, value)
    if template.valid_until is not None and template.valid_until < template.valid_from:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "valid_until before valid_from")
    await db.flush()
    return await _get_template_or_404(db, template_id)


@router.delete("/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def retire_template(
    template_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
    now: datetime = Depends(get_clock),
) -> None:
    """Templates are retired, not deleted: generated sessions keep pointing at them."""
    template = await _get_template_or_404(db, template_id)
    template.is_active = False
    if template.valid_until is None or template.valid_until > now.date():
        template.valid_until = now.date()


@router.post(
    "/{template_id}/skips",
    response_model=TemplateSkipResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_skip(
    template_id: uuid.UUID,
    payload: TemplateSkipCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> SessionTemplateSkip:
    template = await _get_template_or_404(db, template_id)
    if any(skip.day == payload.day for skip in template.skips):
        raise HTTPException(status.HTTP_409_CONFLICT, "day already skipped")
    skip = SessionTemplateSkip(template_id=template.id, **payload.model_dump())
    db.add(skip)
    await db.flush()
    return skip


@router.post("/{template_id}/generate", response_model=GenerateResult)
async def generate_sessions(
    template_id: uuid.UUID,
    payload: GenerateRequest,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
    now: datetime = Depends(get_clock),
) -> GenerateResult:
    template = await _get_template_or_404(db, template_id)
    if not template.is_active:
        raise HTTPException(status.HTTP_409_CONFLICT, "template is retired")
    if payload.end < payload.start or payload.end - payload.start > MAX_GENERATION_SPAN:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "range must be forward and at most 12 weeks"
        )
    skipped = {skip.day for skip in template.skips}
    existing = {
        starts_at.date()
        for starts_at in (
            await db.execute(
                select(TrainingSession.starts_at).where(TrainingSession.template_id == template.id)
            )
        ).scalars()
    }
    result = GenerateResult(planned_days=[], created=[], skipped_days=[], existing_days=[])
    for day in _occurrences(template, max(payload.start, now.date()), payload.end):
        if day in skipped:
            result.skipped_days.append(day)
        elif day in existing:
            result.existing_days.append(day)
        else:
            result.planned_days.append(day)
            if payload.dry_run:
                continue
            session = _session_for(template, day, now)
            db.add(session)
            await db.flush()
            result.created.append(session.id)
    return result
