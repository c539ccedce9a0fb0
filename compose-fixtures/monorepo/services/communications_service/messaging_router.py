"""Member-coach messaging threads.

Safeguarding: a coach may not open a one-to-one thread with a member; such threads need a
second participant or a guardian copy. Admins can lock a thread for review.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin, require_coach
from libs.db import get_async_db
from services.communications_service.models import (
    Message,
    MessageThread,
    Notification,
    NotificationType,
    ThreadParticipant,
    ThreadStatus,
)
from services.communications_service.schemas import (
    MessageCreate,
    MessageResponse,
    MessageUpdate,
    ParticipantAdd,
    ParticipantResponse,
    ThreadCreate,
    ThreadDetail,
    ThreadLock,
    ThreadSummary,
)

router = APIRouter(prefix="/messaging", tags=["messaging"])

EDIT_WINDOW = timedelta(minutes=15)
PREVIEW_LENGTH = 120


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


async def _get_thread_or_404(db: AsyncSession, thread_id: uuid.UUID) -> MessageThread:
    thread = await db.get(MessageThread, thread_id)
    if thread is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "thread not found")
    return thread


async def _participant(
    db: AsyncSession, thread_id: uuid.UUID, member_id: uuid.UUID
) -> ThreadParticipant | None:
    return await db.scalar(
        select(ThreadParticipant).where(
            ThreadParticipant.thread_id == thread_id, ThreadParticipant.member_id == member_id
        )
    )


async def _require_participant(
    db: AsyncSession, thread_id: uuid.UUID, user: AuthUser
) -> tuple[MessageThread, ThreadParticipant | None]:
    """The thread and the caller's participant row; admins may read without one."""
    thread = await _get_thread_or_404(db, thread_id)
    participant = await _participant(db, thread_id, user.user_id)
    if participant is None and not user.is_admin:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "thread not found")
    return thread, participant


def _ensure_open(thread: MessageThread) -> None:
    if thread.status is not ThreadStatus.OPEN:
        raise HTTPException(status.HTTP_409_CONFLICT, f"thread is {thread.status.value}")


async def _unread_count(db: AsyncSession, participant: ThreadParticipant) -> int:
    query = (
        select(func.count())
        .select_from(Message)
        .where(
            Message.thread_id == participant.thread_id,
            Message.sender_id != participant.member_id,
            Message.deleted_at.is_(None),
        )
    )
    if participant.last_read_at is not None:
        query = query.where(Message.created_at > participant.last_read_at)
    return int(await db.scalar(query) or 0)


async def _notify_participants(db: AsyncSession, thread: MessageThread, message: Message) -> None:
    recipients = await db.execute(
        select(ThreadParticipant.member_id).where(
            ThreadParticipant.thread_id == thread.id,
            ThreadParticipant.member_id != message.sender_id,
        )
    )
    preview = message.body if len(message.body) <= PREVIEW_LENGTH else message.body[:117] + "..."
    for member_id in recipients.scalars():
        db.add(
            Notification(
                member_id=member_id,
                notification_type=NotificationType.MESSAGE,
                title=f"New message: {thread.subject}"[:200],
                body=preview,
                link=f"/messages/{thread.id}",
                data={"thread_id": str(thread.id), "message_id": str(message.id)},
            )
        )


async def _post_message(
    db: AsyncSession, thread: MessageThread, sender_id: uuid.UUID, body: str
) -> Message:
    message = Message(thread_id=thread.id, sender_id=sender_id, body=body.strip())
    db.add(message)
    await db.flush()
    await db.refresh(message)
    thread.last_message_at = message.created_at
    sender = await _participant(db, thread.id, sender_id)
    if sender is not None:
        sender.last_read_at = message.created_at
        sender.archived_at = None
    await _notify_participants(db, thread, message)
    await db.flush()
    return message


async def _thread_detail(
    db: AsyncSession,
    thread: MessageThread,
    participant: ThreadParticipant | None,
    *,
    before: datetime | None = None,
    limit: int = 50,
) -> ThreadDetail:
    query = select(Message).where(Message.thread_id == thread.id)
    if before is not None:
        query = query.where(Message.created_at < before)
    newest_first = (
        await db.execute(query.order_by(Message.created_at.desc()).limit(limit))
    ).scalars()
    messages = [MessageResponse.model_validate(m) for m in reversed(list(newest_first))]
    for message in messages:
        if message.deleted_at is not None:
            message.body = ""
    participants = await db.execute(
        select(ThreadParticipant).where(ThreadParticipant.thread_id == thread.id)
    )
    return ThreadDetail(
        id=thread.id,
        subject=thread.subject,
        status=thread.status,
        cohort_id=thread.cohort_id,
        last_message_at=thread.last_message_at,
        unread=await _unread_count(db, participant) if participant is not None else 0,
        participants=[ParticipantResponse.model_validate(p) for p in participants.scalars()],
        messages=messages,
    )


@router.get("/threads", response_model=list[ThreadSummary])
async def list_threads(
    include_archived: bool = False,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[ThreadSummary]:
    query = (
        select(MessageThread, ThreadParticipant)
        .join(
            ThreadParticipant,
            and_(
                ThreadParticipant.thread_id == MessageThread.id,
                ThreadParticipant.member_id == user.user_id,
            ),
        )
        .order_by(MessageThread.last_message_at.desc().nulls_last())
    )
    if not include_archived:
        query = query.where(ThreadParticipant.archived_at.is_(None))
    summaries = []
    for thread, participant in (await db.execute(query)).all():
        summary = ThreadSummary.model_validate(thread)
        summary.unread = await _unread_count(db, participant)
        summaries.append(summary)
    return summaries


@router.get("/unread")
async def unread_messages(
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> dict[str, int]:
    participants = await db.execute(
        select(ThreadParticipant).where(
            ThreadParticipant.member_id == user.user_id, ThreadParticipant.archived_at.is_(None)
        )
    )
    total = 0
    for participant in participants.scalars():
        total += await _unread_count(db, participant)
    return {"unread": total}


@router.post("/threads", response_model=ThreadDetail, status_code=status.HTTP_201_CREATED)
async def create_thread(
    payload: ThreadCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> ThreadDetail:
    others = [m for m in dict.fromkeys(payload.participant_ids) if m != user.user_id]
    if not others:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "add at least one other member")
    if user.is_coach and not user.is_admin and len(others) == 1 and not payload.guardian_ids:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "coaches cannot message a member one-to-one; copy a guardian or add a colleague",
        )
    thread = MessageThread(
        subject=payload.subject, created_by=user.user_id, cohort_id=payload.cohort_id
    )
    db.add(thread)
    await db.flush()
    db.add(ThreadParticipant(thread_id=thread.id, member_id=user.user_id))
    for member_id in others:
        db.add(ThreadParticipant(thread_id=thread.id, member_id=member_id))
    for guardian_id in dict.fromkeys(payload.guardian_ids):
        if guardian_id != user.user_id and guardian_id not in others:
            db.add(
                ThreadParticipant(thread_id=thread.id, member_id=guardian_id, is_guardian_copy=True)
            )
    await db.flush()
    await _post_message(db, thread, user.user_id, payload.body)
    return await _thread_detail(db, thread, await _participant(db, thread.id, user.user_id))


@router.get("/threads/{thread_id}", response_model=ThreadDetail)
async def get_thread(
    thread_id: uuid.UUID,
    before: datetime | None = None,
    limit: int = Query(50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> ThreadDetail:
    thread, participant = await _require_participant(db, thread_id, user)
    return await _thread_detail(db, thread, participant, before=before, limit=limit)


@router.post(
    "/threads/{thread_id}/messages",
    response_model=MessageResponse,
    status_code=status.HTTP_201_CREATED,
)
async def send_message(
    thread_id: uuid.UUID,
    payload: MessageCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Message:
    thread, participant = await _require_participant(db, thread_id, user)
    if participant is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only participants can post")
    _ensure_open(thread)
    return await _post_message(db, thread, user.user_id, payload.body)


@router.post("/threads/{thread_id}/read", response_model=ParticipantResponse)
async def mark_thread_read(
    thread_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> ThreadParticipant:
    _, participant = await _require_participant(db, thread_id, user)
    if participant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not a participant")
    participant.last_read_at = _utcnow()
    await db.flush()
    return participant


@router.post("/threads/{thread_id}/archive", status_code=status.HTTP_204_NO_CONTENT)
async def archive_thread(
    thread_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Response:
    _, participant = await _require_participant(db, thread_id, user)
    if participant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not a participant")
    participant.archived_at = _utcnow()
    await db.flush()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/threads/{thread_id}/participants",
    response_model=ParticipantResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_participant(
    thread_id: uuid.UUID,
    payload: ParticipantAdd,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> ThreadParticipant:
    thread, _ = await _require_participant(db, thread_id, user)
    _ensure_open(thread)
    if await _participant(db, thread_id, payload.member_id) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "already a participant")
    participant = ThreadParticipant(
        thread_id=thread_id,
        member_id=payload.member_id,
        is_guardian_copy=payload.is_guardian_copy,
    )
    db.add(participant)
    await db.flush()
    return participant


@router.delete(
    "/threads/{thread_id}/participants/{member_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def remove_participant(
    thread_id: uuid.UUID,
    member_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> Response:
    thread, _ = await _require_participant(db, thread_id, user)
    participant = await _participant(db, thread_id, member_id)
    if participant is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not a participant")
    if member_id == thread.created_by and not user.is_admin:
        raise HTTPException(status.HTTP_409_CONFLICT, "the thread's creator cannot be removed")
    await db.delete(participant)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/threads/{thread_id}/lock", response_model=ThreadSummary)
async def lock_thread(
    thread_id: uuid.UUID,
    payload: ThreadLock,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MessageThread:
    thread = await _get_thread_or_404(db, thread_id)
    if thread.status is ThreadStatus.ARCHIVED:
        raise HTTPException(status.HTTP_409_CONFLICT, "thread is archived")
    thread.status = ThreadStatus.LOCKED
    thread.locked_reason = payload.reason
    await db.flush()
    return thread


@router.post("/threads/{thread_id}/unlock", response_model=ThreadSummary)
async def unlock_thread(
    thread_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MessageThread:
    thread = await _get_thread_or_404(db, thread_id)
    if thread.status is not ThreadStatus.LOCKED:
        raise HTTPException(status.HTTP_409_CONFLICT, "thread is not locked")
    thread.status = ThreadStatus.OPEN
    thread.locked_reason = None
    await db.flush()
    return thread


async def _own_message(db: AsyncSession, message_id: uuid.UUID, user: AuthUser) -> Message:
    message = await db.get(Message, message_id)
    if message is None or message.deleted_at is not None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "message not found")
    if message.sender_id != user.user_id and not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not your message")
    return message


@router.patch("/messages/{message_id}", response_model=MessageResponse)
async def edit_message(
    message_id: uuid.UUID,
    payload: MessageUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Message:
    message = await _own_message(db, message_id, user)
    if message.sender_id != user.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the sender can edit")
    if _utcnow() - message.created_at > EDIT_WINDOW:
        raise HTTPException(status.HTTP_409_CONFLICT, "messages can only be edited for 15 minutes")
    _ensure_open(await _get_thread_or_404(db, message.thread_id))
    message.body = payload.body.strip()
    message.edited_at = _utcnow()
    await db.flush()
    await db.refresh(message)
    return message


@router.delete("/messages/{message_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_message(
    message_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Response:
    message = await _own_message(db, message_id, user)
    message.deleted_at = _utcnow()
    await db.flush()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
