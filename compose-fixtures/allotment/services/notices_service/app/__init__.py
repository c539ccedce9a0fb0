"""Application package of the notices service."""
