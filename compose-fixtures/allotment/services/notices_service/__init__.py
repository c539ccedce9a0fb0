"""Notices service: the society's notice board."""
