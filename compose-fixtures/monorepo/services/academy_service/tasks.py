"""Background jobs of the academy service (run by the ARQ worker in ``worker.py``).

Every job receives the ARQ context; ``worker.startup`` puts an async session factory in
it under ``"session_factory"``. Helpers that also run inside a request take the session
directly (``refresh_cohort_progress``) so the router can call them in-process.
"""

import logging
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from libs.service_client import ServiceUnavailable, get_service_client
from services.academy_service.models import (
    AssignmentRole,
    AssignmentStatus,
    CoachAssignment,
    Cohort,
    CohortComplexityScore,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    PaymentStatus,
    ProgramInterest,
    ScoringSource,
)
from services.academy_service.router import _compute_cohort_completion, _promote_from_waitlist
from services.academy_service.scoring import compute_complexity, inputs_from_cohort

logger = logging.getLogger(__name__)

REMINDER_DAYS_BEFORE_START = 3
UNPAID_ENROLLMENT_TTL = timedelta(hours=72)
# A coach leading more cohorts than this is flagged in the weekly digest.
MAX_LEAD_COHORTS = 4


def _session_factory(ctx: dict[str, Any]) -> async_sessionmaker[AsyncSession]:
    try:
        return ctx["session_factory"]
    except KeyError as exc:  # pragma: no cover - misconfigured worker
        raise RuntimeError("worker started without a session factory") from exc


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _notify(member_id: uuid.UUID, template: str, **context: Any) -> bool:
    try:
        await get_service_client("communications").post(
            "/api/v1/communications/internal/notifications",
            json={"member_id": str(member_id), "template": template, "context": context},
        )
    except ServiceUnavailable as exc:
        logger.warning("could not send %s to %s: %s", template, member_id, exc)
        return False
    return True


# --- Progress ---


async def refresh_cohort_progress(db: AsyncSession, cohort_id: uuid.UUID) -> int:
    """Recompute ``progress_percent`` for a cohort's students; returns how many changed."""
    cohort = await db.get(Cohort, cohort_id)
    if cohort is None:
        return 0
    _, reports = await _compute_cohort_completion(db, cohort)
    if not reports:
        return 0
    by_enrollment = {report.enrollment_id: report.completion_percent for report in reports}
    result = await db.execute(select(Enrollment).where(Enrollment.id.in_(by_enrollment)))
    changed = 0
    for enrollment in result.scalars():
        percent = by_enrollment[enrollment.id]
        if enrollment.progress_percent != percent:
            enrollment.progress_percent = percent
            changed += 1
    await db.flush()
    return changed


async def refresh_active_cohort_progress(ctx: dict[str, Any]) -> int:
    """Nightly: refresh progress for every active cohort."""
    async with _session_factory(ctx)() as db:
        cohort_ids = (
            await db.execute(select(Cohort.id).where(Cohort.status == CohortStatus.ACTIVE))
        ).scalars()
        changed = 0
        for cohort_id in list(cohort_ids):
            changed += await refresh_cohort_progress(db, cohort_id)
        await db.commit()
    logger.info("refreshed progress: %d enrolments changed", changed)
    return changed


# --- Enrolment lifecycle ---


async def send_enrollment_confirmation(ctx: dict[str, Any], enrollment_id: str) -> bool:
    async with _session_factory(ctx)() as db:
        result = await db.execute(
            select(Enrollment)
            .options(selectinload(Enrollment.cohort))
            .where(Enrollment.id == uuid.UUID(enrollment_id))
        )
        enrollment = result.scalar_one_or_none()
        if enrollment is None or enrollment.status is not EnrollmentStatus.ACTIVE:
            return False
        cohort = enrollment.cohort
        return await _notify(
            enrollment.member_id,
            "academy.enrollment_confirmed",
            cohort_name=cohort.name,
            start_date=cohort.start_date.isoformat(),
            schedule=cohort.schedule,
            location=cohort.location,
        )


async def expire_unpaid_enrollments(ctx: dict[str, Any]) -> int:
    """Cancel pending enrolments left unpaid too long and hand their seats on."""
    cutoff = _now() - UNPAID_ENROLLMENT_TTL
    async with _session_factory(ctx)() as db:
        result = await db.execute(
            select(Enrollment).where(
                Enrollment.status == EnrollmentStatus.PENDING,
                Enrollment.payment_status == PaymentStatus.UNPAID,
                Enrollment.enrolled_at < cutoff,
            )
        )
        expired = list(result.scalars())
        cohort_ids = set()
        for enrollment in expired:
            enrollment.status = EnrollmentStatus.CANCELLED
            cohort_ids.add(enrollment.cohort_id)
        await db.flush()
        for cohort_id in cohort_ids:
            cohort = await db.get(Cohort, cohort_id)
            if cohort is None:
                continue
            while await _promote_from_waitlist(db, cohort) is not None:
                pass
        await db.commit()
    for enrollment in expired:
        await _notify(enrollment.member_id, "academy.enrollment_expired")
    return len(expired)


async def send_cohort_start_reminders(ctx: dict[str, Any]) -> int:
    """Daily: remind students whose cohort starts in ``REMINDER_DAYS_BEFORE_START`` days."""
    start = date.today() + timedelta(days=REMINDER_DAYS_BEFORE_START)
    sent = 0
    async with _session_factory(ctx)() as db:
        result = await db.execute(
            select(Enrollment, Cohort)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(
                Cohort.start_date == start,
                Cohort.status.in_([CohortStatus.OPEN, CohortStatus.ACTIVE]),
                Enrollment.status.in_([EnrollmentStatus.PENDING, EnrollmentStatus.ACTIVE]),
            )
        )
        for enrollment, cohort in result.all():
            template = (
                "academy.start_reminder"
                if enrollment.status is EnrollmentStatus.ACTIVE
                else "academy.start_reminder_unpaid"
            )
            if await _notify(
                enrollment.member_id,
                template,
                cohort_name=cohort.name,
                start_date=cohort.start_date.isoformat(),
                location=cohort.location,
            ):
                sent += 1
    return sent


# --- Cohort lifecycle ---


async def advance_cohort_statuses(ctx: dict[str, Any]) -> dict[str, int]:
    """Daily: open cohorts start on their start date, active ones finish after their end date."""
    today = date.today()
    started = finished = 0
    async with _session_factory(ctx)() as db:
        to_start = await db.execute(
            select(Cohort).where(Cohort.status == CohortStatus.OPEN, Cohort.start_date <= today)
        )
        for cohort in to_start.scalars():
            cohort.status = CohortStatus.ACTIVE
            started += 1

        to_finish = await db.execute(
            select(Cohort).where(Cohort.status == CohortStatus.ACTIVE, Cohort.end_date < today)
        )
        for cohort in list(to_finish.scalars()):
            await refresh_cohort_progress(db, cohort.id)
            completed = await db.execute(
                select(Enrollment).where(
                    Enrollment.cohort_id == cohort.id,
                    Enrollment.status == EnrollmentStatus.ACTIVE,
                    Enrollment.progress_percent >= 100,
                )
            )
            for enrollment in completed.scalars():
                enrollment.status = EnrollmentStatus.COMPLETED
                enrollment.completed_at = _now()
            cohort.status = CohortStatus.COMPLETED
            finished += 1
        await db.commit()
    logger.info("cohort statuses advanced: %d started, %d finished", started, finished)
    return {"started": started, "finished": finished}


async def notify_program_interest(ctx: dict[str, Any], cohort_id: str) -> int:
    """When a cohort opens, tell members who asked to hear about its program."""
    async with _session_factory(ctx)() as db:
        cohort = await db.get(Cohort, uuid.UUID(cohort_id))
        if cohort is None or cohort.status is not CohortStatus.OPEN:
            return 0
        result = await db.execute(
            select(ProgramInterest).where(
                ProgramInterest.program_id == cohort.program_id,
                ProgramInterest.notified_at.is_(None),
            )
        )
        notified = 0
        for interest in result.scalars():
            if await _notify(
                interest.member_id,
                "academy.cohort_opened",
                cohort_name=cohort.name,
                start_date=cohort.start_date.isoformat(),
                schedule=cohort.schedule,
            ):
                interest.notified_at = _now()
                notified += 1
        await db.commit()
    return notified


async def rescore_cohort_complexity(ctx: dict[str, Any], cohort_id: str) -> str | None:
    """Re-run rule-based scoring after the roster or staffing of a cohort changed."""
    async with _session_factory(ctx)() as db:
        result = await db.execute(
            select(Cohort)
            .options(selectinload(Cohort.program), selectinload(Cohort.coach_assignments))
            .where(Cohort.id == uuid.UUID(cohort_id))
        )
        cohort = result.scalar_one_or_none()
        if cohort is None:
            return None
        enrolled = await db.execute(
            select(Enrollment.id).where(
                Enrollment.cohort_id == cohort.id,
                Enrollment.status.in_([EnrollmentStatus.PENDING, EnrollmentStatus.ACTIVE]),
            )
        )
        staff = [
            a
            for a in cohort.coach_assignments
            if a.status is AssignmentStatus.ACTIVE and a.role is not AssignmentRole.SHADOW
        ]
        outcome = compute_complexity(
            inputs_from_cohort(
                cohort,
                cohort.program,
                enrolled=len(enrolled.all()),
                coach_count=len(staff),
            )
        )
        db.add(
            CohortComplexityScore(
                cohort_id=cohort.id,
                score=outcome.score,
                required_grade=outcome.required_grade,
                source=ScoringSource.RULES,
                factors=outcome.factors,
                rationale="Rescored automatically after a roster change.",
            )
        )
        cohort.required_coach_grade = outcome.required_grade
        await db.commit()
        return outcome.required_grade.value


# --- Coaches ---


async def weekly_coach_digest(ctx: dict[str, Any]) -> int:
    """Mondays: each coach gets the progress of the cohorts they lead or assist."""
    async with _session_factory(ctx)() as db:
        result = await db.execute(
            select(CoachAssignment, Cohort)
            .join(Cohort, Cohort.id == CoachAssignment.cohort_id)
            .where(
                CoachAssignment.status == AssignmentStatus.ACTIVE,
                Cohort.status == CohortStatus.ACTIVE,
            )
        )
        per_coach: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
        lead_counts: dict[uuid.UUID, int] = defaultdict(int)
        for assignment, cohort in result.all():
            average, reports = await _compute_cohort_completion(db, cohort)
            per_coach[assignment.coach_id].append(
                {
                    "cohort": cohort.name,
                    "role": assignment.role.value,
                    "students": len(reports),
                    "average_progress": average,
                    "behind": sum(r.band == "behind" for r in reports),
                }
            )
            if assignment.role is AssignmentRole.LEAD:
                lead_counts[assignment.coach_id] += 1
    sent = 0
    for coach_id, cohorts in per_coach.items():
        if await _notify(
            coach_id,
            "academy.coach_weekly_digest",
            cohorts=cohorts,
            overloaded=lead_counts[coach_id] > MAX_LEAD_COHORTS,
        ):
            sent += 1
    return sent


async def close_ended_assignments(ctx: dict[str, Any]) -> int:
    """Daily: end assignments whose end date passed or whose cohort finished."""
    today = date.today()
    async with _session_factory(ctx)() as db:
        result = await db.execute(
            select(CoachAssignment)
            .join(Cohort, Cohort.id == CoachAssignment.cohort_id)
            .where(
                CoachAssignment.status.in_([AssignmentStatus.PENDING, AssignmentStatus.ACTIVE]),
                (CoachAssignment.end_date < today)
                | Cohort.status.in_([CohortStatus.COMPLETED, CohortStatus.CANCELLED]),
            )
        )
        ended = 0
        for assignment in result.scalars():
            assignment.status = AssignmentStatus.ENDED
            assignment.end_date = min(assignment.end_date or today, today)
            ended += 1
        await db.commit()
    return ended
