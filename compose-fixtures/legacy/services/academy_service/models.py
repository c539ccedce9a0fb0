"""SQLAlchemy models of the academy service (the society's growing courses).

Programs run as cohorts; students enrol and tick off milestones; coaches shadow first.
"""

import datetime
import enum
from typing import List, Optional
import uuid

from sqlalchemy import Boolean, Date, DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.database import Base, TimestampMixin, utcnow


# --- Enums --------------------------------------------------------------------------
class ProgramCategory(str, enum.Enum):
    VEGETABLES = 'vegetables'
    FRUIT = 'fruit'
    COMPOSTING = 'composting'
    BEEKEEPING = 'beekeeping'


class CoachGrade(str, enum.Enum):
    TRAINEE = 'trainee'
    GRADE_1 = 'grade_1'
    GRADE_2 = 'grade_2'
    HEAD = 'head'


class CohortStatus(str, enum.Enum):
    PLANNED = 'planned'
    OPEN = 'open'
    RUNNING = 'running'
    FINISHED = 'finished'
    CANCELLED = 'cancelled'


class EnrollmentStatus(str, enum.Enum):
    ACTIVE = 'active'
    WITHDRAWN = 'withdrawn'
    COMPLETED = 'completed'


class CoachRole(str, enum.Enum):
    LEAD = 'lead'
    ASSISTANT = 'assistant'
    SHADOW = 'shadow'


# --- Programs -----------------------------------------------------------------------
class Program(TimestampMixin, Base):
    __tablename__ = 'academy_programs'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    category: Mapped[ProgramCategory] = mapped_column(
        Enum(ProgramCategory, name='academy_program_category'), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(String(2000))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    cohorts: Mapped[List['Cohort']] = relationship(back_populates='program')
    milestones: Mapped[List['Milestone']] = relationship(order_by='Milestone.position')
    interests: Mapped[List['ProgramInterest']] = relationship(cascade='all, delete-orphan')


class ProgramInterest(TimestampMixin, Base):
    __tablename__ = 'academy_program_interests'
    __table_args__ = (UniqueConstraint('program_id', 'email', name='uq_academy_interest_email'),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_programs.id', ondelete='CASCADE'), nullable=False, index=True
    )
    email: Mapped[str] = mapped_column(String(200), nullable=False)


class ProgramCurriculum(TimestampMixin, Base):
    __tablename__ = 'academy_program_curricula'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_programs.id', ondelete='CASCADE'), nullable=False, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    weeks: Mapped[List['CurriculumWeek']] = relationship(order_by='CurriculumWeek.number')


# --- Cohorts ------------------------------------------------------------------------
class Cohort(TimestampMixin, Base):
    __tablename__ = 'academy_cohorts'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_programs.id', ondelete='CASCADE'), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[CohortStatus] = mapped_column(
        Enum(CohortStatus, name='academy_cohort_status'), default=CohortStatus.PLANNED,
        nullable=False)
    starts_on: Mapped[Optional[datetime.date]] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer, default=12, nullable=False)

    program: Mapped['Program'] = relationship(back_populates='cohorts')
    enrollments: Mapped[List['Enrollment']] = relationship(back_populates='cohort')
    resources: Mapped[List['CohortResource']] = relationship(cascade='all, delete-orphan')
    assignments: Mapped[List['CoachAssignment']] = relationship(back_populates='cohort')

    def seats_left(self) -> int:
        taken = [e for e in self.enrollments if e.status == EnrollmentStatus.ACTIVE]
        return self.capacity - len(taken)


class CohortResource(Base):
    __tablename__ = 'academy_cohort_resources'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_cohorts.id', ondelete='CASCADE'), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    url: Mapped[str] = mapped_column(String(400), nullable=False)


class CohortComplexityScore(Base):
    __tablename__ = 'academy_cohort_complexity_scores'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_cohorts.id', ondelete='CASCADE'), nullable=False, index=True
    )
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    required_grade: Mapped[CoachGrade] = mapped_column(
        Enum(CoachGrade, name='academy_coach_grade'), nullable=False)
    computed_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )


# --- Enrollments and progress -------------------------------------------------------
class Enrollment(TimestampMixin, Base):
    __tablename__ = 'academy_enrollments'
    __table_args__ = (UniqueConstraint('cohort_id', 'student_email', name='uq_academy_seat'),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_cohorts.id', ondelete='CASCADE'), nullable=False, index=True
    )
    student_name: Mapped[str] = mapped_column(String(120), nullable=False)
    student_email: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[EnrollmentStatus] = mapped_column(
        Enum(EnrollmentStatus, name='academy_enrollment_status'),
        default=EnrollmentStatus.ACTIVE, nullable=False)
    self_enrolled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    cohort: Mapped['Cohort'] = relationship(back_populates='enrollments')
    progress: Mapped[List['StudentProgress']] = relationship(cascade='all, delete-orphan')


class StudentProgress(Base):
    __tablename__ = 'academy_student_progress'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enrollment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_enrollments.id', ondelete='CASCADE'), nullable=False, index=True
    )
    milestone_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_milestones.id', ondelete='CASCADE'), nullable=False
    )
    achieved_at: Mapped[datetime.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, nullable=False
    )


# --- Milestones ---------------------------------------------------------------------
class Milestone(Base):
    __tablename__ = 'academy_milestones'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_programs.id', ondelete='CASCADE'), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(160), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=1, nullable=False)


# --- Coach assignments --------------------------------------------------------------
class CoachAssignment(TimestampMixin, Base):
    __tablename__ = 'academy_coach_assignments'

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_cohorts.id', ondelete='CASCADE'), nullable=False, index=True
    )
    coach_id: Mapped[uuid.UUID] = mapped_column(nullable=False, index=True)  # members service
    grade: Mapped[CoachGrade] = mapped_column(
        Enum(CoachGrade, name='academy_coach_grade', create_type=False), nullable=False)
    role: Mapped[CoachRole] = mapped_column(
        Enum(CoachRole, name='academy_coach_role'), default=CoachRole.LEAD, nullable=False)

    cohort: Mapped['Cohort'] = relationship(back_populates='assignments')
    evaluations: Mapped[List['ShadowEvaluation']] = relationship(cascade='all, delete-orphan')


class ShadowEvaluation(TimestampMixin, Base):
    __tablename__ = 'academy_shadow_evaluations'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    assignment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_coach_assignments.id', ondelete='CASCADE'), nullable=False
    )
    evaluator: Mapped[str] = mapped_column(String(120), nullable=False)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[Optional[str]] = mapped_column(String(2000))


# --- Curriculum ---------------------------------------------------------------------
class CurriculumWeek(Base):
    __tablename__ = 'academy_curriculum_weeks'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    curriculum_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_program_curricula.id', ondelete='CASCADE'), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    theme: Mapped[str] = mapped_column(String(160), nullable=False)
    lessons: Mapped[List['CurriculumLesson']] = relationship(cascade='all, delete-orphan')


class CurriculumLesson(Base):
    __tablename__ = 'academy_curriculum_lessons'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    week_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_curriculum_weeks.id', ondelete='CASCADE'), nullable=False
    )
    title: Mapped[str] = mapped_column(String(160), nullable=False)

    skills: Mapped[List['Skill']] = relationship(secondary='academy_lesson_skills')


class Skill(Base):
    __tablename__ = 'academy_skills'
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)


class LessonSkill(Base):
    __tablename__ = 'academy_lesson_skills'
    lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_curriculum_lessons.id', ondelete='CASCADE'), primary_key=True
    )
    skill_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey('academy_skills.id', ondelete='CASCADE'), primary_key=True
    )
