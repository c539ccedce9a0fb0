"""Tugs application package."""
