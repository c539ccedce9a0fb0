"""Repo-level test configuration: database fixtures come from ``libs.testing``.

Set ``TEST_DATABASE_URL`` to a PostgreSQL server URL; tests that need the database are
skipped when it cannot be reached. The berths service's own tests live in
``services/berths_service/app/tests/`` and run in a separate process (its ``VesselRef``
stub maps the same table as the vessels service's ``Vessel``).
"""

pytest_plugins = ["libs.testing"]
