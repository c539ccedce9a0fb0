"""Tests of the members service, run with ``pytest services/members_service/app/tests``."""
