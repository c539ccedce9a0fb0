"""A coach's grade from session ratings (1-5) and attendance."""

from typing import List, Tuple


def coach_grade(ratings: List[int], sessions_run: int, sessions_missed: int) -> Tuple[float, str]:
    if ratings:
        average = sum(ratings) / float(len(ratings))
    else:
        average = 3.0
    score = average * 2
    planned = sessions_run + sessions_missed
    if planned:
        score = score * (0.5 + 0.5 * sessions_run / float(planned))
    score = round(max(0.0, min(score, 10.0)), 2)
    return score, letter_for(score)


def letter_for(score: float) -> str:
    for floor, letter in ((8.5, 'A'), (7.0, 'B'), (5.0, 'C')):
        if score >= floor:
            return letter
    return 'D'
