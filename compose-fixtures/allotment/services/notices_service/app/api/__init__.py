"""Unused; kept from the project template."""
