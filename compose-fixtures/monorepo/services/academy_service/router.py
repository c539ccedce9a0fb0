"""Academy endpoints: programs, cohorts, enrolments, milestones, scoring and coach views."""

import logging
import re
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, get_current_user, require_admin, require_coach, require_internal
from libs.db import get_async_db
from libs.service_client import ServiceUnavailable, get_member_summary, get_service_client
from libs.settings import get_settings
from services.academy_service.models import (
    AssignmentRole,
    AssignmentStatus,
    CoachAssignment,
    Cohort,
    CohortComplexityScore,
    CohortResource,
    CohortStatus,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    Milestone,
    PaymentStatus,
    Program,
    ProgramCategory,
    ProgramInterest,
    ProgramLevel,
    ProgressStatus,
    ScoringSource,
    StudentProgress,
)
from services.academy_service.schemas import (
    AdminEnrollRequest,
    CoachCohortCard,
    CohortCreate,
    CohortDetail,
    CohortOverview,
    CohortResourceCreate,
    CohortResourceResponse,
    CohortResponse,
    CohortStatusChange,
    CohortStatusFilter,
    CohortSummary,
    CohortUpdate,
    ComplexityScoreRequest,
    ComplexityScoreResponse,
    EnrollmentResponse,
    EnrollmentStatusChange,
    MemberAcademySummary,
    MilestoneCreate,
    MilestoneProgressLine,
    MilestoneResponse,
    MilestoneUpdate,
    OpenCohort,
    Page,
    PaymentUpdate,
    ProgramCreate,
    ProgramDetail,
    ProgramInterestCreate,
    ProgramInterestResponse,
    ProgramResponse,
    ProgramUpdate,
    ProgressRefreshResult,
    ProgressResponse,
    ProgressUpdate,
    PublishedProgram,
    RosterEntry,
    StudentReport,
)

from .scoring import compute_complexity, inputs_from_cohort, request_ai_score, required_grade_for

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# Members may still enrol themselves this many days after a cohort has started.
SELF_ENROLL_GRACE_DAYS = 14

SEAT_HOLDING_STATUSES = (EnrollmentStatus.PENDING, EnrollmentStatus.ACTIVE)

COHORT_TRANSITIONS: dict[CohortStatus, set[CohortStatus]] = {
    CohortStatus.DRAFT: {CohortStatus.OPEN, CohortStatus.CANCELLED},
    CohortStatus.OPEN: {CohortStatus.DRAFT, CohortStatus.ACTIVE, CohortStatus.CANCELLED},
    CohortStatus.ACTIVE: {CohortStatus.COMPLETED, CohortStatus.CANCELLED},
    CohortStatus.COMPLETED: set(),
    CohortStatus.CANCELLED: set(),
}

ENROLLMENT_TRANSITIONS: dict[EnrollmentStatus, set[EnrollmentStatus]] = {
    EnrollmentStatus.PENDING: {
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.CANCELLED,
    },
    EnrollmentStatus.WAITLISTED: {
        EnrollmentStatus.PENDING,
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.CANCELLED,
    },
    EnrollmentStatus.ACTIVE: {
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.CANCELLED,
    },
    EnrollmentStatus.COMPLETED: set(),
    EnrollmentStatus.WITHDRAWN: set(),
    EnrollmentStatus.CANCELLED: set(),
}

COMPLETION_BANDS = [(100, "complete"), (75, "on_track"), (40, "progressing"), (0, "behind")]

router = APIRouter(prefix="/academy", tags=["academy"])
logger = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


async def _get_program_or_404(
    db: AsyncSession, program_id: uuid.UUID, *, with_children: bool = False
) -> Program:
    query = select(Program).where(Program.id == program_id)
    if with_children:
        query = query.options(selectinload(Program.cohorts), selectinload(Program.milestones))
    program = (await db.execute(query)).scalar_one_or_none()
    if program is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "program not found")
    return program


async def _get_cohort_or_404(
    db: AsyncSession, cohort_id: uuid.UUID, *, with_program: bool = False
) -> Cohort:
    query = select(Cohort).where(Cohort.id == cohort_id)
    if with_program:
        query = query.options(selectinload(Cohort.program))
    cohort = (await db.execute(query)).scalar_one_or_none()
    if cohort is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "cohort not found")
    return cohort


async def _get_enrollment_or_404(db: AsyncSession, enrollment_id: uuid.UUID) -> Enrollment:
    enrollment = await db.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "enrollment not found")
    return enrollment


async def _paginate(db: AsyncSession, query: Select, page: int, page_size: int) -> tuple[list, int]:
    count_query = select(func.count()).select_from(query.order_by(None).subquery())
    total = (await db.execute(count_query)).scalar_one()
    rows = await db.execute(query.offset((page - 1) * page_size).limit(page_size))
    return list(rows.scalars()), total


async def _count_enrollments(
    db: AsyncSession,
    cohort_id: uuid.UUID,
    statuses: tuple[EnrollmentStatus, ...] = SEAT_HOLDING_STATUSES,
) -> int:
    result = await db.execute(
        select(func.count(Enrollment.id)).where(
            Enrollment.cohort_id == cohort_id, Enrollment.status.in_(statuses)
        )
    )
    return int(result.scalar_one())


async def _seats_left(db: AsyncSession, cohort: Cohort) -> int:
    return max(cohort.capacity - await _count_enrollments(db, cohort.id), 0)


async def _require_cohort_coach(db: AsyncSession, cohort_id: uuid.UUID, user: AuthUser) -> None:
    """Admins always pass; coaches only for cohorts they are actively assigned to."""
    if user.is_admin:
        return
    assignment = await db.execute(
        select(CoachAssignment.id).where(
            CoachAssignment.cohort_id == cohort_id,
            CoachAssignment.coach_id == user.user_id,
            CoachAssignment.status == AssignmentStatus.ACTIVE,
        )
    )
    if assignment.first() is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not assigned to this cohort")


def _cohort_link(cohort_id: uuid.UUID) -> str:
    return f"{settings.url_for('web')}/academy/cohorts/{cohort_id}"


settings = get_settings()


async def _notify_member(member_id: uuid.UUID, template: str, **context: Any) -> None:
    """Best effort: a communications outage must never fail an academy request."""
    try:
        await get_service_client("communications").post(
            "/api/v1/communications/internal/notifications",
            json={"member_id": str(member_id), "template": template, "context": context},
        )
    except (ServiceUnavailable, httpx.HTTPStatusError) as exc:
        logger.warning("notification %s to %s not sent: %s", template, member_id, exc)


# --- Programs ---


@router.get("/programs/", response_model=Page[ProgramResponse])
async def list_programs(
    category: ProgramCategory | None = None,
    level: ProgramLevel | None = None,
    published: bool | None = None,
    q: str | None = Query(default=None, max_length=100),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    db: AsyncSession = Depends(get_async_db),
) -> dict:
    query = select(Program).order_by(Program.name)
    if category is not None:
        query = query.where(Program.category == category)
    if level is not None:
        query = query.where(Program.level == level)
    if published is not None:
        query = query.where(Program.is_published.is_(published))
    if q:
        query = query.where(Program.name.ilike(f"%{q}%"))
    items, total = await _paginate(db, query, page, page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.get("/programs/published", response_model=list[PublishedProgram])
async def list_published_programs(db: AsyncSession = Depends(get_async_db)) -> list[dict]:
    open_cohorts = (
        select(
            Cohort.program_id,
            func.count(Cohort.id).label("open_cohorts"),
            func.min(Cohort.start_date).label("next_start_date"),
        )
        .where(Cohort.status == CohortStatus.OPEN)
        .group_by(Cohort.program_id)
        .subquery()
    )
    rows = await db.execute(
        select(Program, open_cohorts.c.open_cohorts, open_cohorts.c.next_start_date)
        .outerjoin(open_cohorts, open_cohorts.c.program_id == Program.id)
        .where(Program.is_published.is_(True))
        .order_by(Program.category, Program.name)
    )
    return [
        {
            **ProgramResponse.model_validate(program).model_dump(),
            "open_cohorts": count or 0,
            "next_start_date": next_start,
        }
        for program, count, next_start in rows.all()
    ]


@router.post("/programs/", response_model=ProgramResponse, status_code=status.HTTP_201_CREATED)
async def create_program(
    payload: ProgramCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Program:
    slug = payload.slug or _slugify(payload.name)
    clash = await db.execute(select(Program.id).where(Program.slug == slug))
    if clash.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"slug '{slug}' is already used")
    program = Program(**payload.model_dump(exclude={"slug"}), slug=slug)
    db.add(program)
    await db.flush()
    await db.refresh(program)
    return program


@router.post("/programs/{program_id}/publish", response_model=ProgramResponse)
async def publish_program(
    program_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Program:
    program = await _get_program_or_404(db, program_id)
    if not program.is_published:
        program.is_published = True
        program.published_at = _utcnow()
        await db.flush()
        await db.refresh(program)
    return program


@router.post("/programs/{program_id}/unpublish", response_model=ProgramResponse)
async def unpublish_program(
    program_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Program:
    program = await _get_program_or_404(db, program_id)
    running = await db.execute(
        select(Cohort.id).where(
            Cohort.program_id == program_id,
            Cohort.status.in_([CohortStatus.OPEN, CohortStatus.ACTIVE]),
        )
    )
    if running.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "program has open or active cohorts")
    program.is_published = False
    await db.flush()
    await db.refresh(program)
    return program


@router.post(
    "/programs/{program_id}/interest",
    response_model=ProgramInterestResponse,
    status_code=status.HTTP_201_CREATED,
)
async def register_interest(
    program_id: uuid.UUID,
    payload: ProgramInterestCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> ProgramInterest:
    program = await _get_program_or_404(db, program_id)
    if not program.is_published:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "program not found")
    interest = (
        await db.execute(
            select(ProgramInterest).where(
                ProgramInterest.program_id == program_id,
                ProgramInterest.member_id == user.user_id,
            )
        )
    ).scalar_one_or_none()
    if interest is None:
        interest = ProgramInterest(program_id=program_id, member_id=user.user_id)
        db.add(interest)
    interest.preferred_days = payload.preferred_days
    interest.notes = payload.notes
    interest.notified_at = None
    await db.flush()
    await db.refresh(interest)
    return interest


@router.get("/programs/{program_id}/interests", response_model=list[ProgramInterestResponse])
async def list_interests(
    program_id: uuid.UUID,
    pending_only: bool = True,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[ProgramInterest]:
    await _get_program_or_404(db, program_id)
    query = select(ProgramInterest).where(ProgramInterest.program_id == program_id)
    if pending_only:
        query = query.where(ProgramInterest.notified_at.is_(None))
    result = await db.execute(query.order_by(ProgramInterest.created_at))
    return list(result.scalars())


async def _member_display_name(db: AsyncSession, member_id: uuid.UUID) -> str | None:
    summary = await get_member_summary(str(member_id))
    if summary is not None:
        name = f"{summary.get('first_name', '')} {summary.get('last_name', '')}".strip()
        return name or None
    # Single-process deployments run the members code next to ours.
    # import here to avoid circular imports
    try:
        from services.members_service.models import Member
        from services.members_service.service import member_display_name
    except ImportError:
        return None
    member = await db.get(Member, member_id)
    return member_display_name(member) if member is not None else None


@router.get("/admin/members/{member_id}/academy", response_model=MemberAcademySummary)
async def member_academy_summary(
    member_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> MemberAcademySummary:
    enrollments = list(
        (
            await db.execute(
                select(Enrollment)
                .where(Enrollment.member_id == member_id)
                .order_by(Enrollment.enrolled_at.desc())
            )
        ).scalars()
    )
    interests = list(
        (
            await db.execute(select(ProgramInterest).where(ProgramInterest.member_id == member_id))
        ).scalars()
    )
    return MemberAcademySummary(
        member_id=member_id,
        display_name=await _member_display_name(db, member_id),
        enrollments=[EnrollmentResponse.model_validate(e) for e in enrollments],
        interests=[ProgramInterestResponse.model_validate(i) for i in interests],
        completed_programs=sum(e.status is EnrollmentStatus.COMPLETED for e in enrollments),
    )


# --- Cohorts ---


@router.get("/cohorts/open", response_model=list[OpenCohort])
async def list_open_cohorts(
    program_id: uuid.UUID | None = None,
    category: ProgramCategory | None = None,
    db: AsyncSession = Depends(get_async_db),
) -> list[OpenCohort]:
    query = (
        select(Cohort, Program)
        .join(Program, Program.id == Cohort.program_id)
        .where(
            Cohort.status == CohortStatus.OPEN,
            Cohort.self_enroll_open.is_(True),
            Program.is_published.is_(True),
        )
        .order_by(Cohort.start_date)
    )
    if program_id is not None:
        query = query.where(Cohort.program_id == program_id)
    if category is not None:
        query = query.where(Program.category == category)
    cohorts = []
    for cohort, program in (await db.execute(query)).all():
        seats = await _seats_left(db, cohort)
        if seats == 0:
            continue
        cohorts.append(
            OpenCohort(
                **CohortSummary.model_validate(cohort).model_dump(),
                program_name=program.name,
                seats_left=seats,
                price=cohort.price_override if cohort.price_override is not None else program.price,
            )
        )
    return cohorts


@router.get("/cohorts/", response_model=Page[CohortResponse])
async def list_cohorts(
    status_filter: CohortStatusFilter | None = Query(default=None, alias="status"),
    program_id: uuid.UUID | None = None,
    starts_after: date | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> dict:
    query = select(Cohort).order_by(Cohort.start_date.desc(), Cohort.name)
    if status_filter is not None:
        query = query.where(Cohort.status == CohortStatus(status_filter.value))
    if program_id is not None:
        query = query.where(Cohort.program_id == program_id)
    if starts_after is not None:
        query = query.where(Cohort.start_date >= starts_after)
    items, total = await _paginate(db, query, page, page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.post("/cohorts/", response_model=CohortResponse, status_code=status.HTTP_201_CREATED)
async def create_cohort(
    payload: CohortCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Cohort:
    program = await _get_program_or_404(db, payload.program_id)
    data = payload.model_dump()
    if data["capacity"] is None:
        data["capacity"] = program.default_capacity
    cohort = Cohort(**data)
    db.add(cohort)
    await db.flush()
    await db.refresh(cohort)
    return cohort


@router.post("/cohorts/{cohort_id}/status", response_model=CohortResponse)
async def change_cohort_status(
    cohort_id: uuid.UUID,
    payload: CohortStatusChange,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Cohort:
    cohort = await _get_cohort_or_404(db, cohort_id, with_program=True)
    if payload.status not in COHORT_TRANSITIONS[cohort.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move a {cohort.status.value} cohort to {payload.status.value}",
        )
    if payload.status is CohortStatus.OPEN and not cohort.program.is_published:
        raise HTTPException(status.HTTP_409_CONFLICT, "publish the program first")

    affected: list[Enrollment] = []
    if payload.status is CohortStatus.CANCELLED:
        result = await db.execute(
            select(Enrollment).where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.status.in_([*SEAT_HOLDING_STATUSES, EnrollmentStatus.WAITLISTED]),
            )
        )
        affected = list(result.scalars())
        for enrollment in affected:
            enrollment.status = EnrollmentStatus.CANCELLED
            enrollment.waitlist_position = None
    elif payload.status is CohortStatus.COMPLETED:
        result = await db.execute(
            select(Enrollment).where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.progress_percent >= 100,
            )
        )
        for enrollment in result.scalars():
            enrollment.status = EnrollmentStatus.COMPLETED
            enrollment.completed_at = _utcnow()

    cohort.status = payload.status
    await db.flush()
    for enrollment in affected:
        await _notify_member(
            enrollment.member_id,
            "academy.cohort_cancelled",
            cohort_name=cohort.name,
            reason=payload.reason,
            link=_cohort_link(cohort.id),
        )
    await db.refresh(cohort)
    return cohort


@router.get("/cohorts/{cohort_id}/resources", response_model=list[CohortResourceResponse])
async def list_cohort_resources(
    cohort_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[CohortResource]:
    await _get_cohort_or_404(db, cohort_id)
    query = select(CohortResource).where(CohortResource.cohort_id == cohort_id)
    if not user.is_coach:
        query = query.where(CohortResource.visible_to_students.is_(True))
    result = await db.execute(query.order_by(CohortResource.created_at))
    return list(result.scalars())


@router.post(
    "/cohorts/{cohort_id}/resources",
    response_model=CohortResourceResponse,
    status_code=status.HTTP_201_CREATED,
)
async def add_cohort_resource(
    cohort_id: uuid.UUID,
    payload: CohortResourceCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CohortResource:
    await _get_cohort_or_404(db, cohort_id)
    await _require_cohort_coach(db, cohort_id, user)
    resource = CohortResource(cohort_id=cohort_id, added_by_id=user.user_id, **payload.model_dump())
    db.add(resource)
    await db.flush()
    await db.refresh(resource)
    return resource


@router.delete(
    "/cohorts/{cohort_id}/resources/{resource_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def delete_cohort_resource(
    cohort_id: uuid.UUID,
    resource_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> None:
    await _require_cohort_coach(db, cohort_id, user)
    resource = await db.get(CohortResource, resource_id)
    if resource is None or resource.cohort_id != cohort_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "resource not found")
    await db.delete(resource)


# --- Enrollments ---

from services.academy_service.self_enroll_schema import SelfEnrollRequest


def _ensure_enrollable(cohort: Cohort, *, self_service: bool) -> None:
    if cohort.status not in (CohortStatus.OPEN, CohortStatus.ACTIVE):
        raise HTTPException(status.HTTP_409_CONFLICT, "cohort is not taking enrolments")
    if not self_service:
        return
    if not cohort.self_enroll_open:
        raise HTTPException(status.HTTP_409_CONFLICT, "self-enrolment is closed for this cohort")
    if date.today() > cohort.start_date + timedelta(days=SELF_ENROLL_GRACE_DAYS):
        raise HTTPException(status.HTTP_409_CONFLICT, "cohort started too long ago")


async def _next_waitlist_position(db: AsyncSession, cohort_id: uuid.UUID) -> int:
    result = await db.execute(
        select(func.max(Enrollment.waitlist_position)).where(
            Enrollment.cohort_id == cohort_id, Enrollment.status == EnrollmentStatus.WAITLISTED
        )
    )
    return (result.scalar_one() or 0) + 1


async def _enroll_member(
    db: AsyncSession,
    cohort: Cohort,
    member_id: uuid.UUID,
    *,
    source: EnrollmentSource,
    allow_waitlist: bool,
    override_capacity: bool = False,
    payment_status: PaymentStatus = PaymentStatus.UNPAID,
    notes: str | None = None,
) -> Enrollment:
    _ensure_enrollable(cohort, self_service=source is EnrollmentSource.SELF)
    existing = await db.execute(
        select(Enrollment).where(
            Enrollment.cohort_id == cohort.id, Enrollment.member_id == member_id
        )
    )
    enrollment = existing.scalar_one_or_none()
    if enrollment is not None and enrollment.status not in (
        EnrollmentStatus.WITHDRAWN,
        EnrollmentStatus.CANCELLED,
    ):
        raise HTTPException(status.HTTP_409_CONFLICT, "member is already enrolled in this cohort")

    # Count seats before adding the row: autoflush would otherwise count it as taken.
    has_seat = override_capacity or await _seats_left(db, cohort) > 0
    if not has_seat and not allow_waitlist:
        raise HTTPException(status.HTTP_409_CONFLICT, "cohort is full")
    waitlist_position = None if has_seat else await _next_waitlist_position(db, cohort.id)
    if enrollment is None:
        enrollment = Enrollment(cohort_id=cohort.id, member_id=member_id)
        db.add(enrollment)

    enrollment.source = source
    enrollment.payment_status = payment_status
    enrollment.notes = notes
    enrollment.withdrawn_at = None
    enrollment.waitlist_position = waitlist_position
    if has_seat:
        paid = payment_status in (PaymentStatus.PAID, PaymentStatus.WAIVED)
        enrollment.status = EnrollmentStatus.ACTIVE if paid else EnrollmentStatus.PENDING
    else:
        enrollment.status = EnrollmentStatus.WAITLISTED
    await db.flush()
    await db.refresh(enrollment)
    return enrollment


async def _promote_from_waitlist(db: AsyncSession, cohort: Cohort) -> Enrollment | None:
    """Give a freed seat to the first member on the waitlist, if there is one."""
    if await _seats_left(db, cohort) == 0:
        return None
    result = await db.execute(
        select(Enrollment)
        .where(Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.WAITLISTED)
        .order_by(Enrollment.waitlist_position, Enrollment.enrolled_at)
        .limit(1)
    )
    promoted = result.scalar_one_or_none()
    if promoted is None:
        return None
    promoted.status = EnrollmentStatus.PENDING
    promoted.waitlist_position = None
    await db.flush()
    await _notify_member(
        promoted.member_id,
        "academy.waitlist_promoted",
        cohort_name=cohort.name,
        link=_cohort_link(cohort.id),
    )
    return promoted


@router.post(
    "/cohorts/{cohort_id}/enroll",
    response_model=EnrollmentResponse,
    status_code=status.HTTP_201_CREATED,
)
async def self_enroll(
    cohort_id: uuid.UUID,
    payload: SelfEnrollRequest,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Enrollment:
    cohort = await _get_cohort_or_404(db, cohort_id)
    enrollment = await _enroll_member(
        db,
        cohort,
        user.user_id,
        source=EnrollmentSource.SELF,
        allow_waitlist=payload.accept_waitlist,
        notes=payload.notes,
    )
    template = (
        "academy.waitlisted"
        if enrollment.status is EnrollmentStatus.WAITLISTED
        else "academy.enrollment_received"
    )
    await _notify_member(
        user.user_id,
        template,
        cohort_name=cohort.name,
        start_date=cohort.start_date.isoformat(),
        link=_cohort_link(cohort.id),
    )
    return enrollment


@router.post(
    "/cohorts/{cohort_id}/enrollments",
    response_model=EnrollmentResponse,
    status_code=status.HTTP_201_CREATED,
)
async def admin_enroll(
    cohort_id: uuid.UUID,
    payload: AdminEnrollRequest,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Enrollment:
    cohort = await _get_cohort_or_404(db, cohort_id)
    return await _enroll_member(
        db,
        cohort,
        payload.member_id,
        source=EnrollmentSource.ADMIN,
        allow_waitlist=True,
        override_capacity=payload.override_capacity,
        payment_status=payload.payment_status,
        notes=payload.notes,
    )


@router.get("/cohorts/{cohort_id}/enrollments", response_model=list[RosterEntry])
async def cohort_roster(
    cohort_id: uuid.UUID,
    status_filter: EnrollmentStatus | None = Query(default=None, alias="status"),
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> list[RosterEntry]:
    await _get_cohort_or_404(db, cohort_id)
    await _require_cohort_coach(db, cohort_id, user)
    query = (
        select(Enrollment)
        .options(selectinload(Enrollment.member))
        .where(Enrollment.cohort_id == cohort_id)
        .order_by(Enrollment.enrolled_at)
    )
    if status_filter is not None:
        query = query.where(Enrollment.status == status_filter)
    return [_roster_entry(e) for e in (await db.execute(query)).scalars()]


def _roster_entry(enrollment: Enrollment) -> RosterEntry:
    entry = RosterEntry.model_validate(enrollment)
    if enrollment.member is not None:
        entry.first_name = enrollment.member.first_name
        entry.last_name = enrollment.member.last_name
        entry.email = enrollment.member.email
    return entry


@router.patch("/enrollments/{enrollment_id}/status", response_model=EnrollmentResponse)
async def change_enrollment_status(
    enrollment_id: uuid.UUID,
    payload: EnrollmentStatusChange,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> Enrollment:
    enrollment = await _get_enrollment_or_404(db, enrollment_id)
    if not user.is_admin:
        if enrollment.member_id != user.user_id or payload.status is not EnrollmentStatus.WITHDRAWN:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "members may only withdraw themselves")
    if payload.status not in ENROLLMENT_TRANSITIONS[enrollment.status]:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cannot move a {enrollment.status.value} enrolment to {payload.status.value}",
        )
    held_seat = enrollment.status in SEAT_HOLDING_STATUSES
    enrollment.status = payload.status
    enrollment.waitlist_position = None
    if payload.status is EnrollmentStatus.WITHDRAWN:
        enrollment.withdrawn_at = _utcnow()
    elif payload.status is EnrollmentStatus.COMPLETED:
        enrollment.completed_at = _utcnow()
    await db.flush()
    if held_seat and payload.status not in SEAT_HOLDING_STATUSES:
        cohort = await _get_cohort_or_404(db, enrollment.cohort_id)
        await _promote_from_waitlist(db, cohort)
    await db.refresh(enrollment)
    return enrollment


@router.get("/enrollments/me", response_model=list[EnrollmentResponse])
async def my_enrollments(
    include_past: bool = False,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[Enrollment]:
    query = select(Enrollment).where(Enrollment.member_id == user.user_id)
    if not include_past:
        query = query.where(
            Enrollment.status.in_([*SEAT_HOLDING_STATUSES, EnrollmentStatus.WAITLISTED])
        )
    result = await db.execute(query.order_by(Enrollment.enrolled_at.desc()))
    return list(result.scalars())


@router.get(
    "/internal/members/{member_id}/enrollments",
    response_model=list[EnrollmentResponse],
    dependencies=[Depends(require_internal)],
)
async def internal_member_enrollments(
    member_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> list[Enrollment]:
    result = await db.execute(
        select(Enrollment)
        .where(Enrollment.member_id == member_id)
        .order_by(Enrollment.enrolled_at.desc())
    )
    return list(result.scalars())


@router.get(
    "/internal/cohorts/{cohort_id}/roster",
    response_model=list[EnrollmentResponse],
    dependencies=[Depends(require_internal)],
)
async def internal_cohort_roster(
    cohort_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> list[Enrollment]:
    """Used by the attendance service to build session registers."""
    await _get_cohort_or_404(db, cohort_id)
    result = await db.execute(
        select(Enrollment).where(
            Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEAT_HOLDING_STATUSES)
        )
    )
    return list(result.scalars())


@router.post(
    "/internal/enrollments/{enrollment_id}/payment",
    response_model=EnrollmentResponse,
    dependencies=[Depends(require_internal)],
)
async def internal_payment_update(
    enrollment_id: uuid.UUID, payload: PaymentUpdate, db: AsyncSession = Depends(get_async_db)
) -> Enrollment:
    """Called by the payments service when an enrolment fee settles or is refunded."""
    enrollment = await _get_enrollment_or_404(db, enrollment_id)
    enrollment.payment_status = payload.payment_status
    freed_seat = False
    if payload.payment_status in (PaymentStatus.PAID, PaymentStatus.WAIVED):
        if enrollment.status is EnrollmentStatus.PENDING:
            enrollment.status = EnrollmentStatus.ACTIVE
    elif payload.payment_status is PaymentStatus.REFUNDED:
        freed_seat = enrollment.status in SEAT_HOLDING_STATUSES
        if enrollment.status is not EnrollmentStatus.COMPLETED:
            enrollment.status = EnrollmentStatus.CANCELLED
    await db.flush()
    if freed_seat:
        await _promote_from_waitlist(db, await _get_cohort_or_404(db, enrollment.cohort_id))
    await db.refresh(enrollment)
    return enrollment


# --- Milestones & progress ---


async def _load_milestones(db: AsyncSession, program_id: uuid.UUID) -> list[Milestone]:
    result = await db.execute(
        select(Milestone).where(Milestone.program_id == program_id).order_by(Milestone.sequence)
    )
    return list(result.scalars())


async def _progress_by_milestone(
    db: AsyncSession, enrollment_id: uuid.UUID
) -> dict[uuid.UUID, StudentProgress]:
    result = await db.execute(
        select(StudentProgress).where(StudentProgress.enrollment_id == enrollment_id)
    )
    return {row.milestone_id: row for row in result.scalars()}


def _milestone_weight(milestone: Milestone) -> int:
    # Required milestones count double so optional badges cannot carry a swimmer.
    return milestone.weight * (2 if milestone.is_required else 1)


def _weighted_completion(
    milestones: list[Milestone], progress: dict[uuid.UUID, StudentProgress]
) -> int:
    total = sum(_milestone_weight(m) for m in milestones)
    if total == 0:
        return 0
    achieved = sum(
        _milestone_weight(m)
        for m in milestones
        if m.id in progress and progress[m.id].status is ProgressStatus.ACHIEVED
    )
    return round(100 * achieved / total)


def _completion_band(percent: int) -> str:
    for threshold, band in COMPLETION_BANDS:
        if percent >= threshold:
            return band
    return "behind"


async def _compute_student_report(
    db: AsyncSession, enrollment: Enrollment, milestones: list[Milestone]
) -> StudentReport:
    progress = await _progress_by_milestone(db, enrollment.id)
    percent = _weighted_completion(milestones, progress)
    lines = [
        MilestoneProgressLine(
            milestone_id=m.id,
            title=m.title,
            is_required=m.is_required,
            weight=m.weight,
            status=progress[m.id].status if m.id in progress else ProgressStatus.NOT_STARTED,
            achieved_at=progress[m.id].achieved_at if m.id in progress else None,
        )
        for m in milestones
    ]
    return StudentReport(
        enrollment_id=enrollment.id,
        member_id=enrollment.member_id,
        completion_percent=percent,
        band=_completion_band(percent),
        required_outstanding=sum(
            line.is_required and line.status is not ProgressStatus.ACHIEVED for line in lines
        ),
        lines=lines,
    )


async def _compute_cohort_completion(
    db: AsyncSession, cohort: Cohort
) -> tuple[int, list[StudentReport]]:
    """Average completion of a cohort's active students, with one report per student."""
    milestones = await _load_milestones(db, cohort.program_id)
    result = await db.execute(
        select(Enrollment).where(
            Enrollment.cohort_id == cohort.id,
            Enrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED]),
        )
    )
    reports = [await _compute_student_report(db, e, milestones) for e in result.scalars()]
    if not reports:
        return 0, []
    return round(sum(r.completion_percent for r in reports) / len(reports)), reports


@router.get("/programs/{program_id}/milestones", response_model=list[MilestoneResponse])
async def list_milestones(
    program_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> list[Milestone]:
    await _get_program_or_404(db, program_id)
    return await _load_milestones(db, program_id)


@router.post(
    "/programs/{program_id}/milestones",
    response_model=MilestoneResponse,
    status_code=status.HTTP_201_CREATED,
)
async def create_milestone(
    program_id: uuid.UUID,
    payload: MilestoneCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Milestone:
    await _get_program_or_404(db, program_id)
    milestone = Milestone(program_id=program_id, **payload.model_dump())
    db.add(milestone)
    await db.flush()
    await db.refresh(milestone)
    return milestone


@router.patch("/milestones/{milestone_id}", response_model=MilestoneResponse)
async def update_milestone(
    milestone_id: uuid.UUID,
    payload: MilestoneUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Milestone:
    milestone = await db.get(Milestone, milestone_id)
    if milestone is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "milestone not found")
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(milestone, key, value)
    await db.flush()
    await db.refresh(milestone)
    return milestone


@router.post("/enrollments/{enrollment_id}/progress", response_model=ProgressResponse)
async def record_progress(
    enrollment_id: uuid.UUID,
    payload: ProgressUpdate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> StudentProgress:
    enrollment = await _get_enrollment_or_404(db, enrollment_id)
    await _require_cohort_coach(db, enrollment.cohort_id, user)
    if enrollment.status is not EnrollmentStatus.ACTIVE:
        raise HTTPException(status.HTTP_409_CONFLICT, "progress is only tracked while active")
    cohort = await _get_cohort_or_404(db, enrollment.cohort_id)
    milestone = await db.get(Milestone, payload.milestone_id)
    if milestone is None or milestone.program_id != cohort.program_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "milestone not in this program")
    progress = (await _progress_by_milestone(db, enrollment_id)).get(milestone.id)
    if progress is None:
        progress = StudentProgress(enrollment_id=enrollment_id, milestone_id=milestone.id)
        db.add(progress)
    progress.status = payload.status
    progress.score = payload.score
    progress.coach_notes = payload.coach_notes
    progress.evaluated_by_id = user.user_id
    progress.achieved_at = _utcnow() if payload.status is ProgressStatus.ACHIEVED else None
    await db.flush()
    await db.refresh(progress)
    return progress


@router.get("/enrollments/{enrollment_id}/progress", response_model=StudentReport)
async def student_report(
    enrollment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> StudentReport:
    enrollment = await _get_enrollment_or_404(db, enrollment_id)
    if enrollment.member_id != user.user_id:
        await _require_cohort_coach(db, enrollment.cohort_id, user)
    cohort = await _get_cohort_or_404(db, enrollment.cohort_id)
    milestones = await _load_milestones(db, cohort.program_id)
    return await _compute_student_report(db, enrollment, milestones)


@router.post("/cohorts/{cohort_id}/progress/refresh", response_model=ProgressRefreshResult)
async def refresh_progress(
    cohort_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> ProgressRefreshResult:
    # tasks.py imports helpers from this module, so import it at call time.
    from services.academy_service.tasks import refresh_cohort_progress

    await _get_cohort_or_404(db, cohort_id)
    await _require_cohort_coach(db, cohort_id, user)
    updated = await refresh_cohort_progress(db, cohort_id)
    return ProgressRefreshResult(cohort_id=cohort_id, updated=updated)


# --- Scoring ---


async def _count_staff(db: AsyncSession, cohort_id: uuid.UUID) -> int:
    result = await db.execute(
        select(func.count(CoachAssignment.id)).where(
            CoachAssignment.cohort_id == cohort_id,
            CoachAssignment.status == AssignmentStatus.ACTIVE,
            CoachAssignment.role.in_([AssignmentRole.LEAD, AssignmentRole.ASSISTANT]),
        )
    )
    return int(result.scalar_one())


@router.post(
    "/cohorts/{cohort_id}/complexity-score",
    response_model=ComplexityScoreResponse,
    status_code=status.HTTP_201_CREATED,
)
async def score_cohort(
    cohort_id: uuid.UUID,
    payload: ComplexityScoreRequest,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CohortComplexityScore:
    cohort = await _get_cohort_or_404(db, cohort_id, with_program=True)
    inputs = inputs_from_cohort(
        cohort,
        cohort.program,
        enrolled=await _count_enrollments(db, cohort_id),
        coach_count=await _count_staff(db, cohort_id),
        additional_needs=payload.additional_needs,
    )
    result = compute_complexity(inputs)
    record = CohortComplexityScore(
        cohort_id=cohort_id,
        score=result.score,
        required_grade=result.required_grade,
        source=ScoringSource.RULES,
        factors=result.factors,
    )
    if payload.use_ai:
        ai = await request_ai_score(inputs, payload.notes)
        if ai is None:
            record.rationale = "AI scoring unavailable; rule-based score kept."
        else:
            record.score = max(0, min(100, int(ai["score"])))
            record.required_grade = required_grade_for(record.score)
            record.source = ScoringSource.AI
            record.factors = {**result.factors, "rules_score": result.score}
            record.rationale = ai.get("rationale")
    cohort.required_coach_grade = record.required_grade
    db.add(record)
    await db.flush()
    await db.refresh(record)
    return record


@router.get("/cohorts/{cohort_id}/complexity-score", response_model=ComplexityScoreResponse)
async def latest_cohort_score(
    cohort_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> CohortComplexityScore:
    await _get_cohort_or_404(db, cohort_id)
    result = await db.execute(
        select(CohortComplexityScore)
        .where(CohortComplexityScore.cohort_id == cohort_id)
        .order_by(CohortComplexityScore.computed_at.desc())
        .limit(1)
    )
    score = result.scalar_one_or_none()
    if score is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "cohort has not been scored yet")
    return score


# --- Coach dashboard ---


@router.get("/coach/cohorts", response_model=list[CoachCohortCard])
async def coach_cohorts(
    include_finished: bool = False,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> list[CoachCohortCard]:
    query = (
        select(CoachAssignment, Cohort)
        .join(Cohort, Cohort.id == CoachAssignment.cohort_id)
        .where(
            CoachAssignment.coach_id == user.user_id,
            CoachAssignment.status == AssignmentStatus.ACTIVE,
        )
        .order_by(Cohort.start_date)
    )
    if not include_finished:
        query = query.where(Cohort.status.in_([CohortStatus.OPEN, CohortStatus.ACTIVE]))
    cards = []
    for assignment, cohort in (await db.execute(query)).all():
        average, reports = await _compute_cohort_completion(db, cohort)
        cards.append(
            CoachCohortCard(
                cohort=CohortSummary.model_validate(cohort),
                role=assignment.role.value,
                active_students=len(reports),
                average_progress=average,
            )
        )
    return cards


@router.get("/coach/cohorts/{cohort_id}/overview", response_model=CohortOverview)
async def coach_cohort_overview(
    cohort_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CohortOverview:
    cohort = await _get_cohort_or_404(db, cohort_id)
    await _require_cohort_coach(db, cohort_id, user)
    average, reports = await _compute_cohort_completion(db, cohort)
    roster = await db.execute(
        select(Enrollment)
        .options(selectinload(Enrollment.member))
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(SEAT_HOLDING_STATUSES))
        .order_by(Enrollment.enrolled_at)
    )
    return CohortOverview(
        cohort=CohortResponse.model_validate(cohort),
        roster=[_roster_entry(e) for e in roster.scalars()],
        completion_rate=average,
        students_behind=sum(r.band == "behind" for r in reports),
    )


# --- Program and cohort detail (keep last: literal paths above must match first) ---


@router.get("/programs/{program_id}", response_model=ProgramDetail)
async def get_program(program_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> Program:
    return await _get_program_or_404(db, program_id, with_children=True)


@router.patch("/programs/{program_id}", response_model=ProgramResponse)
async def update_program(
    program_id: uuid.UUID,
    payload: ProgramUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Program:
    program = await _get_program_or_404(db, program_id)
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(program, key, value)
    if program.min_age is not None and program.max_age is not None:
        if program.min_age > program.max_age:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "min_age exceeds max_age")
    await db.flush()
    await db.refresh(program)
    return program


@router.delete("/programs/{program_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_program(
    program_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    program = await _get_program_or_404(db, program_id)
    cohorts = await db.execute(select(Cohort.id).where(Cohort.program_id == program_id).limit(1))
    if cohorts.first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "program has cohorts; unpublish it instead")
    await db.delete(program)


@router.get("/cohorts/{cohort_id}", response_model=CohortDetail)
async def get_cohort(
    cohort_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> CohortDetail:
    cohort = await _get_cohort_or_404(db, cohort_id, with_program=True)
    enrolled = await _count_enrollments(db, cohort_id)
    waitlisted = await _count_enrollments(db, cohort_id, (EnrollmentStatus.WAITLISTED,))
    return CohortDetail(
        **CohortResponse.model_validate(cohort).model_dump(),
        program=ProgramResponse.model_validate(cohort.program),
        enrolled=enrolled,
        waitlisted=waitlisted,
        seats_left=max(cohort.capacity - enrolled, 0),
    )


@router.patch("/cohorts/{cohort_id}", response_model=CohortResponse)
async def update_cohort(
    cohort_id: uuid.UUID,
    payload: CohortUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Cohort:
    cohort = await _get_cohort_or_404(db, cohort_id)
    if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
        raise HTTPException(status.HTTP_409_CONFLICT, f"cohort is {cohort.status.value}")
    changes = payload.model_dump(exclude_unset=True)
    if "capacity" in changes and changes["capacity"] < await _count_enrollments(db, cohort_id):
        raise HTTPException(status.HTTP_409_CONFLICT, "capacity below current enrolment")
    for key, value in changes.items():
        setattr(cohort, key, value)
    if cohort.end_date < cohort.start_date:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "end_date before start_date")
    await db.flush()
    if "capacity" in changes:
        while await _promote_from_waitlist(db, cohort) is not None:
            pass
    await db.refresh(cohort)
    return cohort
