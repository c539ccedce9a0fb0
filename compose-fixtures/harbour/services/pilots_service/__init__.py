"""Pilots service package (imported from the repository root as ``services.pilots_service``)."""
