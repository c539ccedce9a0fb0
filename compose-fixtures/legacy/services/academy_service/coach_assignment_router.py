"""Coach assignments: who leads which cohort, and how the shadows are getting on."""

from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.academy_service.models import (
    CoachAssignment,
    CoachRole,
    Cohort,
    CohortComplexityScore,
    ShadowEvaluation,
)
from services.academy_service.scoring import grade_allows
from shared.database import get_session
from shared.security import require_committee

from .coach_assignment_schemas import (
    CoachAssignmentCreate,
    CoachAssignmentOut,
    ShadowEvaluationCreate,
    ShadowEvaluationOut,
)

router = APIRouter(prefix='/coach-assignments', tags=['coach assignments'])


@router.get('', response_model=List[CoachAssignmentOut])
def list_assignments(session: Session = Depends(get_session)) -> List[CoachAssignment]:
    return list(session.scalars(select(CoachAssignment).order_by(CoachAssignment.created_at)))


@router.post('/cohorts/{cohort_id}', response_model=CoachAssignmentOut, status_code=201,
             dependencies=[Depends(require_committee)])
def assign_coach(cohort_id: uuid.UUID, body: CoachAssignmentCreate,
                 session: Session = Depends(get_session)) -> CoachAssignment:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise HTTPException(status_code=404, detail='cohort not found')
    latest = session.scalar(
        select(CohortComplexityScore).where(CohortComplexityScore.cohort_id == cohort_id)
        .order_by(CohortComplexityScore.computed_at.desc()).limit(1))
    # A shadow only watches, so the cohort's grade does not apply to them.
    if latest is not None and body.role != CoachRole.SHADOW:
        if not grade_allows(body.grade, latest.required_grade):
            raise HTTPException(status_code=409, detail='coach grade too low for this cohort')
    assignment = CoachAssignment(cohort_id=cohort_id, **body.model_dump())
    session.add(assignment)
    session.flush()
    return assignment


@router.post("/{assignment_id}/evaluations", response_model=ShadowEvaluationOut,
             status_code=201, dependencies=[Depends(require_committee)])
def evaluate_shadow(assignment_id: uuid.UUID, body: ShadowEvaluationCreate,
                    session: Session = Depends(get_session)) -> ShadowEvaluation:
    assignment = session.get(CoachAssignment, assignment_id)
    if assignment is None or assignment.role != CoachRole.SHADOW:
        raise HTTPException(status_code=404, detail="no shadow assignment with that id")
    evaluation = ShadowEvaluation(**body.model_dump())
    assignment.evaluations.append(evaluation)
    session.flush()
    return evaluation
