"""Growing coaches: profiles, seasonal agreements and stipend payouts.

Written before the ``routers`` package existed; routers/coaches.py only has the
public directory, everything the committee does with coaches is here.
"""

from typing import List
import uuid

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.members_service.coach_schemas import (
    CoachAgreementCreate,
    CoachAgreementOut,
    CoachProfileCreate,
    CoachProfileOut,
    CoachProfileUpdate,
    PayoutLine,
    PayoutRun,
    SessionsLogged,
)
from services.members_service.models import (
    AgreementStatus,
    CoachAgreement,
    CoachProfile,
    MembershipStatus,
)
from services.members_service.service import get_member_or_404
from shared.database import get_session, utcnow
from shared.security import require_committee

router = APIRouter(prefix='/coaches', tags=['coaches'])


def _profile_or_404(session: Session, coach_id: uuid.UUID) -> CoachProfile:
    profile = session.get(CoachProfile, coach_id)
    if profile is None:
        raise HTTPException(status_code=404, detail='coach not found')
    return profile


def _agreement_or_404(session: Session, agreement_id: uuid.UUID) -> CoachAgreement:
    agreement = session.get(CoachAgreement, agreement_id)
    if agreement is None:
        raise HTTPException(status_code=404, detail='agreement not found')
    return agreement


# --- Profiles -----------------------------------------------------------------------
@router.post('/profiles', response_model=CoachProfileOut, status_code=status.HTTP_201_CREATED,
             dependencies=[Depends(require_committee)])
def create_profile(
    body: CoachProfileCreate, session: Session = Depends(get_session)
) -> CoachProfile:
    member = get_member_or_404(session, body.member_id)
    if member.status != MembershipStatus.ACTIVE:
        raise HTTPException(status_code=409, detail='coaches must be active members')
    if member.coach_profile is not None:
        raise HTTPException(status_code=409, detail='member is already a coach')
    profile = CoachProfile(member=member, specialism=body.specialism, bio=body.bio)
    session.add(profile)
    session.flush()
    return profile


@router.get('/profiles/{coach_id}', response_model=CoachProfileOut)
def get_profile(coach_id: uuid.UUID, session: Session = Depends(get_session)) -> CoachProfile:
    return _profile_or_404(session, coach_id)


@router.patch('/profiles/{coach_id}', response_model=CoachProfileOut)
def update_profile(
    coach_id: uuid.UUID, body: CoachProfileUpdate, session: Session = Depends(get_session)
) -> CoachProfile:
    profile = _profile_or_404(session, coach_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(profile, field, value)
    return profile


# --- Agreements ---------------------------------------------------------------------
@router.post(
    '/profiles/{coach_id}/agreements',
    response_model=CoachAgreementOut,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_committee)],
)
def create_agreement(
    coach_id: uuid.UUID, body: CoachAgreementCreate, session: Session = Depends(get_session)
) -> CoachAgreement:
    profile = _profile_or_404(session, coach_id)
    if any(a.season == body.season for a in profile.agreements):
        raise HTTPException(status_code=409, detail='an agreement for that season exists')
    agreement = CoachAgreement(coach=profile, season=body.season, session_rate=body.session_rate)
    session.add(agreement)
    session.flush()
    return agreement


@router.get('/profiles/{coach_id}/agreements', response_model=List[CoachAgreementOut])
def list_agreements(
    coach_id: uuid.UUID, session: Session = Depends(get_session)
) -> List[CoachAgreement]:
    return list(_profile_or_404(session, coach_id).agreements)


@router.post('/agreements/{agreement_id}/sign', response_model=CoachAgreementOut)
def sign_agreement(agreement_id: uuid.UUID,
                   session: Session = Depends(get_session)) -> CoachAgreement:
    agreement = _agreement_or_404(session, agreement_id)
    if agreement.status != AgreementStatus.DRAFT:
        raise HTTPException(status_code=409, detail='only a draft can be signed')
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_on = utcnow().date()
    return agreement


@router.post('/agreements/{agreement_id}/sessions', response_model=CoachAgreementOut)
def log_sessions(
    agreement_id: uuid.UUID, body: SessionsLogged, session: Session = Depends(get_session)
) -> CoachAgreement:
    agreement = _agreement_or_404(session, agreement_id)
    if agreement.status != AgreementStatus.SIGNED:
        raise HTTPException(status_code=409, detail='the agreement is not signed')
    agreement.sessions_delivered += body.sessions
    return agreement


# --- Payouts ------------------------------------------------------------------------
# Stipends are rounded to whole pence only here; the treasurer's spreadsheet does the same.
from decimal import ROUND_HALF_UP, Decimal  # noqa: E402

PENNY = Decimal('0.01')


def _owed_lines(session: Session) -> List[PayoutLine]:
    query = select(CoachAgreement).where(CoachAgreement.status == AgreementStatus.SIGNED)
    lines = []
    for agreement in session.scalars(query.order_by(CoachAgreement.season)):
        unpaid = agreement.sessions_delivered - agreement.sessions_paid
        if unpaid <= 0:
            continue
        lines.append(PayoutLine(
            agreement_id=agreement.id, coach_name=agreement.coach.member.full_name,
            sessions=unpaid, amount=agreement.amount_owed().quantize(PENNY, ROUND_HALF_UP)))
    return lines


@router.get('/payouts/pending', response_model=PayoutRun, dependencies=[Depends(require_committee)])
def pending_payouts(session: Session = Depends(get_session)) -> PayoutRun:
    lines = _owed_lines(session)
    return PayoutRun(lines=lines, total=sum((line.amount for line in lines), Decimal('0.00')))


@router.post('/payouts/run', response_model=PayoutRun, dependencies=[Depends(require_committee)])
def run_payouts(session: Session = Depends(get_session)) -> PayoutRun:
    lines = _owed_lines(session)
    for line in lines:
        agreement = _agreement_or_404(session, line.agreement_id)
        agreement.sessions_paid = agreement.sessions_delivered
    return PayoutRun(lines=lines, total=sum((line.amount for line in lines), Decimal('0.00')))
