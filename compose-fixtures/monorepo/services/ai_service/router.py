"""AI endpoints: cohort complexity, coach grading and coach suggestions.

Every call is logged in ``ai_requests`` with its input and output, so admins can see what
the academy was told and why.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from libs.auth import AuthUser, get_current_user, require_admin, require_coach, require_internal
from libs.db import get_async_db
from services.ai_service.providers import AIProvider, available_providers, get_provider
from services.ai_service.schemas import (
    AIRequestDetail,
    AIRequestOut,
    AIRequestStats,
    CoachGradeHistoryItem,
    CoachGradeResponse,
    CoachProfileIn,
    CoachSuggestionRequest,
    CoachSuggestionResponse,
    CohortAssessmentOut,
    CohortComplexityRequest,
    CohortComplexityResponse,
    ComplexityFactorOut,
    ProviderInfo,
    RejectedCandidate,
    SuggestionDecision,
    SuggestionOut,
)

from .models import (
    AIRequest,
    AIRequestStatus,
    AIRequestType,
    CoachGrade,
    CoachGradeAssessment,
    CoachSuggestion,
    CohortAssessment,
    SuggestionStatus,
)

router = APIRouter(prefix="/ai", tags=["ai"])


async def get_caller(
    x_internal_token: str | None = Header(default=None),
    authorization: str | None = Header(default=None),
) -> str:
    """Services call with the internal token; coaches and admins with their bearer token."""
    if x_internal_token is not None:
        await require_internal(x_internal_token)
        return "service"
    user = await get_current_user(authorization)
    if not user.is_coach:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "coach role required")
    return str(user.user_id)


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


async def _log_request(
    db: AsyncSession,
    request_type: AIRequestType,
    caller: str,
    provider: AIProvider,
    payload: dict[str, Any],
    started: float,
    *,
    output: dict[str, Any] | None = None,
    error: str | None = None,
) -> AIRequest:
    record = AIRequest(
        request_type=request_type,
        status=AIRequestStatus.SUCCEEDED if error is None else AIRequestStatus.REJECTED,
        provider=provider.name,
        caller=caller,
        input_payload=payload,
        output_payload=output,
        error=error,
        latency_ms=_elapsed_ms(started),
    )
    db.add(record)
    await db.flush()
    return record


def _assess_cohort(payload: CohortComplexityRequest, provider: AIProvider):
    from .scoring.cohort_complexity import CohortProfile, score_cohort_complexity

    flags = provider.read_notes(payload.notes)
    profile = CohortProfile(
        group_size=payload.group_size,
        coach_count=payload.coach_count,
        location_type=payload.location_type.value,
        level=payload.level.value,
        category=payload.category,
        min_age=payload.min_age,
        max_age=payload.max_age,
        additional_needs=payload.additional_needs,
        flags=flags,
        status=payload.cohort_status,
    )
    return score_cohort_complexity(profile), flags


def _profile_of(coach: CoachProfileIn):
    from .scoring.coach_grade import CoachProfile

    return CoachProfile(
        years_coaching=coach.years_coaching,
        certifications=frozenset(coach.certifications),
        sessions_last_year=coach.sessions_last_year,
        average_feedback=coach.average_feedback,
        safeguarding_valid=coach.safeguarding_valid,
    )


@router.get("/providers", response_model=list[ProviderInfo])
async def list_providers() -> list[ProviderInfo]:
    return [
        ProviderInfo(name=p.name, description=p.description, deterministic=p.deterministic)
        for p in available_providers()
    ]


@router.post("/scoring/cohort-complexity", response_model=CohortComplexityResponse)
async def score_cohort_complexity(
    payload: CohortComplexityRequest,
    db: AsyncSession = Depends(get_async_db),
    caller: str = Depends(get_caller),
) -> CohortComplexityResponse | JSONResponse:
    from .scoring.cohort_complexity import FACTOR_WEIGHTS, NotScorable

    started = time.perf_counter()
    provider = get_provider()
    request_data = payload.model_dump(mode="json")
    try:
        result, flags = _assess_cohort(payload, provider)
    except NotScorable as exc:
        # Returned, not raised: the rejected request is still logged (raising rolls back).
        await _log_request(
            db,
            AIRequestType.COHORT_COMPLEXITY,
            caller,
            provider,
            request_data,
            started,
            error=str(exc),
        )
        return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(exc)})
    rationale = provider.explain_complexity(
        result.score, result.required_grade, result.contributions
    )
    output = {
        "score": result.score,
        "required_grade": result.required_grade,
        "rationale": rationale,
    }
    record = await _log_request(
        db, AIRequestType.COHORT_COMPLEXITY, caller, provider, request_data, started, output=output
    )
    db.add(
        CohortAssessment(
            request_id=record.id,
            cohort_id=payload.cohort_id,
            score=result.score,
            required_grade=CoachGrade(result.required_grade),
            factors=result.factors,
            rationale=rationale,
        )
    )
    return CohortComplexityResponse(
        request_id=record.id,
        cohort_id=payload.cohort_id,
        score=result.score,
        required_grade=CoachGrade(result.required_grade),
        factors=[
            ComplexityFactorOut(
                name=name,
                weight=FACTOR_WEIGHTS[name],
                value=value,
                contribution=result.contributions[name],
            )
            for name, value in result.factors.items()
        ],
        flags=sorted(flags),
        rationale=rationale,
        provider=provider.name,
    )


@router.get("/scoring/cohort-complexity/{cohort_id}", response_model=CohortAssessmentOut)
async def latest_cohort_assessment(
    cohort_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> CohortAssessment:
    result = await db.execute(
        select(CohortAssessment)
        .where(CohortAssessment.cohort_id == cohort_id)
        .order_by(CohortAssessment.created_at.desc())
        .limit(1)
    )
    assessment = result.scalar_one_or_none()
    if assessment is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "cohort has not been scored")
    return assessment


@router.post("/scoring/coach-grade", response_model=CoachGradeResponse)
async def assess_coach_grade(
    payload: CoachProfileIn,
    db: AsyncSession = Depends(get_async_db),
    caller: str = Depends(get_caller),
) -> CoachGradeResponse:
    from .scoring.coach_grade import grade_coach

    started = time.perf_counter()
    provider = get_provider()
    result = grade_coach(_profile_of(payload))
    rationale = provider.explain_grade(result.grade, result.breakdown, result.points_to_next)
    if result.capped_reason:
        rationale += f" Capped: {result.capped_reason}."
    record = await _log_request(
        db,
        AIRequestType.COACH_GRADE,
        caller,
        provider,
        payload.model_dump(mode="json"),
        started,
        output={"grade": result.grade, "points": result.points},
    )
    db.add(
        CoachGradeAssessment(
            request_id=record.id,
            coach_id=payload.coach_id,
            grade=CoachGrade(result.grade),
            points=result.points,
            breakdown=result.breakdown,
            rationale=rationale,
        )
    )
    return CoachGradeResponse(
        request_id=record.id,
        coach_id=payload.coach_id,
        grade=CoachGrade(result.grade),
        points=result.points,
        breakdown=result.breakdown,
        next_grade=CoachGrade(result.next_grade) if result.next_grade else None,
        points_to_next=result.points_to_next,
        capped_reason=result.capped_reason,
        rationale=rationale,
    )


@router.get("/coaches/{coach_id}/grades", response_model=list[CoachGradeHistoryItem])
async def coach_grade_history(
    coach_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(get_current_user),
) -> list[CoachGradeAssessment]:
    if user.user_id != coach_id and not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "coaches see only their own grades")
    result = await db.execute(
        select(CoachGradeAssessment)
        .where(CoachGradeAssessment.coach_id == coach_id)
        .order_by(CoachGradeAssessment.created_at.desc())
    )
    return list(result.scalars())


@router.post("/suggestions/coaches", response_model=CoachSuggestionResponse, status_code=201)
async def suggest_coaches(
    payload: CoachSuggestionRequest,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> CoachSuggestionResponse:
    from .scoring.coach_suggestion import Candidate, rank_candidates
    from .scoring.cohort_complexity import NotScorable

    started = time.perf_counter()
    provider = get_provider()
    try:
        complexity, _ = _assess_cohort(payload.cohort, provider)
    except NotScorable as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    candidates = [
        Candidate(
            coach_id=c.coach_id,
            profile=_profile_of(c),
            available_days=frozenset(c.available_days),
            current_cohorts=c.current_cohorts,
            max_cohorts=c.max_cohorts,
            distance_km=c.distance_km,
            open_water_qualified=c.open_water_qualified,
        )
        for c in payload.candidates
    ]
    ranked, rejected = rank_candidates(
        candidates,
        complexity.required_grade,
        cohort_days=frozenset(payload.cohort_days),
        open_water=payload.cohort.location_type.value == "open_water",
        limit=payload.limit,
    )
    record = await _log_request(
        db,
        AIRequestType.COACH_SUGGESTION,
        str(user.user_id),
        provider,
        payload.model_dump(mode="json"),
        started,
        output={"ranked": [str(s.coach_id) for s in ranked], "rejected": len(rejected)},
    )
    cohort_id = payload.cohort.cohort_id
    # A new run replaces the open proposals of earlier runs for the same cohort.
    await db.execute(
        update(CoachSuggestion)
        .where(
            CoachSuggestion.cohort_id == cohort_id,
            CoachSuggestion.status == SuggestionStatus.PROPOSED,
        )
        .values(status=SuggestionStatus.SUPERSEDED)
    )
    rows = [
        CoachSuggestion(
            request_id=record.id,
            cohort_id=cohort_id,
            coach_id=s.coach_id,
            rank=rank,
            match_score=s.match_score,
            grade=CoachGrade(s.grade),
            reasons=s.reasons,
            rationale=provider.explain_match(rank, s.grade, s.reasons),
            status=SuggestionStatus.PROPOSED,
        )
        for rank, s in enumerate(ranked, start=1)
    ]
    db.add_all(rows)
    await db.flush()
    return CoachSuggestionResponse(
        request_id=record.id,
        complexity_score=complexity.score,
        required_grade=CoachGrade(complexity.required_grade),
        suggestions=[SuggestionOut.model_validate(row) for row in rows],
        rejected=[RejectedCandidate(coach_id=r.coach_id, reason=r.reason) for r in rejected],
    )


@router.get("/suggestions", response_model=list[SuggestionOut])
async def list_suggestions(
    cohort_id: uuid.UUID | None = None,
    suggestion_status: SuggestionStatus | None = Query(default=None, alias="status"),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[CoachSuggestion]:
    query = select(CoachSuggestion).order_by(
        CoachSuggestion.created_at.desc(), CoachSuggestion.rank
    )
    if cohort_id is not None:
        query = query.where(CoachSuggestion.cohort_id == cohort_id)
    if suggestion_status is not None:
        query = query.where(CoachSuggestion.status == suggestion_status)
    return list((await db.execute(query)).scalars())


@router.get("/suggestions/pending", response_model=list[SuggestionOut])
async def pending_suggestions(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(require_admin)
) -> list[CoachSuggestion]:
    query = (
        select(CoachSuggestion)
        .where(CoachSuggestion.status == SuggestionStatus.PROPOSED)
        .order_by(CoachSuggestion.cohort_id, CoachSuggestion.rank)
    )
    return list((await db.execute(query)).scalars())


@router.get("/suggestions/{suggestion_id}", response_model=SuggestionOut)
async def get_suggestion(
    suggestion_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CoachSuggestion:
    suggestion = await db.get(CoachSuggestion, suggestion_id)
    if suggestion is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "suggestion not found")
    return suggestion


@router.post("/suggestions/{suggestion_id}/decision", response_model=SuggestionOut)
async def decide_suggestion(
    suggestion_id: uuid.UUID,
    payload: SuggestionDecision,
    db: AsyncSession = Depends(get_async_db),
    user: AuthUser = Depends(require_admin),
) -> CoachSuggestion:
    suggestion = await db.get(CoachSuggestion, suggestion_id)
    if suggestion is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "suggestion not found")
    if suggestion.status is not SuggestionStatus.PROPOSED:
        raise HTTPException(status.HTTP_409_CONFLICT, f"suggestion is {suggestion.status.value}")
    suggestion.status = SuggestionStatus.ACCEPTED if payload.accept else SuggestionStatus.REJECTED
    suggestion.decided_by = user.user_id
    suggestion.decided_at = datetime.now(timezone.utc)
    suggestion.decision_note = payload.note
    if payload.accept:
        await db.execute(
            update(CoachSuggestion)
            .where(
                CoachSuggestion.cohort_id == suggestion.cohort_id,
                CoachSuggestion.status == SuggestionStatus.PROPOSED,
                CoachSuggestion.id != suggestion.id,
            )
            .values(status=SuggestionStatus.SUPERSEDED)
        )
    await db.flush()
    return suggestion


@router.get("/requests", response_model=list[AIRequestOut])
async def list_requests(
    request_type: AIRequestType | None = None,
    page: int = Query(default=1, ge=1),
    page_size: int = Query(default=50, ge=1, le=200),
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[AIRequest]:
    query = select(AIRequest).order_by(AIRequest.created_at.desc())
    if request_type is not None:
        query = query.where(AIRequest.request_type == request_type)
    query = query.offset((page - 1) * page_size).limit(page_size)
    return list((await db.execute(query)).scalars())


@router.get("/requests/stats", response_model=AIRequestStats)
async def request_stats(
    db: AsyncSession = Depends(get_async_db), _: AuthUser = Depends(require_admin)
) -> AIRequestStats:
    by_type = dict(
        (
            await db.execute(
                select(AIRequest.request_type, func.count()).group_by(AIRequest.request_type)
            )
        ).all()
    )
    by_status = dict(
        (await db.execute(select(AIRequest.status, func.count()).group_by(AIRequest.status))).all()
    )
    average = (await db.execute(select(func.avg(AIRequest.latency_ms)))).scalar_one()
    return AIRequestStats(
        total=sum(by_type.values()),
        by_type=by_type,
        by_status=by_status,
        average_latency_ms=float(average) if average is not None else None,
    )


@router.get("/requests/{request_id}", response_model=AIRequestDetail)
async def get_request(
    request_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> AIRequest:
    record = await db.get(AIRequest, request_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "request not found")
    return record
