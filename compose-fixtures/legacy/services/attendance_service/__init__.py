"""Attendance service: work-party sign-in sheets at the society's sites and huts."""
