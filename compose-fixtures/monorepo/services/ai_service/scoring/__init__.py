"""Pure scoring functions: no database, no network, no provider.

The endpoints import the module they need when they need it.
"""
