"""Notification preferences (channels, muted types, digest frequency, quiet hours).

Not mounted yet: see the note in ``app/main.py``. The worker reads the same table.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_internal
from libs.db import get_async_db
from services.communications_service.models import (
    DigestFrequency,
    NotificationPreference,
    NotificationType,
)
from services.communications_service.schemas import (
    PreferenceResponse,
    PreferenceUpdate,
    QuietHours,
)

router = APIRouter(prefix="/preferences", tags=["preferences"])

DEFAULTS = {
    "email_enabled": True,
    "push_enabled": True,
    "sms_enabled": False,
    "muted_types": [],
    "digest_frequency": DigestFrequency.WEEKLY,
    "quiet_hours_start": None,
    "quiet_hours_end": None,
}


async def _get_or_create(db: AsyncSession, member_id: uuid.UUID) -> NotificationPreference:
    pref = await db.scalar(
        select(NotificationPreference).where(NotificationPreference.member_id == member_id)
    )
    if pref is None:
        pref = NotificationPreference(member_id=member_id, **{**DEFAULTS, "muted_types": []})
        db.add(pref)
        await db.flush()
        await db.refresh(pref)
    return pref


@router.get("/me", response_model=PreferenceResponse)
async def my_preferences(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> NotificationPreference:
    return await _get_or_create(db, user.user_id)


@router.patch("/me", response_model=PreferenceResponse)
async def update_my_preferences(
    payload: PreferenceUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> NotificationPreference:
    pref = await _get_or_create(db, user.user_id)
    changes = payload.model_dump(exclude_unset=True, mode="json")
    for key, value in changes.items():
        setattr(pref, key, value)
    await db.flush()
    await db.refresh(pref)
    return pref


@router.put("/me/quiet-hours", response_model=PreferenceResponse)
async def set_quiet_hours(
    payload: QuietHours,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> NotificationPreference:
    pref = await _get_or_create(db, user.user_id)
    pref.quiet_hours_start = payload.start
    pref.quiet_hours_end = payload.end
    await db.flush()
    await db.refresh(pref)
    return pref


@router.post("/me/mute/{notification_type}", response_model=PreferenceResponse)
async def mute_type(
    notification_type: NotificationType,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> NotificationPreference:
    pref = await _get_or_create(db, user.user_id)
    if notification_type.value not in pref.muted_types:
        pref.muted_types = [*pref.muted_types, notification_type.value]
    await db.flush()
    await db.refresh(pref)
    return pref


@router.delete("/me/mute/{notification_type}", response_model=PreferenceResponse)
async def unmute_type(
    notification_type: NotificationType,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> NotificationPreference:
    pref = await _get_or_create(db, user.user_id)
    pref.muted_types = [t for t in pref.muted_types if t != notification_type.value]
    await db.flush()
    await db.refresh(pref)
    return pref


@router.post("/me/reset", response_model=PreferenceResponse)
async def reset_my_preferences(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> NotificationPreference:
    pref = await _get_or_create(db, user.user_id)
    for key, value in DEFAULTS.items():
        setattr(pref, key, list(value) if isinstance(value, list) else value)
    await db.flush()
    await db.refresh(pref)
    return pref


@router.get("/defaults")
async def default_preferences() -> dict[str, Any]:
    return {**DEFAULTS, "digest_frequency": DEFAULTS["digest_frequency"].value}


@router.get(
    "/{member_id}",
    response_model=PreferenceResponse,
    dependencies=[Depends(require_internal)],
)
async def member_preferences(
    member_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> NotificationPreference:
    """Read by the members service when it renders the profile settings screen."""
    return await _get_or_create(db, member_id)
