"""Transactional email: the outbox, template previews, provider webhooks and suppressions.

The router has no prefix of its own; ``app/main.py`` mounts it under ``/api/v1/email``.
Delivery itself happens in the worker (``tasks.send_email``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user, require_admin, require_coach, require_internal
from libs.db import get_async_db
from services.communications_service.models import (
    EmailEvent,
    EmailEventType,
    EmailMessage,
    EmailStatus,
    EmailSuppression,
    MemberRef,
)
from services.communications_service.router import enqueue_job
from services.communications_service.schemas import (
    EmailDetail,
    EmailResponse,
    EmailSendRequest,
    EmailStats,
    InternalEmailRequest,
    Page,
    ProviderEvent,
    SuppressionCreate,
    SuppressionResponse,
    TemplateInfo,
    TemplatePreview,
    TemplatePreviewRequest,
)
from services.communications_service.templates import (
    TEMPLATES,
    MissingContext,
    UnknownTemplate,
    get_template,
)

router = APIRouter()

RETRYABLE = {EmailStatus.FAILED, EmailStatus.BOUNCED}
# Provider bounce types that mean "this mailbox does not exist": never mail it again.
HARD_BOUNCE_TYPES = {"HardBounce", "BadEmailAddress", "ManuallyDeactivated"}
STATUS_AFTER_EVENT = {
    EmailEventType.DELIVERED: EmailStatus.DELIVERED,
    EmailEventType.BOUNCED: EmailStatus.BOUNCED,
}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


async def _get_email_or_404(db: AsyncSession, email_id: uuid.UUID) -> EmailMessage:
    email = await db.get(EmailMessage, email_id)
    if email is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "email not found")
    return email


def _check_template(key: str, context: dict[str, Any]) -> None:
    """Fail the request now rather than in the worker when a template cannot render."""
    try:
        get_template(key).render(context)
    except UnknownTemplate:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown template {key!r}")
    except MissingContext as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"template {key!r} needs: {', '.join(exc.missing)}",
        )


async def _resolve_recipient(
    db: AsyncSession, payload: EmailSendRequest
) -> tuple[str, uuid.UUID | None, dict[str, Any]]:
    context = dict(payload.context)
    if payload.member_id is None:
        assert payload.to_address is not None
        return payload.to_address.lower(), None, context
    member = await db.get(MemberRef, payload.member_id)
    if member is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "member not found")
    context.setdefault("first_name", member.first_name)
    return (payload.to_address or member.email).lower(), member.id, context


async def _suppressed(db: AsyncSession, address: str) -> EmailSuppression | None:
    return await db.scalar(select(EmailSuppression).where(EmailSuppression.address == address))


async def _dispatch(email: EmailMessage) -> None:
    # Without a queue the email stays QUEUED; the worker's outbox cron picks it up.
    await enqueue_job("send_email", str(email.id), _job_id=f"email:{email.id}")


async def _create_email(
    db: AsyncSession,
    payload: EmailSendRequest,
    *,
    source: str,
    idempotency_key: str | None = None,
) -> EmailMessage:
    address, member_id, context = await _resolve_recipient(db, payload)
    if payload.template_key is not None:
        _check_template(payload.template_key, context)
    email = EmailMessage(
        to_address=address,
        member_id=member_id,
        template_key=payload.template_key,
        subject=payload.subject or "",
        text_body=payload.text_body or "",
        context=context,
        source=source,
        idempotency_key=idempotency_key,
    )
    if await _suppressed(db, address) is not None:
        email.status = EmailStatus.SUPPRESSED
    db.add(email)
    await db.flush()
    await db.refresh(email)
    if email.status is EmailStatus.QUEUED:
        await _dispatch(email)
    return email


@router.get("/outbox", response_model=Page[EmailResponse])
async def list_outbox(
    email_status: EmailStatus | None = Query(default=None, alias="status"),
    template_key: str | None = None,
    to_address: str | None = None,
    member_id: uuid.UUID | None = None,
    source: str | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Page[EmailResponse]:
    query = select(EmailMessage)
    if email_status is not None:
        query = query.where(EmailMessage.status == email_status)
    if template_key is not None:
        query = query.where(EmailMessage.template_key == template_key)
    if to_address is not None:
        query = query.where(EmailMessage.to_address == to_address.lower())
    if member_id is not None:
        query = query.where(EmailMessage.member_id == member_id)
    if source is not None:
        query = query.where(EmailMessage.source == source)
    total = await db.scalar(select(func.count()).select_from(query.subquery()))
    rows = await db.execute(
        query.order_by(EmailMessage.created_at.desc()).limit(limit).offset(offset)
    )
    items = [EmailResponse.model_validate(e) for e in rows.scalars()]
    return Page(items=items, total=total or 0, limit=limit, offset=offset)


@router.get("/outbox/mine", response_model=list[EmailResponse])
async def my_emails(
    limit: int = Query(20, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[EmailMessage]:
    result = await db.execute(
        select(EmailMessage)
        .where(EmailMessage.member_id == user.user_id)
        .order_by(EmailMessage.created_at.desc())
        .limit(limit)
    )
    return list(result.scalars())


@router.get("/outbox/{email_id}", response_model=EmailDetail)
async def get_email(
    email_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> EmailMessage:
    email = await db.scalar(
        select(EmailMessage)
        .where(EmailMessage.id == email_id)
        .options(selectinload(EmailMessage.events))
    )
    if email is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "email not found")
    return email


@router.post("/send", response_model=EmailResponse, status_code=status.HTTP_202_ACCEPTED)
async def send_email(
    payload: EmailSendRequest,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> EmailMessage:
    return await _create_email(db, payload, source="admin")


@router.post(
    "/internal/send",
    response_model=EmailResponse,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require_internal)],
)
async def internal_send_email(
    payload: InternalEmailRequest, db: AsyncSession = Depends(get_async_db)
) -> EmailMessage:
    """Receipts, welcome emails and the like, requested by other services."""
    if payload.idempotency_key is not None:
        existing = await db.scalar(
            select(EmailMessage).where(EmailMessage.idempotency_key == payload.idempotency_key)
        )
        if existing is not None:
            return existing
    return await _create_email(
        db, payload, source=payload.source, idempotency_key=payload.idempotency_key
    )


@router.post("/outbox/{email_id}/retry", response_model=EmailResponse)
async def retry_email(
    email_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> EmailMessage:
    email = await _get_email_or_404(db, email_id)
    if email.status not in RETRYABLE:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"cannot retry an email that is {email.status.value}"
        )
    if await _suppressed(db, email.to_address) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "address is on the suppression list")
    email.status = EmailStatus.QUEUED
    email.last_error = None
    await db.flush()
    await db.refresh(email)
    await _dispatch(email)
    return email


@router.post("/outbox/{email_id}/cancel", response_model=EmailResponse)
async def cancel_email(
    email_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> EmailMessage:
    email = await _get_email_or_404(db, email_id)
    if email.status is not EmailStatus.QUEUED:
        raise HTTPException(status.HTTP_409_CONFLICT, "only queued emails can be cancelled")
    email.status = EmailStatus.CANCELLED
    await db.flush()
    await db.refresh(email)
    return email


@router.get("/templates", response_model=list[TemplateInfo])
async def list_templates(_: AuthUser = Depends(require_coach)) -> list[TemplateInfo]:
    return [
        TemplateInfo(key=t.key, description=t.description, required_context=list(t.required))
        for t in sorted(TEMPLATES.values(), key=lambda t: t.key)
    ]


@router.post("/templates/{template_key}/preview", response_model=TemplatePreview)
async def preview_template(
    template_key: str,
    payload: TemplatePreviewRequest,
    _: AuthUser = Depends(require_coach),
) -> TemplatePreview:
    try:
        template = get_template(template_key)
    except UnknownTemplate:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "template not found")
    context = {**template.sample_context, **payload.context}
    try:
        rendered = template.render(context)
    except MissingContext as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"missing: {', '.join(exc.missing)}"
        )
    return TemplatePreview(
        key=template.key,
        subject=rendered.subject,
        text_body=rendered.text_body,
        html_body=rendered.html_body,
    )


@router.post("/webhooks/provider", dependencies=[Depends(require_internal)])
async def provider_webhook(
    event: ProviderEvent, db: AsyncSession = Depends(get_async_db)
) -> dict[str, str]:
    """Delivery events relayed by the gateway from the email provider."""
    email = await db.scalar(
        select(EmailMessage).where(EmailMessage.provider_message_id == event.provider_message_id)
    )
    if email is None:
        # Unknown ids happen for mail sent before a database restore; acknowledge and move on.
        return {"status": "ignored"}
    db.add(
        EmailEvent(
            email_id=email.id,
            event_type=event.event_type,
            occurred_at=event.occurred_at,
            payload=event.payload,
        )
    )
    new_status = STATUS_AFTER_EVENT.get(event.event_type)
    if new_status is not None and email.status in (EmailStatus.SENT, EmailStatus.DELIVERED):
        email.status = new_status
    hard_bounce = (
        event.event_type is EmailEventType.BOUNCED
        and event.payload.get("Type") in HARD_BOUNCE_TYPES
    )
    if hard_bounce or event.event_type is EmailEventType.COMPLAINED:
        if await _suppressed(db, email.to_address) is None:
            db.add(
                EmailSuppression(
                    address=email.to_address,
                    reason="complaint" if not hard_bounce else "hard_bounce",
                    note=f"from email {email.id}",
                )
            )
    await db.flush()
    return {"status": "recorded"}


@router.get("/stats", response_model=EmailStats)
async def email_stats(
    days: int = Query(30, ge=1, le=365),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> EmailStats:
    since = _utcnow() - timedelta(days=days)
    result = await db.execute(
        select(EmailMessage.status, func.count())
        .where(EmailMessage.created_at >= since)
        .group_by(EmailMessage.status)
    )
    by_status = {row_status.value: count for row_status, count in result.all()}
    attempted = sum(
        by_status.get(s.value, 0)
        for s in (EmailStatus.SENT, EmailStatus.DELIVERED, EmailStatus.BOUNCED)
    )
    bounced = by_status.get(EmailStatus.BOUNCED.value, 0)
    return EmailStats(
        since=since,
        by_status=by_status,
        bounce_rate=round(bounced / attempted, 4) if attempted else 0.0,
    )


@router.get("/suppressions", response_model=list[SuppressionResponse])
async def list_suppressions(
    reason: str | None = None,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[EmailSuppression]:
    query = select(EmailSuppression).order_by(EmailSuppression.created_at.desc())
    if reason is not None:
        query = query.where(EmailSuppression.reason == reason)
    return list((await db.execute(query)).scalars())


@router.post(
    "/suppressions", response_model=SuppressionResponse, status_code=status.HTTP_201_CREATED
)
async def add_suppression(
    payload: SuppressionCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> EmailSuppression:
    address = payload.address.lower()
    if await _suppressed(db, address) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "address is already suppressed")
    suppression = EmailSuppression(address=address, reason=payload.reason, note=payload.note)
    db.add(suppression)
    await db.flush()
    await db.refresh(suppression)
    return suppression


@router.delete("/suppressions/{address}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_suppression(
    address: str,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Response:
    suppression = await _suppressed(db, address.lower())
    if suppression is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "address is not suppressed")
    await db.delete(suppression)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
