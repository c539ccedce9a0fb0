"""Routes of the session templates, and generating a run of weekly sessions from one."""

import datetime
from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.sessions_service.models import SessionTemplate, WorkSession
from services.sessions_service.schemas import SessionOut
from shared.database import get_session
from shared.security import require_committee

from .template_schemas import GenerateRequest, TemplateCreate, TemplateOut, TemplateUpdate

template_router = APIRouter(prefix="/templates", tags=["templates"])


def _template_or_404(session: Session, template_id: uuid.UUID) -> SessionTemplate:
    template = session.get(SessionTemplate, template_id)
    if template is None:
        raise HTTPException(status_code=404, detail="template not found")
    return template


@template_router.get("", response_model=List[TemplateOut])
def list_templates(session: Session = Depends(get_session)) -> List[SessionTemplate]:
    query = select(SessionTemplate).order_by(SessionTemplate.weekday, SessionTemplate.start_time)
    return list(session.scalars(query))


@template_router.post("", response_model=TemplateOut, status_code=status.HTTP_201_CREATED,
                      dependencies=[Depends(require_committee)])
def create_template(
    body: TemplateCreate, session: Session = Depends(get_session)
) -> SessionTemplate:
    if session.scalar(select(SessionTemplate).where(SessionTemplate.name == body.name)):
        raise HTTPException(status_code=409, detail="a template with that name exists")
    template = SessionTemplate(**body.model_dump())
    session.add(template)
    session.flush()
    return template


@template_router.patch("/{template_id}", response_model=TemplateOut,
                       dependencies=[Depends(require_committee)])
def update_template(
    template_id: uuid.UUID, body: TemplateUpdate, session: Session = Depends(get_session)
) -> SessionTemplate:
    template = _template_or_404(session, template_id)
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(template, key, value)
    return template


# --- Generating sessions --------------------------------------------------------------
@template_router.post(
    "/{template_id}/generate",
    response_model=List[SessionOut],
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_committee)],
)
def generate_sessions(
    template_id: uuid.UUID, body: GenerateRequest, session: Session = Depends(get_session)
) -> List[WorkSession]:
    """One session per week; weeks that already have a session from this template are skipped."""
    template = _template_or_404(session, template_id)
    monday = body.first_week - datetime.timedelta(days=body.first_week.weekday())
    taken = set(s.starts_at.date() for s in template.sessions)
    created = []
    for week in range(body.weeks):
        day = monday + datetime.timedelta(days=template.weekday, weeks=week)
        if day in taken:
            continue
        starts_at = datetime.datetime.combine(day, template.start_time, datetime.timezone.utc)
        work_session = WorkSession(
            template=template,
            title=template.name,
            starts_at=starts_at,
            duration_minutes=template.duration_minutes,
            capacity=template.capacity,
            location=template.location,
            leader_name=body.leader_name,
        )
        session.add(work_session)
        created.append(work_session)
    session.flush()
    return created
