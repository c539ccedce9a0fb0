"""Background jobs of the academy (run by the society's arq worker, or by hand).

Each task takes an open session so the worker and the tests can share them.
"""

import datetime
from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.academy_service.models import Cohort, CohortComplexityScore, CohortStatus
from services.academy_service.scoring import complexity_of


def rescore_open_cohorts(session: Session) -> List[CohortComplexityScore]:
    scores = []
    for cohort in session.scalars(select(Cohort).where(Cohort.status == CohortStatus.OPEN)):
        score, grade = complexity_of(cohort)
        row = CohortComplexityScore(cohort_id=cohort.id, score=score, required_grade=grade)
        session.add(row)
        scores.append(row)
    return scores


def start_due_cohorts(session: Session, today: datetime.date) -> int:
    started = 0
    query = select(Cohort).where(Cohort.status == CohortStatus.OPEN, Cohort.starts_on <= today)
    for cohort in session.scalars(query):
        cohort.status = CohortStatus.RUNNING
        started += 1
    return started
