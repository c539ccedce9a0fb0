"""Enumerations of the plots service, shared by the models and the schemas."""

import enum


class PlotSize(str, enum.Enum):
    QUARTER = 'quarter'
    HALF = 'half'
    FULL = 'full'


class PlotStatus(str, enum.Enum):
    VACANT = 'vacant'
    LET = 'let'
    WITHDRAWN = 'withdrawn'


class TenancyStatus(str, enum.Enum):
    ACTIVE = 'active'
    NOTICE_GIVEN = 'notice_given'
    ENDED = 'ended'


class InspectionGrade(str, enum.Enum):
    GOOD = 'good'
    FAIR = 'fair'
    POOR = 'poor'


# Grades that count towards a non-cultivation notice.
FAILING_GRADES = (InspectionGrade.POOR,)
