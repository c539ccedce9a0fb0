"""Academy service models: programs, cohorts, enrolments, curriculum and coach assignments."""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libs.db import Base, TimestampMixin, new_id

# --- Enums ---


class ProgramCategory(str, enum.Enum):
    LEARN_TO_SWIM = "learn_to_swim"
    STROKE_DEVELOPMENT = "stroke_development"
    COMPETITIVE = "competitive"
    ADULT = "adult"
    MASTERS = "masters"
    OPEN_WATER = "open_water"


class ProgramLevel(str, enum.Enum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    ELITE = "elite"


class CoachGrade(str, enum.Enum):
    """Same grades as the members service's coach profiles (kept in sync by hand)."""

    ASSISTANT = "assistant"
    GRADE_1 = "grade_1"
    GRADE_2 = "grade_2"
    GRADE_3 = "grade_3"
    HEAD_COACH = "head_coach"


class CohortStatus(str, enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class LocationType(str, enum.Enum):
    POOL = "pool"
    TEACHING_POOL = "teaching_pool"
    OPEN_WATER = "open_water"
    DRYLAND = "dryland"


class ResourceType(str, enum.Enum):
    DOCUMENT = "document"
    VIDEO = "video"
    LINK = "link"
    WORKSHEET = "worksheet"


class ScoringSource(str, enum.Enum):
    RULES = "rules"
    AI = "ai"
    MANUAL = "manual"


class EnrollmentStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    WAITLISTED = "waitlisted"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


class PaymentStatus(str, enum.Enum):
    UNPAID = "unpaid"
    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"
    WAIVED = "waived"


class EnrollmentSource(str, enum.Enum):
    SELF = "self"
    ADMIN = "admin"
    TRANSFER = "transfer"
    WAITLIST = "waitlist"


class ProgressStatus(str, enum.Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"


class MilestoneType(str, enum.Enum):
    SKILL = "skill"
    DISTANCE = "distance"
    ASSESSMENT = "assessment"
    ATTENDANCE = "attendance"
    BADGE = "badge"


class AssignmentRole(str, enum.Enum):
    LEAD = "lead"
    ASSISTANT = "assistant"
    SHADOW = "shadow"


class AssignmentStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


class ShadowRating(str, enum.Enum):
    NEEDS_SUPPORT = "needs_support"
    DEVELOPING = "developing"
    COMPETENT = "competent"
    READY_TO_LEAD = "ready_to_lead"


class SkillCategory(str, enum.Enum):
    WATER_CONFIDENCE = "water_confidence"
    FREESTYLE = "freestyle"
    BACKSTROKE = "backstroke"
    BREASTSTROKE = "breaststroke"
    BUTTERFLY = "butterfly"
    STARTS_AND_TURNS = "starts_and_turns"
    SAFETY = "safety"


# --- Shared read-only mapping ---


class MemberRef(Base):
    """Read-only mapping of the members service's table (owned and migrated by members)."""

    __tablename__ = "members"
    __table_args__ = {"extend_existing": True, "info": {"skip_autogenerate": True}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(255))


# --- Programs ---


class Program(TimestampMixin, Base):
    __tablename__ = "academy_programs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(150), nullable=False)
    slug: Mapped[str] = mapped_column(String(160), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[ProgramCategory] = mapped_column(
        Enum(ProgramCategory, name="program_category"), nullable=False
    )
    level: Mapped[ProgramLevel] = mapped_column(
        Enum(ProgramLevel, name="program_level"), nullable=False, default=ProgramLevel.BEGINNER
    )
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    duration_weeks: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    default_capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal("0"))
    is_published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    cohorts = relationship(
        "Cohort", back_populates="program", order_by="Cohort.start_date", passive_deletes=True
    )
    interests = relationship(
        "ProgramInterest",
        back_populates="program",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    curricula = relationship(
        "ProgramCurriculum",
        back_populates="program",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProgramCurriculum.version",
    )
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Milestone.sequence",
    )


class ProgramInterest(TimestampMixin, Base):
    """A member asking to be told when a new cohort of a program opens."""

    __tablename__ = "academy_program_interests"
    __table_args__ = (
        UniqueConstraint("program_id", "member_id", name="uq_academy_program_interests_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_programs.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), nullable=False)
    preferred_days: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    program = relationship("Program", back_populates="interests")


class ProgramCurriculum(TimestampMixin, Base):
    __tablename__ = "academy_program_curricula"
    __table_args__ = (
        UniqueConstraint("program_id", "version", name="uq_academy_program_curricula_version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_programs.id", ondelete="CASCADE"), nullable=False, index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    summary: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    program = relationship("Program", back_populates="curricula")
    weeks: Mapped[list["CurriculumWeek"]] = relationship(
        back_populates="curriculum",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CurriculumWeek.week_number",
    )


# --- Cohorts ---


class Cohort(TimestampMixin, Base):
    __tablename__ = "academy_cohorts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_programs.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(150), nullable=False)
    status: Mapped[CohortStatus] = mapped_column(
        Enum(CohortStatus, name="cohort_status"),
        nullable=False,
        default=CohortStatus.DRAFT,
        index=True,
    )
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    location: Mapped[str | None] = mapped_column(String(200))
    location_type: Mapped[LocationType] = mapped_column(
        Enum(LocationType, name="location_type"), nullable=False, default=LocationType.POOL
    )
    schedule: Mapped[str | None] = mapped_column(String(255))
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    required_coach_grade: Mapped[CoachGrade | None] = mapped_column(
        Enum(CoachGrade, name="coach_grade")
    )
    price_override: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    self_enroll_open: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    program: Mapped["Program"] = relationship(back_populates="cohorts")
    enrollments: Mapped[list["Enrollment"]] = relationship(
        back_populates="cohort", passive_deletes=True
    )
    resources = relationship(
        "CohortResource",
        back_populates="cohort",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    complexity_scores = relationship(
        "CohortComplexityScore",
        back_populates="cohort",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="desc(CohortComplexityScore.computed_at)",
    )
    coach_assignments = relationship(
        "CoachAssignment", back_populates="cohort", passive_deletes=True
    )


class CohortResource(TimestampMixin, Base):
    __tablename__ = "academy_cohort_resources"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_cohorts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    url: Mapped[str] = mapped_column(String(500), nullable=False)
    resource_type: Mapped[ResourceType] = mapped_column(
        Enum(ResourceType, name="resource_type"), nullable=False, default=ResourceType.LINK
    )
    visible_to_students: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))

    cohort = relationship("Cohort", back_populates="resources")


class CohortComplexityScore(Base):
    """One scoring run for a cohort; the newest row is the one that counts."""

    __tablename__ = "academy_cohort_complexity_scores"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_cohorts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    required_grade: Mapped[CoachGrade] = mapped_column(
        Enum(CoachGrade, name="coach_grade"), nullable=False
    )
    source: Mapped[ScoringSource] = mapped_column(
        Enum(ScoringSource, name="scoring_source"), nullable=False, default=ScoringSource.RULES
    )
    factors: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    rationale: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )

    cohort = relationship("Cohort", back_populates="complexity_scores")


# --- Enrolments and progress ---


class Enrollment(TimestampMixin, Base):
    __tablename__ = "academy_enrollments"
    __table_args__ = (
        UniqueConstraint("cohort_id", "member_id", name="uq_academy_enrollments_member"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_cohorts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    status: Mapped[EnrollmentStatus] = mapped_column(
        Enum(EnrollmentStatus, name="enrollment_status"),
        nullable=False,
        default=EnrollmentStatus.PENDING,
    )
    payment_status: Mapped[PaymentStatus] = mapped_column(
        Enum(PaymentStatus, name="academy_payment_status"),
        nullable=False,
        default=PaymentStatus.UNPAID,
    )
    source: Mapped[EnrollmentSource] = mapped_column(
        Enum(EnrollmentSource, name="enrollment_source"),
        nullable=False,
        default=EnrollmentSource.SELF,
    )
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    progress_percent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enrolled_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)

    cohort: Mapped["Cohort"] = relationship(back_populates="enrollments")
    member = relationship("MemberRef", viewonly=True)
    progress = relationship(
        "StudentProgress",
        back_populates="enrollment",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class StudentProgress(TimestampMixin, Base):
    __tablename__ = "academy_student_progress"
    __table_args__ = (
        UniqueConstraint(
            "enrollment_id", "milestone_id", name="uq_academy_student_progress_milestone"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    enrollment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_enrollments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    milestone_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_milestones.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[ProgressStatus] = mapped_column(
        Enum(ProgressStatus, name="progress_status"),
        nullable=False,
        default=ProgressStatus.NOT_STARTED,
    )
    score: Mapped[int | None] = mapped_column(Integer)
    achieved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    evaluated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    coach_notes: Mapped[str | None] = mapped_column(Text)

    enrollment = relationship("Enrollment", back_populates="progress")
    milestone: Mapped["Milestone"] = relationship(back_populates="progress_records")


# --- Milestones ---


class Milestone(TimestampMixin, Base):
    __tablename__ = "academy_milestones"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_programs.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    milestone_type: Mapped[MilestoneType] = mapped_column(
        Enum(MilestoneType, name="milestone_type"), nullable=False, default=MilestoneType.SKILL
    )
    sequence: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    weight: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    is_required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    skill_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("academy_skills.id", ondelete="SET NULL")
    )

    program: Mapped["Program"] = relationship(back_populates="milestones")
    progress_records: Mapped[list["StudentProgress"]] = relationship(
        back_populates="milestone", passive_deletes=True
    )
    skill = relationship("Skill")


# --- Coach assignments ---


class CoachAssignment(TimestampMixin, Base):
    __tablename__ = "academy_coach_assignments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_cohorts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    coach_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id"), nullable=False, index=True
    )
    assigned_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    role: Mapped[AssignmentRole] = mapped_column(
        Enum(AssignmentRole, name="assignment_role"), nullable=False
    )
    status: Mapped[AssignmentStatus] = mapped_column(
        Enum(AssignmentStatus, name="assignment_status"),
        nullable=False,
        default=AssignmentStatus.PENDING,
    )
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    cohort = relationship("Cohort", back_populates="coach_assignments")
    coach = relationship("MemberRef", foreign_keys=[coach_id], viewonly=True)
    assigned_by = relationship("MemberRef", foreign_keys=[assigned_by_id], viewonly=True)
    evaluations = relationship(
        "ShadowEvaluation",
        back_populates="assignment",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ShadowEvaluation.session_date",
    )


class ShadowEvaluation(TimestampMixin, Base):
    """A lead coach's review of a shadowing coach after one session."""

    __tablename__ = "academy_shadow_evaluations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    assignment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_coach_assignments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    evaluator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), nullable=False)
    session_date: Mapped[date] = mapped_column(Date, nullable=False)
    rating: Mapped[ShadowRating] = mapped_column(
        Enum(ShadowRating, name="shadow_rating"), nullable=False
    )
    strengths: Mapped[str | None] = mapped_column(Text)
    improvements: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped["CoachAssignment"] = relationship(back_populates="evaluations")


# --- Curriculum ---


class CurriculumWeek(Base):
    __tablename__ = "academy_curriculum_weeks"
    __table_args__ = (
        UniqueConstraint("curriculum_id", "week_number", name="uq_academy_curriculum_weeks_number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    curriculum_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_program_curricula.id", ondelete="CASCADE"), nullable=False, index=True
    )
    week_number: Mapped[int] = mapped_column(Integer, nullable=False)
    theme: Mapped[str] = mapped_column(String(200), nullable=False)
    objectives: Mapped[str | None] = mapped_column(Text)

    curriculum: Mapped["ProgramCurriculum"] = relationship(back_populates="weeks")
    lessons = relationship(
        "CurriculumLesson",
        back_populates="week",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CurriculumLesson.sequence",
    )


class CurriculumLesson(Base):
    __tablename__ = "academy_curriculum_lessons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    week_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_curriculum_weeks.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sequence: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=45)
    equipment: Mapped[str | None] = mapped_column(String(255))
    plan: Mapped[str | None] = mapped_column(Text)

    week = relationship("CurriculumWeek", back_populates="lessons")
    skills = relationship(
        "LessonSkill", back_populates="lesson", cascade="all, delete-orphan", passive_deletes=True
    )


class Skill(TimestampMixin, Base):
    __tablename__ = "academy_skills"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_academy_skills_name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    category: Mapped[SkillCategory] = mapped_column(
        Enum(SkillCategory, name="skill_category"), nullable=False
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("academy_skills.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    parent = relationship("Skill", remote_side=[id], back_populates="children")
    children = relationship("Skill", back_populates="parent", order_by="Skill.sort_order")
    lessons = relationship("LessonSkill", back_populates="skill", passive_deletes=True)


class LessonSkill(Base):
    __tablename__ = "academy_lesson_skills"
    __table_args__ = (
        UniqueConstraint("lesson_id", "skill_id", name="uq_academy_lesson_skills_pair"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    lesson_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_curriculum_lessons.id", ondelete="CASCADE"), nullable=False, index=True
    )
    skill_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academy_skills.id", ondelete="CASCADE"), nullable=False
    )
    focus: Mapped[str] = mapped_column(String(20), nullable=False, default="practice")

    lesson = relationship("CurriculumLesson", back_populates="skills")
    skill = relationship("Skill", back_populates="lessons")
