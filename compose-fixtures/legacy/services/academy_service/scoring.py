"""Cohort complexity scoring: how senior a coach a cohort needs.

Plain functions over the models, no HTTP. The "AI" notes scorer is a keyword count the
committee agreed to call AI in the newsletter.
"""

from typing import Dict, Tuple

from services.academy_service.models import (
    CoachGrade,
    Cohort,
    EnrollmentStatus,
    ProgramCategory,
)

CATEGORY_WEIGHT: Dict[ProgramCategory, int] = {
    ProgramCategory.VEGETABLES: 1,
    ProgramCategory.FRUIT: 2,
    ProgramCategory.COMPOSTING: 1,
    ProgramCategory.BEEKEEPING: 4,
}
# Upper bounds (inclusive) of the score for each grade, checked in order.
GRADE_BANDS = ((5, CoachGrade.TRAINEE), (10, CoachGrade.GRADE_1), (16, CoachGrade.GRADE_2))
AI_KEYWORDS = ('sting', 'ladder', 'blight', 'tools', 'allergy')


def grade_for_score(score: int) -> CoachGrade:
    for upper, grade in GRADE_BANDS:
        if score <= upper:
            return grade
    return CoachGrade.HEAD


def complexity_of(cohort: Cohort) -> Tuple[int, CoachGrade]:
    active = [e for e in cohort.enrollments if e.status == EnrollmentStatus.ACTIVE]
    score = CATEGORY_WEIGHT[cohort.program.category] * 2
    score += len(active) // 3
    score += len(cohort.program.milestones)
    return score, grade_for_score(score)


def grade_allows(coach: CoachGrade, required: CoachGrade) -> bool:
    order = [CoachGrade.TRAINEE, CoachGrade.GRADE_1, CoachGrade.GRADE_2, CoachGrade.HEAD]
    return order.index(coach) >= order.index(required)


def ai_score_notes(notes: str) -> Tuple[int, Dict[str, int]]:
    text = notes.lower()
    signals = dict((word, text.count(word)) for word in AI_KEYWORDS if word in text)
    return sum(signals.values()), signals
