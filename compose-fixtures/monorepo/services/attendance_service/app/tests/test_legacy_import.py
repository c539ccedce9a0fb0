"""Checks for the one-off import of the paper registers (spring 2024).

The import ran against a copy of the old club database, which the ``legacy_db`` fixture
used to provide.
"""

import uuid


def test_imported_registers_have_members(legacy_db):
    orphans = legacy_db.execute(
        "SELECT count(*) FROM attendance_records r"
        " LEFT JOIN members m ON m.id = r.member_id WHERE m.id IS NULL"
    ).scalar_one()
    assert orphans == 0


def test_imported_sessions_are_uuids(legacy_db):
    for (session_id,) in legacy_db.execute("SELECT DISTINCT session_id FROM attendance_records"):
        assert isinstance(session_id, uuid.UUID)
