"""Application package of the events service."""
