"""Tests of the academy service, run with ``pytest services/academy_service/app/tests``."""
