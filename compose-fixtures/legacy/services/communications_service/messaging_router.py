"""Message threads between a plot holder and the committee."""

from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.communications_service.models import Message, MessageThread
from services.communications_service.schemas import (
    MessageCreate,
    MessageOut,
    ThreadCreate,
    ThreadOut,
)
from shared.database import get_session
from shared.security import require_committee

messaging_router = APIRouter(prefix='/threads', tags=['messaging'])


def _thread_or_404(session: Session, thread_id: uuid.UUID) -> MessageThread:
    thread = session.get(MessageThread, thread_id)
    if thread is None:
        raise HTTPException(status_code=404, detail='thread not found')
    return thread


@messaging_router.post('', response_model=ThreadOut, status_code=status.HTTP_201_CREATED)
def open_thread(body: ThreadCreate, session: Session = Depends(get_session)) -> MessageThread:
    thread = MessageThread(subject=body.subject, member_email=body.member_email.lower())
    thread.messages.append(Message(sender=thread.member_email, body=body.first_message))
    session.add(thread)
    session.flush()
    return thread


@messaging_router.get('', response_model=List[ThreadOut])
def list_threads(
    member_email: str, include_closed: bool = False, session: Session = Depends(get_session)
) -> List[MessageThread]:
    query = select(MessageThread).where(MessageThread.member_email == member_email.lower())
    if not include_closed:
        query = query.where(MessageThread.closed.is_(False))
    return list(session.scalars(query.order_by(MessageThread.created_at.desc())))


@messaging_router.get('/{thread_id}', response_model=ThreadOut)
def get_thread(thread_id: uuid.UUID, session: Session = Depends(get_session)) -> MessageThread:
    return _thread_or_404(session, thread_id)


@messaging_router.post(
    '/{thread_id}/messages', response_model=MessageOut, status_code=status.HTTP_201_CREATED
)
def post_message(
    thread_id: uuid.UUID, body: MessageCreate, session: Session = Depends(get_session)
) -> Message:
    thread = _thread_or_404(session, thread_id)
    if thread.closed:
        raise HTTPException(status_code=409, detail='thread is closed')
    message = Message(thread=thread, **body.model_dump())
    session.add(message)
    session.flush()
    return message


@messaging_router.post(
    '/{thread_id}/close', response_model=ThreadOut, dependencies=[Depends(require_committee)]
)
def close_thread(thread_id: uuid.UUID, session: Session = Depends(get_session)) -> MessageThread:
    thread = _thread_or_404(session, thread_id)
    thread.closed = True
    return thread
