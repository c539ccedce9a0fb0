"""Reports the treasurer runs by hand: the rent roll and the vacancy list.

Not an HTTP module; ``python -m services.plots_service.reports`` prints the rent roll.
"""

from decimal import Decimal
from typing import List, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.plots_service.models import Plot, PlotStatus, Site, TenancyStatus


def rent_roll(session: Session) -> List[Tuple[str, int, str, Decimal]]:
    rows = []
    query = select(Plot).join(Site).order_by(Site.name, Plot.number)
    for plot in session.scalars(query):
        if plot.status != PlotStatus.LET:
            continue
        tenancy = plot.current_tenancy()
        if tenancy is None or tenancy.status == TenancyStatus.ENDED:
            continue
        rows.append((plot.site.name, plot.number, tenancy.tenant.full_name, plot.annual_rent()))
    return rows


def total_rent(rows: List[Tuple[str, int, str, Decimal]]) -> Decimal:
    total = Decimal('0')
    for _site, _number, _tenant, rent in rows:
        total += rent
    return total


if __name__ == '__main__':
    from shared.database import get_engine

    with Session(get_engine()) as session:
        for row in rent_roll(session):
            print('%-20s %4d  %-30s %8s' % row)
