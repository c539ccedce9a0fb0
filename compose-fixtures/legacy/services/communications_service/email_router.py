"""Outgoing email: queue, send, look at the log and retry failures."""

from typing import Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.communications_service import tasks
from services.communications_service.models import EmailLog, EmailStatus
from services.communications_service.schemas import EmailLogOut, EmailRequest
from shared.database import get_session
from shared.security import require_committee

email_router = APIRouter(prefix='/email', tags=['email'])


def _log_or_404(session: Session, log_id: uuid.UUID) -> EmailLog:
    log = session.get(EmailLog, log_id)
    if log is None:
        raise HTTPException(status_code=404, detail='no such email')
    return log


@email_router.post(
    '/send',
    response_model=List[EmailLogOut],
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require_committee)],
)
def send_email(
    body: EmailRequest, send_now: bool = False, session: Session = Depends(get_session)
) -> List[EmailLog]:
    logs = []
    for address in body.to:
        context = dict(body.context)
        context.setdefault('name', address.split('@')[0])
        try:
            text = tasks.render(body.template, context)
        except KeyError as exc:
            raise HTTPException(status_code=422, detail=str(exc.args[0]))
        log = EmailLog(to_address=address, subject=body.subject, template=body.template,
                       body=text)
        session.add(log)
        logs.append(log)
    session.flush()
    if send_now:
        for log in logs:
            tasks.deliver_email(log)
    return logs


@email_router.get('/log', response_model=List[EmailLogOut])
def email_log(
    status_filter: Optional[EmailStatus] = None, session: Session = Depends(get_session)
) -> List[EmailLog]:
    query = select(EmailLog).order_by(EmailLog.created_at.desc())
    if status_filter is not None:
        query = query.where(EmailLog.status == status_filter)
    return list(session.scalars(query))


@email_router.get('/log/{log_id}', response_model=EmailLogOut)
def email_log_entry(log_id: uuid.UUID, session: Session = Depends(get_session)) -> EmailLog:
    return _log_or_404(session, log_id)


@email_router.post(
    '/log/{log_id}/retry', response_model=EmailLogOut, dependencies=[Depends(require_committee)]
)
def retry_email(log_id: uuid.UUID, session: Session = Depends(get_session)) -> EmailLog:
    log = _log_or_404(session, log_id)
    if not log.may_retry():
        raise HTTPException(status_code=409, detail='this email cannot be retried')
    tasks.deliver_email(log)
    return log


@email_router.post('/flush', dependencies=[Depends(require_committee)])
def flush_queue(session: Session = Depends(get_session)) -> Dict[str, int]:
    return tasks.flush_queue(session)
