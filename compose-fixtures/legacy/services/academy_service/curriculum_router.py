"""Curriculum of a program: versions, weeks, lessons and the skills each lesson teaches."""

from typing import Dict, Optional
import uuid

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.academy_service.curriculum_schemas import CurriculumOut, CurriculumWeekCreate
from services.academy_service.models import (
    CurriculumLesson,
    CurriculumWeek,
    Program,
    ProgramCurriculum,
    Skill,
)
from shared.database import get_session
from shared.security import require_committee

router = APIRouter(tags=['curriculum'])


def _latest(session: Session, program_id: uuid.UUID) -> Optional[ProgramCurriculum]:
    query = select(ProgramCurriculum).where(ProgramCurriculum.program_id == program_id)
    return session.scalar(query.order_by(ProgramCurriculum.version.desc()).limit(1))


@router.get('/programs/{program_id}/curriculum', response_model=CurriculumOut)
def get_curriculum(program_id: uuid.UUID,
                   session: Session = Depends(get_session)) -> ProgramCurriculum:
    curriculum = _latest(session, program_id)
    if curriculum is None:
        raise HTTPException(status_code=404, detail='no curriculum yet')
    return curriculum


@router.post('/programs/{program_id}/curriculum/weeks', response_model=CurriculumOut,
             status_code=201, dependencies=[Depends(require_committee)])
def add_week(program_id: uuid.UUID, body: CurriculumWeekCreate,
             session: Session = Depends(get_session)) -> ProgramCurriculum:
    if session.get(Program, program_id) is None:
        raise HTTPException(status_code=404, detail='program not found')
    curriculum = _latest(session, program_id)
    if curriculum is None or curriculum.is_published:
        version = 1 if curriculum is None else curriculum.version + 1
        curriculum = ProgramCurriculum(program_id=program_id, version=version)
        session.add(curriculum)
    skills: Dict[str, Skill] = {}
    week = CurriculumWeek(number=body.number, theme=body.theme)
    for item in body.lessons:
        lesson = CurriculumLesson(title=item.title)
        for name in item.skills:
            if name not in skills:
                found = session.scalar(select(Skill).where(Skill.name == name))
                skills[name] = found if found is not None else Skill(name=name)
            lesson.skills.append(skills[name])
        week.lessons.append(lesson)
    curriculum.weeks.append(week)
    session.flush()
    session.refresh(curriculum)
    return curriculum


@router.post('/programs/{program_id}/curriculum/publish', response_model=CurriculumOut,
             dependencies=[Depends(require_committee)])
def publish(program_id: uuid.UUID, session: Session = Depends(get_session)) -> ProgramCurriculum:
    curriculum = _latest(session, program_id)
    if curriculum is None:
        raise HTTPException(status_code=404, detail='no curriculum yet')
    curriculum.is_published = True
    return curriculum
