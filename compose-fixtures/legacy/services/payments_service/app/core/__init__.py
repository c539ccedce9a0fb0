"""Placeholder for core settings; the service reads ``shared.config`` instead."""
