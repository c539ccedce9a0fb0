"""Routers of the produce service, one module per area (the migration started in 2021)."""
