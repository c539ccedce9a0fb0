"""Create the society's sign-in locations.

Run ``python -m services.attendance_service.seed_locations`` after migrating.

Existing codes are skipped, so the script can run on every deploy.
"""

from typing import List, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.attendance_service.models import Location
from shared.database import get_engine

LOCATIONS: List[Tuple[str, str, str]] = [
    ('HB-HUT', 'Hollybush Lane trading hut', 'Hollybush Lane'),
    ('HB-ORCH', 'Hollybush Lane community orchard', 'Hollybush Lane'),
    ('CS-GATE', 'Canal Side main gate', 'Canal Side'),
    ('CS-POND', 'Canal Side wildlife pond', 'Canal Side'),
    ('MW-SHED', 'Mill Wood tool shed',
                'Mill Wood'),
]


def seed_locations(session: Session) -> int:
    added = 0
    for code, name, site in LOCATIONS:
        if session.scalar(select(Location).where(Location.code == code)) is not None:
            continue
        session.add(Location(code=code, name=name, site_name=site))
        added += 1
    return added


if __name__ == '__main__':
    with Session(get_engine()) as session:
        with session.begin():
            print('added %d locations' % seed_locations(session))
