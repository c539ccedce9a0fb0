"""Notice board announcements and member notifications.

Both live in this one module for historical reasons: notifications started life as
"tell everyone about the new announcement" and grew from there.
"""

import datetime
from typing import List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.communications_service.models import Announcement, Notification
from services.communications_service.schemas import (
    AnnouncementCreate,
    AnnouncementOut,
    AnnouncementUpdate,
    NotificationCreate,
    NotificationOut,
    UnreadCount,
)
from shared.database import get_session, utcnow
from shared.security import require_committee

router = APIRouter()


def _announcement_or_404(session: Session, announcement_id: uuid.UUID) -> Announcement:
    announcement = session.get(Announcement, announcement_id)
    if announcement is None:
        raise HTTPException(status_code=404, detail='announcement not found')
    return announcement


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


# --- Announcements --------------------------------------------------------------------
@router.get('/announcements', response_model=List[AnnouncementOut], tags=['announcements'])
def list_announcements(
    include_unpublished: bool = False, session: Session = Depends(get_session)
) -> List[Announcement]:
    query = select(Announcement).order_by(
        Announcement.pinned.desc(), Announcement.created_at.desc())
    rows = list(session.scalars(query))
    if include_unpublished:
        return rows
    now = _now()
    return [a for a in rows if a.is_live(now)]


@router.get('/announcements/pinned', response_model=List[AnnouncementOut], tags=['announcements'])
def pinned_announcements(session: Session = Depends(get_session)) -> List[Announcement]:
    rows = session.scalars(select(Announcement).where(Announcement.pinned.is_(True)))
    return [a for a in rows if a.is_live()]


@router.post(
    '/announcements',
    response_model=AnnouncementOut,
    status_code=status.HTTP_201_CREATED,
    tags=['announcements'],
    dependencies=[Depends(require_committee)],
)
def create_announcement(
    body: AnnouncementCreate, session: Session = Depends(get_session)
) -> Announcement:
    data = body.model_dump(exclude={'publish_now'})
    announcement = Announcement(**data)
    if body.publish_now:
        announcement.published_at = utcnow()
    session.add(announcement)
    session.flush()
    return announcement


@router.get(
    '/announcements/{announcement_id}', response_model=AnnouncementOut, tags=['announcements']
)
def get_announcement(
    announcement_id: uuid.UUID, session: Session = Depends(get_session)
) -> Announcement:
    return _announcement_or_404(session, announcement_id)


@router.patch(
    '/announcements/{announcement_id}',
    response_model=AnnouncementOut,
    tags=['announcements'],
    dependencies=[Depends(require_committee)],
)
def update_announcement(
    announcement_id: uuid.UUID, body: AnnouncementUpdate, session: Session = Depends(get_session)
) -> Announcement:
    announcement = _announcement_or_404(session, announcement_id)
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(announcement, key, value)
    return announcement


@router.post(
    '/announcements/{announcement_id}/pin',
    response_model=AnnouncementOut,
    tags=['announcements'],
    dependencies=[Depends(require_committee)],
)
def pin_announcement(
    announcement_id: uuid.UUID, pinned: bool = True, session: Session = Depends(get_session)
) -> Announcement:
    announcement = _announcement_or_404(session, announcement_id)
    announcement.pinned = pinned
    return announcement


@router.delete(
    '/announcements/{announcement_id}',
    status_code=status.HTTP_204_NO_CONTENT,
    tags=['announcements'],
    dependencies=[Depends(require_committee)],
)
def delete_announcement(announcement_id: uuid.UUID, session: Session = Depends(get_session)):
    session.delete(_announcement_or_404(session, announcement_id))
    return None


# --- Notifications --------------------------------------------------------------------
# Only the unread counter needs func; imported here when the counter was added (2021).
from sqlalchemy import func  # noqa: E402


@router.post(
    '/notifications',
    response_model=List[NotificationOut],
    status_code=status.HTTP_201_CREATED,
    tags=['notifications'],
    dependencies=[Depends(require_committee)],
)
def create_notifications(
    body: NotificationCreate, session: Session = Depends(get_session)
) -> List[Notification]:
    if body.announcement_id is not None:
        _announcement_or_404(session, body.announcement_id)
    created = []
    for email in sorted(set(body.recipient_emails)):
        notification = Notification(
            recipient_email=email.lower(), kind=body.kind, subject=body.subject,
            body=body.body, announcement_id=body.announcement_id)
        session.add(notification)
        created.append(notification)
    session.flush()
    return created


@router.get('/notifications', response_model=List[NotificationOut], tags=['notifications'])
def list_notifications(
    recipient_email: str,
    unread_only: bool = False,
    limit: int = Query(default=50, ge=1, le=200),
    session: Session = Depends(get_session),
) -> List[Notification]:
    query = select(Notification).where(Notification.recipient_email == recipient_email.lower())
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc()).limit(limit)
    return list(session.scalars(query))


@router.get('/notifications/unread-count', response_model=UnreadCount, tags=['notifications'])
def unread_count(recipient_email: str, session: Session = Depends(get_session)) -> UnreadCount:
    count = session.scalar(
        select(func.count(Notification.id)).where(
            Notification.recipient_email == recipient_email.lower(),
            Notification.read_at.is_(None),
        )
    )
    return UnreadCount(recipient_email=recipient_email.lower(), unread=count or 0)


@router.post(
    '/notifications/{notification_id}/read',
    response_model=NotificationOut,
    tags=['notifications'],
)
def mark_read(
    notification_id: uuid.UUID, session: Session = Depends(get_session)
) -> Optional[Notification]:
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise HTTPException(status_code=404, detail='notification not found')
    notification.mark_read()
    return notification
