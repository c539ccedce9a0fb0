"""Notice board routes."""

import datetime
from typing import List

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.notices_service.models import PINNED_LIMIT, Notice
from services.notices_service.schemas import NoticeIn, NoticeOut
from shared.database import get_session
from shared.security import require_committee

router = APIRouter(prefix="/notices", tags=["notices"])


@router.get("", response_model=List[NoticeOut])
def current_notices(session: Session = Depends(get_session)) -> List[Notice]:
    now = datetime.datetime.now(datetime.timezone.utc)
    query = (
        select(Notice)
        .where(or_(Notice.expires_at.is_(None), Notice.expires_at > now))
        .order_by(Notice.pinned.desc(), Notice.posted_at.desc())
    )
    return list(session.scalars(query))


@router.post(
    "",
    response_model=NoticeOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_committee)],
)
def post_notice(body: NoticeIn, session: Session = Depends(get_session)) -> Notice:
    if body.pinned:
        pinned = session.scalars(select(Notice).where(Notice.pinned.is_(True))).all()
        if len(pinned) >= PINNED_LIMIT:
            raise HTTPException(status_code=409, detail="unpin a notice first")
    notice = Notice(**body.model_dump())
    session.add(notice)
    session.flush()
    return notice
