"""HTTP routes of the AI service.

``router`` carries completions, the request log and the scoring endpoints;
``templates_router`` (prompt templates) is mounted separately by main.py.
"""

import datetime
from typing import Dict, List, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.ai_service.enums import RequestKind
from services.ai_service.models import AIRequest, PromptTemplate, ScoreRecord
from services.ai_service.providers.base import get_provider
from services.ai_service.schemas import (
    AIRequestDetail,
    AIRequestOut,
    CoachGradeRequest,
    CoachSuggestionOut,
    CoachSuggestionRequest,
    CohortComplexityRequest,
    CompletionCreate,
    PromptTemplateCreate,
    PromptTemplateOut,
    ScoreOut,
)
from services.ai_service.scoring.coach_grade import coach_grade
from services.ai_service.scoring.coach_suggestion import suggest_coaches
from services.ai_service.scoring.cohort_complexity import cohort_complexity, complexity_band
from shared.database import get_session
from shared.security import require_committee

router = APIRouter(prefix='/ai')
templates_router = APIRouter(prefix='/ai/templates')


def _log_request(session: Session, kind: RequestKind, prompt: str) -> AIRequest:
    request = AIRequest(kind=kind, prompt=prompt, provider='scoring')
    session.add(request)
    session.flush()
    return request


# --- Completions --------------------------------------------------------------------
@router.post('/completions', response_model=AIRequestOut, status_code=status.HTTP_201_CREATED)
def create_completion(body: CompletionCreate, session: Session = Depends(get_session)):
    prompt = body.prompt
    if body.template is not None:
        template = session.scalar(
            select(PromptTemplate).where(PromptTemplate.name == body.template,
                                         PromptTemplate.active.is_(True)))
        if template is None:
            raise HTTPException(status_code=404, detail='template not found')
        try:
            prompt = template.render(body.values)
        except KeyError as exc:
            raise HTTPException(status_code=422, detail='missing value %s' % exc)
    if not prompt:
        raise HTTPException(status_code=422, detail='a prompt or a template is required')
    try:
        provider = get_provider(body.provider)
    except KeyError:
        raise HTTPException(status_code=400, detail='unknown provider')
    request = AIRequest(kind=RequestKind.COMPLETION, prompt=prompt, provider=provider.name)
    completion = provider.complete(prompt)
    request.finish(completion.text, completion.tokens)
    session.add(request)
    session.flush()
    return request


@router.get('/requests', response_model=List[AIRequestOut])
def list_requests(kind: Optional[RequestKind] = None, limit: int = Query(default=50, le=200),
                  session: Session = Depends(get_session)) -> List[AIRequest]:
    query = select(AIRequest).order_by(AIRequest.created_at.desc()).limit(limit)
    if kind is not None:
        query = query.where(AIRequest.kind == kind)
    return list(session.scalars(query))


@router.get('/requests/{request_id}', response_model=AIRequestDetail)
def get_request(request_id: uuid.UUID, session: Session = Depends(get_session)) -> AIRequest:
    request = session.get(AIRequest, request_id)
    if request is None:
        raise HTTPException(status_code=404, detail='request not found')
    return request


@router.post('/requests/purge', dependencies=[Depends(require_committee)])
def purge_requests(body: Dict[str, datetime.datetime],
                   session: Session = Depends(get_session)) -> Dict[str, int]:
    # Called by the gateway's clean-up job; scores go with their request (cascade).
    if 'before' not in body:
        raise HTTPException(status_code=422, detail='before is required')
    result = session.execute(delete(AIRequest).where(AIRequest.created_at < body['before']))
    return {'purged': result.rowcount}


# --- Scoring ------------------------------------------------------------------------
@router.post('/scoring/cohort-complexity', response_model=ScoreOut,
             status_code=status.HTTP_201_CREATED)
def score_cohort_complexity(body: CohortComplexityRequest,
                            session: Session = Depends(get_session)) -> ScoreRecord:
    request = _log_request(session, RequestKind.COHORT_COMPLEXITY, body.model_dump_json())
    score = cohort_complexity(body.size, body.beginners, body.sites, body.weeks)
    grade, band = complexity_band(score)
    record = ScoreRecord(subject_type='cohort', subject_id=body.cohort_id, score=score,
                         grade=grade, details={'band': band})
    request.scores.append(record)
    request.finish(band, 0)
    session.flush()
    return record


@router.post('/scoring/coach-grade', response_model=ScoreOut, status_code=status.HTTP_201_CREATED)
def score_coach_grade(body: CoachGradeRequest,
                      session: Session = Depends(get_session)) -> ScoreRecord:
    if any(r < 1 or r > 5 for r in body.ratings):
        raise HTTPException(status_code=422, detail='ratings run from 1 to 5')
    request = _log_request(session, RequestKind.COACH_GRADE, body.model_dump_json())
    score, letter = coach_grade(body.ratings, body.sessions_run, body.sessions_missed)
    record = ScoreRecord(subject_type='coach', subject_id=body.coach_id, score=score,
                         grade=letter, details={'ratings': len(body.ratings)})
    request.scores.append(record)
    request.finish(letter, 0)
    session.flush()
    return record


@router.post('/scoring/coach-suggestions', response_model=List[CoachSuggestionOut])
def suggest_coaches_for_cohort(body: CoachSuggestionRequest,
                               session: Session = Depends(get_session)) -> List[dict]:
    request = _log_request(session, RequestKind.COACH_SUGGESTION, body.model_dump_json())
    candidates = [c.model_dump() for c in body.candidates]
    ranked = suggest_coaches(body.complexity, candidates, body.limit)
    request.finish(', '.join(row['name'] for row in ranked), 0)
    return ranked


# --- Prompt templates ---------------------------------------------------------------
@templates_router.get('', response_model=List[PromptTemplateOut])
def list_templates(session: Session = Depends(get_session)) -> List[PromptTemplate]:
    return list(session.scalars(select(PromptTemplate).order_by(PromptTemplate.name)))


@templates_router.post('', response_model=PromptTemplateOut, status_code=status.HTTP_201_CREATED,
                       dependencies=[Depends(require_committee)])
def create_template(body: PromptTemplateCreate,
                    session: Session = Depends(get_session)) -> PromptTemplate:
    if session.scalar(select(PromptTemplate).where(PromptTemplate.name == body.name)):
        raise HTTPException(status_code=409, detail='a template with that name exists')
    template = PromptTemplate(name=body.name, body=body.body)
    session.add(template)
    session.flush()
    return template


@templates_router.delete('/{template_id}', status_code=status.HTTP_204_NO_CONTENT,
                         dependencies=[Depends(require_committee)])
def retire_template(template_id: uuid.UUID, session: Session = Depends(get_session)) -> None:
    template = session.get(PromptTemplate, template_id)
    if template is None:
        raise HTTPException(status_code=404, detail='template not found')
    # Retired, not deleted: old requests still point at what the template said.
    template.active = False
    return None
