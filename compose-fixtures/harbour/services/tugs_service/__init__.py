"""Tugs service package (imported from the repository root as ``services.tugs_service``)."""
