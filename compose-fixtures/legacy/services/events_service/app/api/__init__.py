"""Placeholder for versioned API modules (left empty)."""
