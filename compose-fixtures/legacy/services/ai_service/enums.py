"""Enumerations of the AI service, shared by the models and the schemas."""

import enum


class RequestKind(str, enum.Enum):
    COMPLETION = 'completion'
    COHORT_COMPLEXITY = 'cohort_complexity'
    COACH_GRADE = 'coach_grade'
    COACH_SUGGESTION = 'coach_suggestion'


class RequestStatus(str, enum.Enum):
    PENDING = 'pending'
    DONE = 'done'
    FAILED = 'failed'
