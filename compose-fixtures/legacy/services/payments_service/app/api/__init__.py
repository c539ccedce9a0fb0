"""Placeholder for a versioned API package that was planned in 2021 and never written."""
