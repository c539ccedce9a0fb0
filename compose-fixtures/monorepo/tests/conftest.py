"""Repo-level test configuration: database fixtures come from ``libs.testing``.

Set ``TEST_DATABASE_URL`` to a PostgreSQL server URL; tests that need the database are
skipped when it cannot be reached. Run one service's tests per process
(``pytest tests/test_events_api.py``): services register clashing stub tables on the
shared ``Base``.
"""

pytest_plugins = ["libs.testing"]
