"""A coach's grade from experience, qualifications and feedback."""

from __future__ import annotations

from dataclasses import dataclass, field

GRADE_ORDER: tuple[str, ...] = ("assistant", "grade_1", "grade_2", "grade_3", "head_coach")

# Lowest points for each grade, from the top down.
GRADE_POINTS: list[tuple[int, str]] = [
    (85, "head_coach"),
    (65, "grade_3"),
    (45, "grade_2"),
    (25, "grade_1"),
    (0, "assistant"),
]

CERTIFICATION_POINTS: dict[str, int] = {
    "swim_teacher_l1": 8,
    "swim_teacher_l2": 15,
    "club_coach_l2": 20,
    "senior_coach_l3": 30,
    "open_water_coach": 8,
    "pool_lifeguard": 6,
    "first_aid": 4,
}

MAX_EXPERIENCE_POINTS = 25
MAX_SESSION_POINTS = 15
MAX_FEEDBACK_POINTS = 15


@dataclass(frozen=True)
class CoachProfile:
    years_coaching: float
    certifications: frozenset[str] = frozenset()
    sessions_last_year: int = 0
    average_feedback: float | None = None
    safeguarding_valid: bool = True


@dataclass(frozen=True)
class GradeAssessment:
    grade: str
    points: int
    breakdown: dict[str, int] = field(default_factory=dict)
    next_grade: str | None = None
    points_to_next: int = 0
    capped_reason: str | None = None


def grade_rank(grade: str) -> int:
    return GRADE_ORDER.index(grade)


def meets_grade(grade: str, required: str | None) -> bool:
    return required is None or grade_rank(grade) >= grade_rank(required)


def _grade_for_points(points: int) -> str:
    for threshold, grade in GRADE_POINTS:
        if points >= threshold:
            return grade
    return "assistant"


def _threshold_of(grade: str) -> int:
    return next(threshold for threshold, name in GRADE_POINTS if name == grade)


def experience_points(years: float) -> int:
    # Quick gains in the first years, flattening after eight.
    return min(MAX_EXPERIENCE_POINTS, round(years * 5 if years <= 3 else 15 + (years - 3) * 2))


def certification_points(certifications: frozenset[str]) -> int:
    # Only the best coaching award counts in full; the rest add half.
    values = sorted((CERTIFICATION_POINTS.get(c, 0) for c in certifications), reverse=True)
    if not values:
        return 0
    return values[0] + sum(value // 2 for value in values[1:])


def feedback_points(average: float | None) -> int:
    if average is None:
        return MAX_FEEDBACK_POINTS // 2
    return round(MAX_FEEDBACK_POINTS * max(0.0, min(1.0, (average - 1) / 4)))


def grade_coach(profile: CoachProfile) -> GradeAssessment:
    breakdown = {
        "experience": experience_points(profile.years_coaching),
        "certifications": certification_points(profile.certifications),
        "sessions": min(MAX_SESSION_POINTS, profile.sessions_last_year // 10),
        "feedback": feedback_points(profile.average_feedback),
    }
    points = sum(breakdown.values())
    grade = _grade_for_points(points)
    capped_reason = None
    if not profile.safeguarding_valid:
        grade, capped_reason = "assistant", "safeguarding training has lapsed"
    elif grade == "head_coach" and "senior_coach_l3" not in profile.certifications:
        grade, capped_reason = "grade_3", "head coach needs the senior coach award"
    rank = grade_rank(grade)
    next_grade = GRADE_ORDER[rank + 1] if rank + 1 < len(GRADE_ORDER) else None
    to_next = max(_threshold_of(next_grade) - points, 0) if next_grade else 0
    return GradeAssessment(
        grade=grade,
        points=points,
        breakdown=breakdown,
        next_grade=next_grade,
        points_to_next=to_next,
        capped_reason=capped_reason,
    )
