"""Repo-level tests: the produce and notices services (plots has its own folder).

Database fixtures come from ``shared.testing``; set ``TEST_DATABASE_URL`` to a server.
"""

pytest_plugins = ['shared.testing']
