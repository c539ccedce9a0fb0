"""Placeholder from the 2020 layout; business logic is in ``members_service.service``."""
