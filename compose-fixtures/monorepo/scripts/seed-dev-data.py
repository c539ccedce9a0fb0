"""Seed a development database with a few events and sessions.

The file name has a hyphen, so it is run as a script, never imported:
``DATABASE_URL=... python scripts/seed-dev-data.py``.
"""

import os
import sys
from datetime import datetime, timedelta, timezone

sys.path.append(os.path.join(os.path.dirname(__file__), ".."))

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.events_service.models import Event, EventType


def main() -> None:
    engine = create_engine(os.environ["DATABASE_URL"])
    start = datetime.now(timezone.utc).replace(hour=18, minute=0, second=0, microsecond=0)
    with Session(engine) as session:
        for offset, (title, kind) in enumerate(
            [("Winter gala", EventType.GALA), ("Quiz night", EventType.SOCIAL)], start=1
        ):
            session.add(
                Event(
                    title=title,
                    event_type=kind,
                    starts_at=start + timedelta(days=7 * offset),
                    is_published=True,
                )
            )
        session.commit()
    print("seeded events")


if __name__ == "__main__":
    main()
