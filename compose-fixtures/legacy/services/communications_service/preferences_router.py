"""Notification preferences of a member (how, and how often, we may write to them).

Not mounted yet: see the comment in app/main.py. The front end still keeps these in
the members service until the committee agrees on the digest wording.
"""

import uuid

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.communications_service.models import NotificationPreference
from services.communications_service.schemas import PreferenceOut, PreferenceUpdate
from shared.database import get_session

preferences_router = APIRouter(prefix='/preferences', tags=['preferences'])


def _preference_for(session: Session, member_email: str) -> NotificationPreference:
    email = member_email.lower()
    pref = session.scalar(
        select(NotificationPreference).where(NotificationPreference.member_email == email)
    )
    if pref is None:
        pref = NotificationPreference(id=uuid.uuid4(), member_email=email)
        session.add(pref)
        session.flush()
    return pref


@preferences_router.get('/{member_email}', response_model=PreferenceOut)
def get_preferences(
    member_email: str, session: Session = Depends(get_session)
) -> NotificationPreference:
    return _preference_for(session, member_email)


@preferences_router.put('/{member_email}', response_model=PreferenceOut)
def update_preferences(
    member_email: str, body: PreferenceUpdate, session: Session = Depends(get_session)
) -> NotificationPreference:
    pref = _preference_for(session, member_email)
    for key, value in body.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(pref, key, value)
    session.flush()
    return pref
