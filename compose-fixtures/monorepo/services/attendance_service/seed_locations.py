"""Seed the pools and halls where members check in (kiosk codes are printed on the QR posters).

Run from the repository root after the attendance migrations:

    PYTHONPATH=. python services/attendance_service/seed_locations.py [--dry-run] [--prune]

Existing locations are matched on ``code`` and updated in place; ``--prune`` deactivates
locations that are no longer in the list (they are never deleted: records point at them).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, dataclass

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from libs.settings import get_settings
from services.attendance_service.models import AttendanceLocation


@dataclass(frozen=True)
class Site:
    code: str
    name: str
    address: str
    latitude: float
    longitude: float


SITES = [
    Site("MAIN-25", "Main pool (25 m)", "1 Riverside Way", 51.4545, -2.5879),
    Site("TEACH", "Teaching pool", "1 Riverside Way", 51.4546, -2.5877),
    Site("LEIS-50", "Leisure centre (50 m)", "40 Station Road", 51.4601, -2.5702),
    Site("GYM", "Dryland hall", "1 Riverside Way", 51.4544, -2.5881),
    Site("LAKE", "Open-water lake", "Harbour Lane car park", 51.4419, -2.6203),
]


def seed(session: Session, sites: list[Site], *, prune: bool = False) -> dict[str, int]:
    """Insert or update every site; returns counts of what changed."""
    existing = {loc.code: loc for loc in session.scalars(select(AttendanceLocation))}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deactivated": 0}
    for site in sites:
        values = asdict(site)
        location = existing.get(site.code)
        if location is None:
            session.add(AttendanceLocation(**values, is_active=True))
            counts["created"] += 1
            continue
        changed = not location.is_active or any(
            getattr(location, key) != value for key, value in values.items()
        )
        for key, value in values.items():
            setattr(location, key, value)
        location.is_active = True
        counts["updated" if changed else "unchanged"] += 1
    if prune:
        wanted = {site.code for site in sites}
        for code, location in existing.items():
            if code not in wanted and location.is_active:
                location.is_active = False
                counts["deactivated"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="roll back instead of committing")
    parser.add_argument("--prune", action="store_true", help="deactivate unlisted locations")
    parser.add_argument("--database-url", default=None, help="defaults to DATABASE_URL")
    args = parser.parse_args(argv)

    engine = create_engine(args.database_url or get_settings().database_url)
    try:
        with Session(engine) as session:
            counts = seed(session, SITES, prune=args.prune)
            if args.dry_run:
                session.rollback()
            else:
                session.commit()
    finally:
        engine.dispose()
    summary = ", ".join(f"{key}={value}" for key, value in counts.items())
    print(f"{'[dry run] ' if args.dry_run else ''}locations: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
