"""Coach assignments: who leads, assists and shadows each cohort, and shadow evaluations.

This router has no prefix of its own: it serves ``/coach-assignments``, ``/coaches`` and a
few ``/cohorts`` paths, and ``app/main.py`` mounts it under ``/api/v1/academy``.
"""

import logging
import uuid
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, require_admin, require_coach
from libs.db import get_async_db
from libs.service_client import get_member_summary
from services.academy_service.coach_assignment_schemas import (
    AssignmentCreate,
    AssignmentResponse,
    AssignmentUpdate,
    CoachWorkload,
    CohortCoach,
    ShadowEvaluationCreate,
    ShadowEvaluationResponse,
    ShadowReadiness,
    UnstaffedCohort,
)
from services.academy_service.models import (
    AssignmentRole,
    AssignmentStatus,
    CoachAssignment,
    CoachGrade,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    ShadowEvaluation,
    ShadowRating,
)
from services.academy_service.router import _get_cohort_or_404, _paginate
from services.academy_service.schemas import Page

router = APIRouter(tags=["coach-assignments"])
logger = logging.getLogger(__name__)

LIVE_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.ACTIVE)
MAX_ACTIVE_ASSIGNMENTS = 6
READY_EVALUATIONS_NEEDED = 3


async def _get_assignment_or_404(db: AsyncSession, assignment_id: uuid.UUID) -> CoachAssignment:
    assignment = await db.get(CoachAssignment, assignment_id)
    if assignment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "assignment not found")
    return assignment


async def _coach_grade(coach_id: uuid.UUID) -> CoachGrade | None:
    """The coach's current grade according to the members service."""
    summary = await get_member_summary(str(coach_id))
    if not summary or not summary.get("coach_grade"):
        return None
    try:
        return CoachGrade(summary["coach_grade"])
    except ValueError:
        logger.warning("unknown coach grade %r for %s", summary["coach_grade"], coach_id)
        return None


async def _ensure_grade_allows_lead(cohort: Cohort, coach_id: uuid.UUID) -> None:
    from .scoring import grade_satisfies

    if cohort.required_coach_grade is None:
        return
    grade = await _coach_grade(coach_id)
    if grade is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "coach grade could not be verified")
    if not grade_satisfies(grade, cohort.required_coach_grade):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"cohort needs {cohort.required_coach_grade.value}, coach is {grade.value}",
        )


async def _live_assignments(db: AsyncSession, **filters: object) -> list[CoachAssignment]:
    query = select(CoachAssignment).where(CoachAssignment.status.in_(LIVE_STATUSES))
    for column, value in filters.items():
        query = query.where(getattr(CoachAssignment, column) == value)
    return list((await db.execute(query)).scalars())


def _ensure_can_evaluate(user: AuthUser, lead: CoachAssignment | None) -> None:
    if user.is_admin:
        return
    if lead is None or lead.coach_id != user.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the cohort's lead coach may evaluate")


@router.get("/cohorts/unstaffed", response_model=list[UnstaffedCohort])
async def unstaffed_cohorts(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(require_admin)
) -> list[UnstaffedCohort]:
    cohorts = await db.execute(
        select(Cohort)
        .options(selectinload(Cohort.coach_assignments))
        .where(Cohort.status.in_([CohortStatus.DRAFT, CohortStatus.OPEN, CohortStatus.ACTIVE]))
        .order_by(Cohort.start_date)
    )
    result = []
    for cohort in cohorts.scalars():
        live_roles = {a.role for a in cohort.coach_assignments if a.status in LIVE_STATUSES}
        missing = [
            role
            for role in (AssignmentRole.LEAD, AssignmentRole.ASSISTANT)
            if role not in live_roles
        ]
        if AssignmentRole.LEAD in missing or (cohort.capacity > 12 and missing):
            result.append(
                UnstaffedCohort(
                    cohort_id=cohort.id,
                    name=cohort.name,
                    status=cohort.status,
                    start_date=cohort.start_date,
                    required_coach_grade=cohort.required_coach_grade,
                    missing_roles=missing,
                )
            )
    return result


@router.get("/cohorts/{cohort_id}/coaches", response_model=list[CohortCoach])
async def cohort_coaches(
    cohort_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[CohortCoach]:
    await _get_cohort_or_404(db, cohort_id)
    result = await db.execute(
        select(CoachAssignment)
        .options(selectinload(CoachAssignment.coach))
        .where(CoachAssignment.cohort_id == cohort_id, CoachAssignment.status.in_(LIVE_STATUSES))
        .order_by(CoachAssignment.role, CoachAssignment.start_date)
    )
    coaches = []
    for assignment in result.scalars():
        entry = CohortCoach.model_validate(assignment)
        if assignment.coach is not None:
            entry.coach_name = f"{assignment.coach.first_name} {assignment.coach.last_name}"
        coaches.append(entry)
    return coaches


@router.post(
    "/coach-assignments/", response_model=AssignmentResponse, status_code=status.HTTP_201_CREATED
)
async def create_assignment(
    payload: AssignmentCreate,
    db: AsyncSession = Depends(get_async_db),
    admin: AuthUser = Depends(require_admin),
) -> CoachAssignment:
    cohort = await _get_cohort_or_404(db, payload.cohort_id)
    if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
        raise HTTPException(status.HTTP_409_CONFLICT, f"cohort is {cohort.status.value}")
    live = await _live_assignments(db, cohort_id=cohort.id)
    if any(a.coach_id == payload.coach_id for a in live):
        raise HTTPException(status.HTTP_409_CONFLICT, "coach is already assigned to this cohort")
    if payload.role is AssignmentRole.LEAD:
        if any(a.role is AssignmentRole.LEAD for a in live):
            raise HTTPException(status.HTTP_409_CONFLICT, "cohort already has a lead coach")
        await _ensure_grade_allows_lead(cohort, payload.coach_id)
    if len(await _live_assignments(db, coach_id=payload.coach_id)) >= MAX_ACTIVE_ASSIGNMENTS:
        raise HTTPException(status.HTTP_409_CONFLICT, "coach has too many assignments")
    assignment = CoachAssignment(
        cohort_id=cohort.id,
        coach_id=payload.coach_id,
        assigned_by_id=admin.user_id,
        role=payload.role,
        start_date=payload.start_date or cohort.start_date,
        end_date=payload.end_date,
        notes=payload.notes,
    )
    db.add(assignment)
    await db.flush()
    await db.refresh(assignment)
    return assignment


@router.get("/coach-assignments/", response_model=Page[AssignmentResponse])
async def list_assignments(
    cohort_id: uuid.UUID | None = None,
    coach_id: uuid.UUID | None = None,
    role: AssignmentRole | None = None,
    status_filter: AssignmentStatus | None = Query(default=None, alias="status"),
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=20, ge=1, le=100),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> dict:
    query = select(CoachAssignment).order_by(CoachAssignment.start_date.desc())
    if cohort_id is not None:
        query = query.where(CoachAssignment.cohort_id == cohort_id)
    if coach_id is not None:
        query = query.where(CoachAssignment.coach_id == coach_id)
    if role is not None:
        query = query.where(CoachAssignment.role == role)
    if status_filter is not None:
        query = query.where(CoachAssignment.status == status_filter)
    items, total = await _paginate(db, query, page, page_size)
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.get("/coaches/me/assignments", response_model=list[AssignmentResponse])
async def my_assignments(
    db: AsyncSession = Depends(get_async_db), user: AuthUser = Depends(require_coach)
) -> list[CoachAssignment]:
    return await _live_assignments(db, coach_id=user.user_id)


@router.get("/coaches/{coach_id}/assignments", response_model=list[AssignmentResponse])
async def coach_assignments(
    coach_id: uuid.UUID,
    include_ended: bool = False,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[CoachAssignment]:
    if not include_ended:
        return await _live_assignments(db, coach_id=coach_id)
    result = await db.execute(
        select(CoachAssignment)
        .where(CoachAssignment.coach_id == coach_id)
        .order_by(CoachAssignment.start_date.desc())
    )
    return list(result.scalars())


@router.get("/coaches/{coach_id}/workload", response_model=CoachWorkload)
async def coach_workload(
    coach_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachWorkload:
    active = [
        a
        for a in await _live_assignments(db, coach_id=coach_id)
        if a.status is AssignmentStatus.ACTIVE
    ]
    cohort_ids = [a.cohort_id for a in active]
    students = 0
    if cohort_ids:
        result = await db.execute(
            select(func.count(Enrollment.id)).where(
                Enrollment.cohort_id.in_(cohort_ids),
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
        )
        students = int(result.scalar_one())
    return CoachWorkload(
        coach_id=coach_id,
        active_assignments=len(active),
        lead_cohorts=sum(a.role is AssignmentRole.LEAD for a in active),
        students=students,
        over_limit=len(active) >= MAX_ACTIVE_ASSIGNMENTS,
    )


@router.get("/coach-assignments/{assignment_id}", response_model=AssignmentResponse)
async def get_assignment(
    assignment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachAssignment:
    assignment = await _get_assignment_or_404(db, assignment_id)
    if not user.is_admin and assignment.coach_id != user.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not your assignment")
    return assignment


@router.patch("/coach-assignments/{assignment_id}", response_model=AssignmentResponse)
async def update_assignment(
    assignment_id: uuid.UUID,
    payload: AssignmentUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachAssignment:
    assignment = await _get_assignment_or_404(db, assignment_id)
    if assignment.status not in LIVE_STATUSES:
        raise HTTPException(status.HTTP_409_CONFLICT, "assignment has ended")
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("role") is AssignmentRole.LEAD and assignment.role is not AssignmentRole.LEAD:
        cohort = await _get_cohort_or_404(db, assignment.cohort_id)
        live = await _live_assignments(db, cohort_id=cohort.id)
        if any(a.role is AssignmentRole.LEAD for a in live):
            raise HTTPException(status.HTTP_409_CONFLICT, "cohort already has a lead coach")
        await _ensure_grade_allows_lead(cohort, assignment.coach_id)
    for key, value in changes.items():
        setattr(assignment, key, value)
    await db.flush()
    await db.refresh(assignment)
    return assignment


@router.post("/coach-assignments/{assignment_id}/accept", response_model=AssignmentResponse)
async def accept_assignment(
    assignment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachAssignment:
    assignment = await _get_assignment_or_404(db, assignment_id)
    if assignment.coach_id != user.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not your assignment")
    if assignment.status is not AssignmentStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, f"assignment is {assignment.status.value}")
    assignment.status = AssignmentStatus.ACTIVE
    await db.flush()
    await db.refresh(assignment)
    return assignment


@router.post("/coach-assignments/{assignment_id}/decline", response_model=AssignmentResponse)
async def decline_assignment(
    assignment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> CoachAssignment:
    assignment = await _get_assignment_or_404(db, assignment_id)
    if assignment.coach_id != user.user_id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not your assignment")
    if assignment.status is not AssignmentStatus.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, f"assignment is {assignment.status.value}")
    assignment.status = AssignmentStatus.DECLINED
    await db.flush()
    await db.refresh(assignment)
    return assignment


@router.post("/coach-assignments/{assignment_id}/end", response_model=AssignmentResponse)
async def end_assignment(
    assignment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachAssignment:
    assignment = await _get_assignment_or_404(db, assignment_id)
    if assignment.status not in LIVE_STATUSES:
        raise HTTPException(status.HTTP_409_CONFLICT, f"assignment is {assignment.status.value}")
    assignment.status = AssignmentStatus.ENDED
    assignment.end_date = date.today()
    await db.flush()
    await db.refresh(assignment)
    return assignment


@router.post(
    "/coach-assignments/{assignment_id}/evaluations",
    response_model=ShadowEvaluationResponse,
    status_code=status.HTTP_201_CREATED,
)
async def evaluate_shadow(
    assignment_id: uuid.UUID,
    payload: ShadowEvaluationCreate,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> ShadowEvaluation:
    assignment = await _get_assignment_or_404(db, assignment_id)
    if assignment.role is not AssignmentRole.SHADOW:
        raise HTTPException(status.HTTP_409_CONFLICT, "only shadow assignments are evaluated")
    if assignment.status is not AssignmentStatus.ACTIVE:
        raise HTTPException(status.HTTP_409_CONFLICT, "assignment is not active")
    leads = await _live_assignments(db, cohort_id=assignment.cohort_id, role=AssignmentRole.LEAD)
    _ensure_can_evaluate(user, leads[0] if leads else None)
    evaluation = ShadowEvaluation(
        assignment_id=assignment.id, evaluator_id=user.user_id, **payload.model_dump()
    )
    db.add(evaluation)
    await db.flush()
    await db.refresh(evaluation)
    return evaluation


@router.get(
    "/coach-assignments/{assignment_id}/evaluations",
    response_model=list[ShadowEvaluationResponse],
)
async def list_evaluations(
    assignment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_coach),
) -> list[ShadowEvaluation]:
    assignment = await _get_assignment_or_404(db, assignment_id)
    if not user.is_admin and assignment.coach_id != user.user_id:
        leads = await _live_assignments(
            db, cohort_id=assignment.cohort_id, role=AssignmentRole.LEAD
        )
        _ensure_can_evaluate(user, leads[0] if leads else None)
    result = await db.execute(
        select(ShadowEvaluation)
        .where(ShadowEvaluation.assignment_id == assignment_id)
        .order_by(ShadowEvaluation.session_date)
    )
    return list(result.scalars())


@router.get("/coach-assignments/{assignment_id}/readiness", response_model=ShadowReadiness)
async def shadow_readiness(
    assignment_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> ShadowReadiness:
    result = await db.execute(
        select(CoachAssignment)
        .options(selectinload(CoachAssignment.evaluations))
        .where(CoachAssignment.id == assignment_id)
    )
    assignment = result.scalar_one_or_none()
    if assignment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "assignment not found")
    evaluations = assignment.evaluations
    ready = sum(e.rating is ShadowRating.READY_TO_LEAD for e in evaluations)
    latest = evaluations[-1].rating if evaluations else None
    if ready >= READY_EVALUATIONS_NEEDED and latest is ShadowRating.READY_TO_LEAD:
        recommendation = "promote"
    elif latest is ShadowRating.NEEDS_SUPPORT:
        recommendation = "extend_with_mentoring"
    else:
        recommendation = "continue_shadowing"
    return ShadowReadiness(
        assignment_id=assignment.id,
        coach_id=assignment.coach_id,
        evaluations=len(evaluations),
        latest_rating=latest,
        ready_count=ready,
        recommendation=recommendation,
    )
