"""How demanding a cohort is to coach, on a 0-100 scale, and the grade it needs."""

from __future__ import annotations

from dataclasses import dataclass, field

# Weights add up to 100: a cohort maxing every factor scores 100.
FACTOR_WEIGHTS: dict[str, int] = {
    "group_size": 25,
    "age_spread": 10,
    "young_swimmers": 15,
    "environment": 20,
    "level": 10,
    "additional_needs": 12,
    "notes": 8,
}

SWIMMERS_PER_COACH: dict[str, int] = {
    "teaching_pool": 8,
    "pool": 12,
    "open_water": 6,
    "dryland": 20,
}

ENVIRONMENT_RISK: dict[str, float] = {
    "dryland": 0.0,
    "teaching_pool": 0.2,
    "pool": 0.4,
    "open_water": 1.0,
}

LEVEL_DEMAND: dict[str, float] = {
    "beginner": 0.3,
    "intermediate": 0.5,
    "advanced": 0.8,
    "elite": 1.0,
}

# Each flag read from the notes adds this much to the "notes" factor.
NOTE_FLAG_WEIGHT: dict[str, float] = {
    "medical": 0.5,
    "additional_needs": 0.4,
    "water_confidence": 0.3,
    "environment": 0.4,
    "competition": 0.2,
}

# Lowest score at which each grade becomes the minimum, from the top down.
GRADE_THRESHOLDS: list[tuple[int, str]] = [
    (80, "head_coach"),
    (60, "grade_3"),
    (40, "grade_2"),
    (20, "grade_1"),
    (0, "assistant"),
]


class NotScorable(ValueError):
    """The cohort is in a state where a new score would not be used."""


@dataclass(frozen=True)
class CohortProfile:
    group_size: int
    coach_count: int
    location_type: str
    level: str
    category: str
    min_age: int | None = None
    max_age: int | None = None
    additional_needs: int = 0
    flags: frozenset[str] = frozenset()
    status: str | None = None


@dataclass(frozen=True)
class ComplexityScore:
    score: int
    required_grade: str
    factors: dict[str, float] = field(default_factory=dict)
    contributions: dict[str, float] = field(default_factory=dict)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def scorable_statuses() -> frozenset[str]:
    """Cohort statuses for which a complexity score is still useful."""
    try:
        # Imported here: the academy owns cohort statuses, and the AI image may not ship it.
        from services.academy_service.models import CohortStatus
    except ImportError:
        return frozenset({"draft", "open", "active"})
    return frozenset(
        status.value for status in (CohortStatus.DRAFT, CohortStatus.OPEN, CohortStatus.ACTIVE)
    )


def required_grade_for(score: int) -> str:
    for threshold, grade in GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return "assistant"


def group_size_factor(profile: CohortProfile) -> float:
    per_coach = SWIMMERS_PER_COACH.get(profile.location_type, 10)
    return _clamp(profile.group_size / (per_coach * max(profile.coach_count, 1)))


def age_factors(profile: CohortProfile) -> tuple[float, float]:
    """(age spread, young swimmers); unknown ages count as middling."""
    if profile.min_age is None or profile.max_age is None:
        return 0.5, 0.5
    spread = _clamp((profile.max_age - profile.min_age) / 10)
    if profile.min_age <= 5:
        young = 1.0
    elif profile.min_age <= 8:
        young = 0.6
    else:
        young = 0.2 if profile.category == "learn_to_swim" else 0.0
    return spread, young


def notes_factor(flags: frozenset[str]) -> float:
    return _clamp(sum(NOTE_FLAG_WEIGHT.get(flag, 0.1) for flag in flags))


def score_cohort_complexity(profile: CohortProfile) -> ComplexityScore:
    if profile.status is not None and profile.status.lower() not in scorable_statuses():
        raise NotScorable(f"cohort is {profile.status}; it no longer needs a score")
    if profile.group_size < 0 or profile.coach_count < 0:
        raise ValueError("group size and coach count cannot be negative")
    spread, young = age_factors(profile)
    needs = 0.0
    if profile.group_size:
        needs = _clamp(profile.additional_needs * 4 / profile.group_size)
    factors = {
        "group_size": group_size_factor(profile),
        "age_spread": spread,
        "young_swimmers": young,
        "environment": ENVIRONMENT_RISK.get(profile.location_type, 0.5),
        "level": LEVEL_DEMAND.get(profile.level, 0.5),
        "additional_needs": needs,
        "notes": notes_factor(profile.flags),
    }
    contributions = {
        name: round(FACTOR_WEIGHTS[name] * value, 1) for name, value in factors.items()
    }
    score = min(100, round(sum(contributions.values())))
    return ComplexityScore(
        score=score,
        required_grade=required_grade_for(score),
        factors={name: round(value, 2) for name, value in factors.items()},
        contributions=contributions,
    )
