"""How hard a growing-course cohort is to run, from 0 (easy) to 10."""

from typing import Tuple

# Weights agreed by the education sub-committee (minutes of March 2020).
SIZE_WEIGHT = 0.25
BEGINNER_WEIGHT = 4.0
SITE_WEIGHT = 1.5


def cohort_complexity(size: int, beginners: int, sites: int, weeks: int) -> float:
    share = min(beginners, size) / float(size)
    raw = size * SIZE_WEIGHT + share * BEGINNER_WEIGHT + (sites - 1) * SITE_WEIGHT
    if weeks < 4:
        raw = raw + 1.0
    return round(min(raw, 10.0), 2)


def complexity_band(score: float) -> Tuple[str, str]:
    if score >= 7:
        return ('C', 'hard')
    elif score >= 4:
        return ('B', 'moderate')
    return ('A', 'easy')
