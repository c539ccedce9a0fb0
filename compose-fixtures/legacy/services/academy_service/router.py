"""HTTP routes of the academy service: everything but coach assignments and curriculum.

Grew one section at a time; new sections go at the bottom (the client follows the order).
"""

from typing import Dict, List
import uuid

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.academy_service.models import (
    CoachAssignment,
    Cohort,
    CohortComplexityScore,
    CohortResource,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Milestone,
    Program,
    ProgramInterest,
    StudentProgress,
)
from services.academy_service.schemas import (
    AIScoreOut,
    AIScoreRequest,
    CohortCreate,
    CohortOut,
    CohortResourceIn,
    CohortResourceOut,
    CohortStatusChange,
    ComplexityScoreOut,
    EnrollmentCreate,
    EnrollmentOut,
    MilestoneCreate,
    MilestoneOut,
    ProgramCreate,
    ProgramInterestCreate,
    ProgramOut,
    ProgramUpdate,
    ProgressOut,
)
from services.academy_service.self_enroll_schema import SelfEnrollRequest
from shared.database import get_session
from shared.security import require_committee

router = APIRouter()
COMMITTEE = [Depends(require_committee)]

TRANSITIONS = {
    CohortStatus.PLANNED: (CohortStatus.OPEN, CohortStatus.CANCELLED),
    CohortStatus.OPEN: (CohortStatus.RUNNING, CohortStatus.CANCELLED),
    CohortStatus.RUNNING: (CohortStatus.FINISHED,),
}


def _get_or_404(session: Session, model, ident: uuid.UUID, what: str):
    row = session.get(model, ident)
    if row is None:
        raise HTTPException(status_code=404, detail='%s not found' % what)
    return row


# --- Programs -----------------------------------------------------------------------
@router.get('/programs', response_model=List[ProgramOut], tags=['programs'])
def list_programs(session: Session = Depends(get_session)) -> List[Program]:
    return list(session.scalars(select(Program).order_by(Program.name)))


@router.post('/programs', response_model=ProgramOut, status_code=201, tags=['programs'],
             dependencies=COMMITTEE)
def create_program(body: ProgramCreate, session: Session = Depends(get_session)) -> Program:
    if session.scalar(select(Program).where(Program.name == body.name)) is not None:
        raise HTTPException(status_code=409, detail='program name taken')
    program = Program(**body.model_dump())
    session.add(program)
    session.flush()
    return program


@router.patch('/programs/{program_id}', response_model=ProgramOut, tags=['programs'],
              dependencies=COMMITTEE)
def update_program(program_id: uuid.UUID, body: ProgramUpdate,
                   session: Session = Depends(get_session)) -> Program:
    program = _get_or_404(session, Program, program_id, 'program')
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(program, key, value)
    return program


@router.post('/programs/{program_id}/interest', status_code=204, tags=['programs'])
def register_interest(program_id: uuid.UUID, body: ProgramInterestCreate,
                      session: Session = Depends(get_session)) -> None:
    program = _get_or_404(session, Program, program_id, 'program')
    if body.email not in [i.email for i in program.interests]:
        program.interests.append(ProgramInterest(email=body.email))
    return None


# --- Cohorts ------------------------------------------------------------------------
@router.get('/cohorts', response_model=List[CohortOut], tags=['cohorts'])
def list_cohorts(session: Session = Depends(get_session)) -> List[Cohort]:
    return list(session.scalars(select(Cohort).order_by(Cohort.starts_on, Cohort.name)))


@router.post('/cohorts', response_model=CohortOut, status_code=201, tags=['cohorts'],
             dependencies=COMMITTEE)
def create_cohort(body: CohortCreate, session: Session = Depends(get_session)) -> Cohort:
    _get_or_404(session, Program, body.program_id, 'program')
    cohort = Cohort(**body.model_dump())
    session.add(cohort)
    session.flush()
    return cohort


@router.post('/cohorts/{cohort_id}/status', response_model=CohortOut, tags=['cohorts'],
             dependencies=COMMITTEE)
def change_cohort_status(cohort_id: uuid.UUID, body: CohortStatusChange,
                         session: Session = Depends(get_session)) -> Cohort:
    cohort = _get_or_404(session, Cohort, cohort_id, 'cohort')
    if body.status not in TRANSITIONS.get(cohort.status, ()):
        raise HTTPException(status_code=409, detail='cannot go from %s to %s' % (
            cohort.status.value, body.status.value))
    cohort.status = body.status
    return cohort


@router.post('/cohorts/{cohort_id}/resources', response_model=CohortResourceOut,
             status_code=201, tags=['cohorts'], dependencies=COMMITTEE)
def add_resource(cohort_id: uuid.UUID, body: CohortResourceIn,
                 session: Session = Depends(get_session)) -> CohortResource:
    cohort = _get_or_404(session, Cohort, cohort_id, 'cohort')
    resource = CohortResource(title=body.title, url=body.url)
    cohort.resources.append(resource)
    session.flush()
    return resource


# --- Enrollments --------------------------------------------------------------------
def _enrol(session: Session, cohort: Cohort, name: str, email: str, own: bool) -> Enrollment:
    if cohort.status != CohortStatus.OPEN:
        raise HTTPException(status_code=409, detail='cohort is not open for enrolment')
    if cohort.seats_left() <= 0:
        raise HTTPException(status_code=409, detail='cohort is full')
    enrollment = Enrollment(cohort=cohort, student_name=name, student_email=email,
                            self_enrolled=own)
    session.add(enrollment)
    session.flush()
    return enrollment


@router.post('/enrollments', response_model=EnrollmentOut, status_code=201,
             tags=['enrollments'], dependencies=COMMITTEE)
def create_enrollment(body: EnrollmentCreate,
                      session: Session = Depends(get_session)) -> Enrollment:
    cohort = _get_or_404(session, Cohort, body.cohort_id, 'cohort')
    return _enrol(session, cohort, body.student_name, body.student_email, False)


@router.post('/cohorts/{cohort_id}/self-enroll', response_model=EnrollmentOut,
             status_code=201, tags=['enrollments'])
def self_enroll(cohort_id: uuid.UUID, body: SelfEnrollRequest,
                session: Session = Depends(get_session)) -> Enrollment:
    cohort = _get_or_404(session, Cohort, cohort_id, 'cohort')
    return _enrol(session, cohort, body.student_name, body.student_email, True)


@router.post('/enrollments/{enrollment_id}/withdraw', response_model=EnrollmentOut,
             tags=['enrollments'])
def withdraw(enrollment_id: uuid.UUID, session: Session = Depends(get_session)) -> Enrollment:
    enrollment = _get_or_404(session, Enrollment, enrollment_id, 'enrollment')
    enrollment.status = EnrollmentStatus.WITHDRAWN
    return enrollment


# --- Milestones and progress --------------------------------------------------------
@router.post('/programs/{program_id}/milestones', response_model=MilestoneOut,
             status_code=201, tags=['milestones'], dependencies=COMMITTEE)
def add_milestone(program_id: uuid.UUID, body: MilestoneCreate,
                  session: Session = Depends(get_session)) -> Milestone:
    _get_or_404(session, Program, program_id, 'program')
    milestone = Milestone(program_id=program_id, **body.model_dump())
    session.add(milestone)
    session.flush()
    return milestone


@router.post('/enrollments/{enrollment_id}/milestones/{milestone_id}',
             response_model=ProgressOut, tags=['milestones'])
def achieve_milestone(enrollment_id: uuid.UUID, milestone_id: uuid.UUID,
                      session: Session = Depends(get_session)) -> ProgressOut:
    enrollment = _get_or_404(session, Enrollment, enrollment_id, 'enrollment')
    _get_or_404(session, Milestone, milestone_id, 'milestone')
    if milestone_id not in [p.milestone_id for p in enrollment.progress]:
        enrollment.progress.append(StudentProgress(milestone_id=milestone_id))
        session.flush()
    return progress_of(enrollment_id, session)


@router.get('/enrollments/{enrollment_id}/progress', response_model=ProgressOut,
            tags=['milestones'])
def progress_of(enrollment_id: uuid.UUID,
                session: Session = Depends(get_session)) -> ProgressOut:
    enrollment = _get_or_404(session, Enrollment, enrollment_id, 'enrollment')
    total = len(enrollment.cohort.program.milestones)
    done = [p.milestone_id for p in enrollment.progress]
    percent = round(100.0 * len(done) / total, 1) if total else 0.0
    return ProgressOut(enrollment_id=enrollment.id, achieved=done, total=total,
                       percent=percent)


# --- Scoring ------------------------------------------------------------------------
# Imported down here: scoring.py imports the models, and the scoring routes came last.
from services.academy_service.scoring import ai_score_notes, complexity_of  # noqa: E402


@router.post('/cohorts/{cohort_id}/complexity', response_model=ComplexityScoreOut,
             tags=['scoring'], dependencies=COMMITTEE)
def score_cohort(cohort_id: uuid.UUID,
                 session: Session = Depends(get_session)) -> CohortComplexityScore:
    cohort = _get_or_404(session, Cohort, cohort_id, 'cohort')
    score, grade = complexity_of(cohort)
    row = CohortComplexityScore(cohort_id=cohort.id, score=score, required_grade=grade)
    session.add(row)
    session.flush()
    return row


@router.post('/scoring/ai', response_model=AIScoreOut, tags=['scoring'])
def ai_score(body: AIScoreRequest) -> AIScoreOut:
    score, signals = ai_score_notes(body.notes)
    return AIScoreOut(score=score, signals=signals)


# --- Coach dashboard ----------------------------------------------------------------
@router.get('/coach/{coach_id}/cohorts', response_model=List[CohortOut], tags=['coach'])
def coach_cohorts(coach_id: uuid.UUID, session: Session = Depends(get_session)) -> List[Cohort]:
    query = select(Cohort).join(CoachAssignment).where(CoachAssignment.coach_id == coach_id)
    return list(session.scalars(query.order_by(Cohort.starts_on)))


# --- Internal (other services) ------------------------------------------------------
@router.get('/internal/cohorts/{cohort_id}/roster', tags=['internal'])
def internal_roster(cohort_id: uuid.UUID,
                    session: Session = Depends(get_session)) -> Dict[str, object]:
    cohort = _get_or_404(session, Cohort, cohort_id, 'cohort')
    emails = [e.student_email for e in cohort.enrollments if e.status == EnrollmentStatus.ACTIVE]
    return {'cohort_id': str(cohort.id), 'status': cohort.status.value, 'emails': emails}
