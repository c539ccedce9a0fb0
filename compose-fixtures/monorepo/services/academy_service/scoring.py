"""Cohort complexity scoring.

A cohort's complexity decides the minimum coach grade that may lead it. The rule-based
score below is what the academy uses by default; the AI service can be asked for a
second opinion, which admins see next to the rule-based factors.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

import httpx

from libs.service_client import ServiceUnavailable, get_service_client
from services.academy_service.models import (
    CoachGrade,
    Cohort,
    LocationType,
    Program,
    ProgramCategory,
    ProgramLevel,
)

logger = logging.getLogger(__name__)

# Factor weights add up to 100: a cohort maxing every factor scores 100.
FACTOR_WEIGHTS: dict[str, int] = {
    "group_size": 25,
    "age_spread": 15,
    "young_swimmers": 15,
    "environment": 20,
    "level": 15,
    "additional_needs": 10,
}

# Lowest score at which each grade becomes the minimum, checked from the top down.
GRADE_THRESHOLDS: list[tuple[int, CoachGrade]] = [
    (80, CoachGrade.HEAD_COACH),
    (60, CoachGrade.GRADE_3),
    (40, CoachGrade.GRADE_2),
    (20, CoachGrade.GRADE_1),
    (0, CoachGrade.ASSISTANT),
]

GRADE_ORDER: list[CoachGrade] = [
    CoachGrade.ASSISTANT,
    CoachGrade.GRADE_1,
    CoachGrade.GRADE_2,
    CoachGrade.GRADE_3,
    CoachGrade.HEAD_COACH,
]

SWIMMERS_PER_COACH = {
    LocationType.TEACHING_POOL: 8,
    LocationType.POOL: 12,
    LocationType.OPEN_WATER: 6,
    LocationType.DRYLAND: 20,
}

ENVIRONMENT_RISK = {
    LocationType.DRYLAND: 0.0,
    LocationType.TEACHING_POOL: 0.2,
    LocationType.POOL: 0.4,
    LocationType.OPEN_WATER: 1.0,
}

LEVEL_DEMAND = {
    ProgramLevel.BEGINNER: 0.3,
    ProgramLevel.INTERMEDIATE: 0.5,
    ProgramLevel.ADVANCED: 0.8,
    ProgramLevel.ELITE: 1.0,
}


@dataclass(frozen=True)
class ComplexityInputs:
    group_size: int
    coach_count: int
    min_age: int | None
    max_age: int | None
    location_type: LocationType
    level: ProgramLevel
    category: ProgramCategory
    additional_needs: int = 0


@dataclass
class ComplexityResult:
    score: int
    required_grade: CoachGrade
    factors: dict[str, float] = field(default_factory=dict)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _group_size_factor(inputs: ComplexityInputs) -> float:
    per_coach = SWIMMERS_PER_COACH[inputs.location_type]
    coaches = max(inputs.coach_count, 1)
    return _clamp(inputs.group_size / (per_coach * coaches))


def _age_spread_factor(inputs: ComplexityInputs) -> float:
    if inputs.min_age is None or inputs.max_age is None:
        return 0.5
    return _clamp((inputs.max_age - inputs.min_age) / 10)


def _young_swimmer_factor(inputs: ComplexityInputs) -> float:
    if inputs.min_age is None:
        return 0.5
    if inputs.min_age <= 5:
        return 1.0
    if inputs.min_age <= 8:
        return 0.6
    return 0.0 if inputs.category is not ProgramCategory.LEARN_TO_SWIM else 0.2


def _needs_factor(inputs: ComplexityInputs) -> float:
    if inputs.group_size == 0:
        return 0.0
    return _clamp(inputs.additional_needs * 4 / inputs.group_size)


def compute_complexity(inputs: ComplexityInputs) -> ComplexityResult:
    factors = {
        "group_size": _group_size_factor(inputs),
        "age_spread": _age_spread_factor(inputs),
        "young_swimmers": _young_swimmer_factor(inputs),
        "environment": ENVIRONMENT_RISK[inputs.location_type],
        "level": LEVEL_DEMAND[inputs.level],
        "additional_needs": _needs_factor(inputs),
    }
    score = round(sum(FACTOR_WEIGHTS[name] * value for name, value in factors.items()))
    return ComplexityResult(
        score=score,
        required_grade=required_grade_for(score),
        factors={name: round(value, 2) for name, value in factors.items()},
    )


def required_grade_for(score: int) -> CoachGrade:
    for threshold, grade in GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return CoachGrade.ASSISTANT


def grade_satisfies(coach_grade: CoachGrade | None, required: CoachGrade | None) -> bool:
    if required is None:
        return True
    if coach_grade is None:
        return False
    return GRADE_ORDER.index(coach_grade) >= GRADE_ORDER.index(required)


def inputs_from_cohort(
    cohort: Cohort,
    program: Program,
    *,
    enrolled: int,
    coach_count: int,
    additional_needs: int = 0,
) -> ComplexityInputs:
    """Score against the larger of the current roster and the planned capacity."""
    return ComplexityInputs(
        group_size=max(enrolled, cohort.capacity),
        coach_count=coach_count,
        min_age=cohort.min_age if cohort.min_age is not None else program.min_age,
        max_age=cohort.max_age if cohort.max_age is not None else program.max_age,
        location_type=cohort.location_type,
        level=program.level,
        category=program.category,
        additional_needs=additional_needs,
    )


def weeks_remaining(cohort: Cohort, today: date | None = None) -> int:
    today = today or date.today()
    if today >= cohort.end_date:
        return 0
    start = max(today, cohort.start_date)
    return max((cohort.end_date - start).days // 7, 0)


async def request_ai_score(inputs: ComplexityInputs, notes: str | None = None) -> dict | None:
    """Ask the AI service for a complexity assessment; None when it cannot answer."""
    payload = {
        "group_size": inputs.group_size,
        "coach_count": inputs.coach_count,
        "min_age": inputs.min_age,
        "max_age": inputs.max_age,
        "location_type": inputs.location_type.value,
        "level": inputs.level.value,
        "category": inputs.category.value,
        "additional_needs": inputs.additional_needs,
        "notes": notes,
    }
    try:
        result = await get_service_client("ai").post(
            "/api/v1/ai/scoring/cohort-complexity", json=payload
        )
    except (ServiceUnavailable, httpx.HTTPStatusError) as exc:
        logger.warning("AI complexity scoring unavailable: %s", exc)
        return None
    if not isinstance(result, dict) or "score" not in result:
        logger.warning("AI complexity scoring returned an unexpected payload: %r", result)
        return None
    return result
