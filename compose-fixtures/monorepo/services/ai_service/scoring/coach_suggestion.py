"""Rank candidate coaches for a cohort."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from .coach_grade import CoachProfile, grade_coach, grade_rank, meets_grade

MAX_DISTANCE_KM = 40.0


@dataclass(frozen=True)
class Candidate:
    coach_id: uuid.UUID
    profile: CoachProfile
    available_days: frozenset[int] = frozenset()
    current_cohorts: int = 0
    max_cohorts: int = 3
    distance_km: float | None = None
    open_water_qualified: bool = False


@dataclass(frozen=True)
class Suggestion:
    coach_id: uuid.UUID
    grade: str
    match_score: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rejection:
    coach_id: uuid.UUID
    reason: str


def _availability(candidate: Candidate, cohort_days: frozenset[int]) -> float:
    if not cohort_days:
        return 1.0
    return len(candidate.available_days & cohort_days) / len(cohort_days)


def _rejection(
    candidate: Candidate, grade: str, required: str, cohort_days: frozenset[int], open_water: bool
) -> str | None:
    if not meets_grade(grade, required):
        return f"grade {grade} is below the required {required}"
    if candidate.current_cohorts >= candidate.max_cohorts:
        return "already at their cohort limit"
    if cohort_days and not candidate.available_days & cohort_days:
        return "not available on the cohort's days"
    if open_water and not candidate.open_water_qualified:
        return "not qualified for open water"
    if candidate.distance_km is not None and candidate.distance_km > MAX_DISTANCE_KM:
        return "lives too far from the venue"
    return None


def score_candidate(
    candidate: Candidate, grade: str, required: str, cohort_days: frozenset[int]
) -> tuple[int, list[str]]:
    reasons: list[str] = []
    availability = _availability(candidate, cohort_days)
    score = 40 * availability
    if availability == 1.0:
        reasons.append("available on every cohort day")
    surplus = grade_rank(grade) - grade_rank(required)
    # One grade above the requirement is ideal; far above wastes a senior coach.
    score += {0: 20, 1: 25}.get(surplus, 10)
    if surplus >= 2:
        reasons.append("well above the required grade")
    load = candidate.current_cohorts / max(candidate.max_cohorts, 1)
    score += 20 * (1 - load)
    if candidate.current_cohorts == 0:
        reasons.append("has no other cohorts")
    if candidate.distance_km is not None:
        score += 15 * (1 - candidate.distance_km / MAX_DISTANCE_KM)
        if candidate.distance_km <= 5:
            reasons.append("lives close to the venue")
    else:
        score += 7
    return round(min(score, 100)), reasons


def rank_candidates(
    candidates: Iterable[Candidate],
    required_grade: str,
    *,
    cohort_days: frozenset[int] = frozenset(),
    open_water: bool = False,
    limit: int = 3,
) -> tuple[list[Suggestion], list[Rejection]]:
    suggestions: list[Suggestion] = []
    rejections: list[Rejection] = []
    for candidate in candidates:
        grade = grade_coach(candidate.profile).grade
        reason = _rejection(candidate, grade, required_grade, cohort_days, open_water)
        if reason is not None:
            rejections.append(Rejection(candidate.coach_id, reason))
            continue
        score, reasons = score_candidate(candidate, grade, required_grade, cohort_days)
        suggestions.append(Suggestion(candidate.coach_id, grade, score, reasons))
    suggestions.sort(key=lambda s: (-s.match_score, -grade_rank(s.grade), str(s.coach_id)))
    return suggestions[:limit], rejections
