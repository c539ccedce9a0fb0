"""Application package of the produce service."""
