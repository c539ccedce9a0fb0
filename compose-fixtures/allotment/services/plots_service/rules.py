"""Society rules that the models and the routes both enforce."""

import datetime
from decimal import Decimal
from typing import Dict

from .enums import PlotSize

MAX_PLOTS_PER_TENANT = 2
NOTICE_PERIOD = datetime.timedelta(days=28)

RENT_BY_SIZE: Dict[PlotSize, Decimal] = {
    PlotSize.QUARTER: Decimal('18.50'),
    PlotSize.HALF:    Decimal('34.00'),
    PlotSize.FULL:    Decimal('62.00'),
}


def water_surcharge(has_water: bool) -> Decimal:
    if has_water:
        return Decimal('6.00')
    return Decimal('0.00')
