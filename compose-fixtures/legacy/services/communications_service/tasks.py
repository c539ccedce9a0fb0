"""Background jobs of the communications service: sending email, digests and clean-up.

The arq worker (``worker.py``) calls the ``*_job`` coroutines; the routers call the plain
functions directly when the committee wants something sent at once.
"""

import logging
import os
import string
from typing import Callable, Dict, List, Optional
import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.communications_service.models import (
    MAX_EMAIL_ATTEMPTS,
    Announcement,
    EmailLog,
    EmailStatus,
)
from shared.database import get_engine, utcnow

logger = logging.getLogger(__name__)

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

# A transport takes (to, subject, body) and raises on failure.
Transport = Callable[[str, str, str], None]


def render(template: str, context: Dict[str, object]) -> str:
    path = os.path.join(TEMPLATE_DIR, "%s.txt" % template)
    if not os.path.exists(path):
        raise KeyError("unknown email template: %s" % template)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return string.Template(text).safe_substitute(
        dict((k, str(v)) for k, v in context.items()))


def log_transport(to: str, subject: str, body: str) -> None:
    # The society has no SMTP relay in development; addresses at .invalid always bounce.
    if to.endswith(".invalid"):
        raise RuntimeError("mailbox unavailable: %s" % to)
    logger.info("email to %s: %s (%d chars)", to, subject, len(body))
    return None


def deliver_email(log: EmailLog, transport: Optional[Transport] = None) -> bool:
    send = transport or log_transport
    log.attempts = log.attempts + 1
    try:
        send(log.to_address, log.subject, log.body)
    except Exception as exc:  # any transport error marks the row failed
        log.status = EmailStatus.FAILED
        log.error = str(exc)
        return False
    log.status = EmailStatus.SENT
    log.sent_at = utcnow()
    log.error = None
    return True


def flush_queue(session: Session, transport: Optional[Transport] = None) -> Dict[str, int]:
    counts = {"sent": 0, "failed": 0}
    queued = session.scalars(
        select(EmailLog).where(EmailLog.status == EmailStatus.QUEUED).order_by(EmailLog.created_at)
    )
    for log in list(queued):
        if deliver_email(log, transport):
            counts["sent"] += 1
        else:
            counts["failed"] += 1
    return counts


def purge_expired_announcements(session: Session) -> int:
    now = utcnow()
    result = session.execute(
        delete(Announcement).where(
            Announcement.expires_at.is_not(None), Announcement.expires_at < now,
            Announcement.pinned.is_(False))
    )
    return result.rowcount or 0


def weekly_digest(session: Session, name: str) -> str:
    rows = session.scalars(
        select(Announcement).order_by(Announcement.created_at.desc()).limit(10)
    )
    items: List[str] = ["* %s" % a.title for a in rows if a.is_live()]
    if not items:
        items = ["(nothing new this week)"]
    return render("digest", {"name": name, "items": "\n".join(items)})


# --- arq jobs -------------------------------------------------------------------------
async def send_email_job(ctx: dict, log_id: str) -> bool:
    with Session(get_engine()) as session:
        with session.begin():
            log = session.get(EmailLog, uuid.UUID(log_id))
            if log is None or log.status == EmailStatus.SENT:
                return False
            if log.attempts >= MAX_EMAIL_ATTEMPTS:
                return False
            return deliver_email(log)


async def flush_queue_job(ctx: dict) -> Dict[str, int]:
    with Session(get_engine()) as session:
        with session.begin():
            return flush_queue(session)


async def purge_announcements_job(ctx: dict) -> int:
    with Session(get_engine()) as session:
        with session.begin():
            removed = purge_expired_announcements(session)
    logger.info("purged %d expired announcements", removed)
    return removed
