"""Internal routes for other services (membership renewals ask for a member's hours).

Not exposed through the gateway. The bodies are declared here rather than in
schemas.py: nothing outside this file uses them.
"""

from typing import List

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.attendance_service.models import SEASON_HOURS_OWED, AttendanceRecord
from shared.database import get_session

internal_router = APIRouter()


class HoursQuery(BaseModel):
    member_emails: List[str]


class HoursAnswer(BaseModel):
    member_email: str
    hours: float
    met_obligation: bool


@internal_router.post("/hours", response_model=List[HoursAnswer])
def hours_for_members(body: HoursQuery,
                      session: Session = Depends(get_session)) -> List[HoursAnswer]:
    answers = []
    for email in body.member_emails:
        query = select(AttendanceRecord).where(AttendanceRecord.member_email == email.lower())
        total = round(sum(record.hours() for record in session.scalars(query)), 2)
        answers.append(HoursAnswer(member_email=email, hours=total,
                                   met_obligation=total >= SEASON_HOURS_OWED))
    return answers


@internal_router.get("/members/{member_email}/present")
def is_present(member_email: str, session: Session = Depends(get_session)) -> dict:
    query = select(AttendanceRecord).where(
        AttendanceRecord.member_email == member_email.lower(),
        AttendanceRecord.checked_out_at.is_(None),
    )
    record = session.scalar(query)
    if record is None:
        return {"present": False, "location": None}
    return {"present": True, "location": record.location.code}
