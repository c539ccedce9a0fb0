"""Tests of the volunteer service, run with ``pytest services/volunteer_service/app/tests``."""
