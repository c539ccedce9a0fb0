"""Curriculum endpoints: versioned program curricula, their weeks and lessons, and skills."""

import uuid
from collections import defaultdict
from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from libs.auth import AuthUser, require_admin, require_coach
from libs.db import get_async_db
from services.academy_service.curriculum_schemas import (
    CurriculumCreate,
    CurriculumDetail,
    CurriculumResponse,
    LessonCreate,
    LessonResponse,
    LessonSkillLink,
    LessonUpdate,
    SkillCreate,
    SkillResponse,
    SkillUpdate,
    WeekCreate,
    WeekResponse,
    WeekUpdate,
)
from services.academy_service.models import (
    CurriculumLesson,
    CurriculumWeek,
    LessonSkill,
    Program,
    ProgramCurriculum,
    Skill,
    SkillCategory,
)
from services.academy_service.schemas import SkillTree

router = APIRouter(prefix="/curriculum", tags=["curriculum"])


async def _get_program_or_404(db: AsyncSession, program_id: uuid.UUID) -> Program:
    program = await db.get(Program, program_id)
    if program is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "program not found")
    return program


async def _get_skill_or_404(db: AsyncSession, skill_id: uuid.UUID) -> Skill:
    skill = await db.get(Skill, skill_id)
    if skill is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "skill not found")
    return skill


async def _load_curriculum(db: AsyncSession, curriculum_id: uuid.UUID) -> ProgramCurriculum:
    result = await db.execute(
        select(ProgramCurriculum)
        .options(
            selectinload(ProgramCurriculum.weeks)
            .selectinload(CurriculumWeek.lessons)
            .selectinload(CurriculumLesson.skills)
        )
        .where(ProgramCurriculum.id == curriculum_id)
    )
    curriculum = result.scalar_one_or_none()
    if curriculum is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "curriculum not found")
    return curriculum


async def _active_curriculum_id(db: AsyncSession, program_id: uuid.UUID) -> uuid.UUID | None:
    result = await db.execute(
        select(ProgramCurriculum.id).where(
            ProgramCurriculum.program_id == program_id, ProgramCurriculum.is_active.is_(True)
        )
    )
    return result.scalar_one_or_none()


async def _ensure_not_cycle(
    db: AsyncSession, skill_id: uuid.UUID, new_parent_id: uuid.UUID
) -> None:
    parent_id: uuid.UUID | None = new_parent_id
    while parent_id is not None:
        if parent_id == skill_id:
            raise HTTPException(status.HTTP_409_CONFLICT, "a skill cannot be its own ancestor")
        parent_id = (
            await db.execute(select(Skill.parent_id).where(Skill.id == parent_id))
        ).scalar_one_or_none()


def _build_tree(skills: list[Skill]) -> list[SkillTree]:
    children: dict[uuid.UUID | None, list[Skill]] = defaultdict(list)
    for skill in skills:
        children[skill.parent_id].append(skill)

    def node(skill: Skill) -> SkillTree:
        return SkillTree(
            id=skill.id,
            name=skill.name,
            category=skill.category,
            description=skill.description,
            children=[node(child) for child in children[skill.id]],
        )

    return [node(root) for root in children[None]]


# Skills first: "/curriculum/skills" must not be read as "/curriculum/{curriculum_id}".


@router.get("/skills", response_model=list[SkillResponse])
async def list_skills(
    category: SkillCategory | None = None, db: AsyncSession = Depends(get_async_db)
) -> list[Skill]:
    query = select(Skill).order_by(Skill.category, Skill.sort_order, Skill.name)
    if category is not None:
        query = query.where(Skill.category == category)
    return list((await db.execute(query)).scalars())


@router.get("/skills/tree", response_model=list[SkillTree])
async def skill_tree(
    category: SkillCategory | None = None, db: AsyncSession = Depends(get_async_db)
) -> list[SkillTree]:
    query = select(Skill).order_by(Skill.sort_order, Skill.name)
    if category is not None:
        query = query.where(Skill.category == category)
    return _build_tree(list((await db.execute(query)).scalars()))


@router.post("/skills", response_model=SkillResponse, status_code=status.HTTP_201_CREATED)
async def create_skill(
    payload: SkillCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Skill:
    if payload.parent_id is not None:
        parent = await _get_skill_or_404(db, payload.parent_id)
        if parent.category is not payload.category:
            raise HTTPException(
                status.HTTP_409_CONFLICT, "a sub-skill shares its parent's category"
            )
    skill = Skill(**payload.model_dump())
    db.add(skill)
    await db.flush()
    await db.refresh(skill)
    return skill


@router.get("/skills/{skill_id}", response_model=SkillResponse)
async def get_skill(skill_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)) -> Skill:
    return await _get_skill_or_404(db, skill_id)


@router.patch("/skills/{skill_id}", response_model=SkillResponse)
async def update_skill(
    skill_id: uuid.UUID,
    payload: SkillUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> Skill:
    skill = await _get_skill_or_404(db, skill_id)
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("parent_id") is not None:
        await _get_skill_or_404(db, changes["parent_id"])
        await _ensure_not_cycle(db, skill.id, changes["parent_id"])
    for key, value in changes.items():
        setattr(skill, key, value)
    await db.flush()
    await db.refresh(skill)
    return skill


# --- Program curricula ---


@router.get("/programs/{program_id}", response_model=CurriculumDetail)
async def active_curriculum(
    program_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> ProgramCurriculum:
    await _get_program_or_404(db, program_id)
    curriculum_id = await _active_curriculum_id(db, program_id)
    if curriculum_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "program has no active curriculum")
    return await _load_curriculum(db, curriculum_id)


@router.get("/programs/{program_id}/versions", response_model=list[CurriculumResponse])
async def list_versions(
    program_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_coach),
) -> list[ProgramCurriculum]:
    await _get_program_or_404(db, program_id)
    result = await db.execute(
        select(ProgramCurriculum)
        .where(ProgramCurriculum.program_id == program_id)
        .order_by(ProgramCurriculum.version.desc())
    )
    return list(result.scalars())


@router.post(
    "/programs/{program_id}/versions",
    response_model=CurriculumDetail,
    status_code=status.HTTP_201_CREATED,
)
async def create_version(
    program_id: uuid.UUID,
    payload: CurriculumCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> ProgramCurriculum:
    await _get_program_or_404(db, program_id)
    latest = (
        await db.execute(
            select(func.max(ProgramCurriculum.version)).where(
                ProgramCurriculum.program_id == program_id
            )
        )
    ).scalar_one()
    weeks: list[CurriculumWeek] = []
    active_id = await _active_curriculum_id(db, program_id)
    if payload.copy_from_active and active_id is not None:
        source = await _load_curriculum(db, active_id)
        for week in source.weeks:
            lessons = [
                CurriculumLesson(
                    sequence=lesson.sequence,
                    title=lesson.title,
                    duration_minutes=lesson.duration_minutes,
                    equipment=lesson.equipment,
                    plan=lesson.plan,
                    skills=[LessonSkill(skill_id=s.skill_id, focus=s.focus) for s in lesson.skills],
                )
                for lesson in week.lessons
            ]
            weeks.append(
                CurriculumWeek(
                    week_number=week.week_number,
                    theme=week.theme,
                    objectives=week.objectives,
                    lessons=lessons,
                )
            )
    curriculum = ProgramCurriculum(
        program_id=program_id,
        version=(latest or 0) + 1,
        title=payload.title,
        summary=payload.summary,
        weeks=weeks,
    )
    db.add(curriculum)
    await db.flush()
    return await _load_curriculum(db, curriculum.id)


@router.post("/{curriculum_id}/activate", response_model=CurriculumResponse)
async def activate_version(
    curriculum_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> ProgramCurriculum:
    curriculum = await db.get(ProgramCurriculum, curriculum_id)
    if curriculum is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "curriculum not found")
    siblings = await db.execute(
        select(ProgramCurriculum).where(
            ProgramCurriculum.program_id == curriculum.program_id,
            ProgramCurriculum.is_active.is_(True),
        )
    )
    for other in siblings.scalars():
        other.is_active = False
    await db.flush()
    curriculum.is_active = True
    curriculum.activated_at = datetime.now(timezone.utc)
    await db.flush()
    await db.refresh(curriculum)
    return curriculum


@router.get("/{curriculum_id}", response_model=CurriculumDetail)
async def get_curriculum(
    curriculum_id: uuid.UUID, db: AsyncSession = Depends(get_async_db)
) -> ProgramCurriculum:
    return await _load_curriculum(db, curriculum_id)


# --- Weeks and lessons ---


@router.post(
    "/{curriculum_id}/weeks", response_model=WeekResponse, status_code=status.HTTP_201_CREATED
)
async def add_week(
    curriculum_id: uuid.UUID,
    payload: WeekCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CurriculumWeek:
    curriculum = await _load_curriculum(db, curriculum_id)
    if any(w.week_number == payload.week_number for w in curriculum.weeks):
        raise HTTPException(status.HTTP_409_CONFLICT, f"week {payload.week_number} exists")
    week = CurriculumWeek(curriculum_id=curriculum_id, **payload.model_dump())
    db.add(week)
    await db.flush()
    result = await db.execute(
        select(CurriculumWeek)
        .options(selectinload(CurriculumWeek.lessons))
        .where(CurriculumWeek.id == week.id)
    )
    return result.scalar_one()


@router.patch("/weeks/{week_id}", response_model=WeekResponse)
async def update_week(
    week_id: uuid.UUID,
    payload: WeekUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CurriculumWeek:
    result = await db.execute(
        select(CurriculumWeek)
        .options(selectinload(CurriculumWeek.lessons))
        .where(CurriculumWeek.id == week_id)
    )
    week = result.scalar_one_or_none()
    if week is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "week not found")
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(week, key, value)
    await db.flush()
    return week


@router.delete("/weeks/{week_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_week(
    week_id: uuid.UUID,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> None:
    week = await db.get(CurriculumWeek, week_id)
    if week is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "week not found")
    await db.delete(week)


@router.post(
    "/weeks/{week_id}/lessons", response_model=LessonResponse, status_code=status.HTTP_201_CREATED
)
async def add_lesson(
    week_id: uuid.UUID,
    payload: LessonCreate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CurriculumLesson:
    if await db.get(CurriculumWeek, week_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "week not found")
    lesson = CurriculumLesson(week_id=week_id, **payload.model_dump())
    db.add(lesson)
    await db.flush()
    await db.refresh(lesson)
    return lesson


@router.patch("/lessons/{lesson_id}", response_model=LessonResponse)
async def update_lesson(
    lesson_id: uuid.UUID,
    payload: LessonUpdate,
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> CurriculumLesson:
    lesson = await db.get(CurriculumLesson, lesson_id)
    if lesson is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "lesson not found")
    for key, value in payload.model_dump(exclude_unset=True).items():
        setattr(lesson, key, value)
    await db.flush()
    await db.refresh(lesson)
    return lesson


@router.put("/lessons/{lesson_id}/skills", response_model=list[LessonSkillLink])
async def set_lesson_skills(
    lesson_id: uuid.UUID,
    links: list[LessonSkillLink],
    db: AsyncSession = Depends(get_async_db),
    _: AuthUser = Depends(require_admin),
) -> list[LessonSkillLink]:
    result = await db.execute(
        select(CurriculumLesson)
        .options(selectinload(CurriculumLesson.skills))
        .where(CurriculumLesson.id == lesson_id)
    )
    lesson = result.scalar_one_or_none()
    if lesson is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "lesson not found")
    wanted = {link.skill_id: link.focus for link in links}
    known = await db.execute(select(Skill.id).where(Skill.id.in_(wanted)))
    missing = set(wanted) - set(known.scalars())
    if missing:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown skills: {sorted(map(str, missing))}"
        )
    current = {link.skill_id: link for link in lesson.skills}
    for skill_id, link in current.items():
        if skill_id not in wanted:
            lesson.skills.remove(link)
    for skill_id, focus in wanted.items():
        if skill_id in current:
            current[skill_id].focus = focus
        else:
            lesson.skills.append(LessonSkill(skill_id=skill_id, focus=focus))
    await db.flush()
    return [LessonSkillLink(skill_id=link.skill_id, focus=link.focus) for link in lesson.skills]
