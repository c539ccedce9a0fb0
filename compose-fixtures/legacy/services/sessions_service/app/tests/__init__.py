"""Tests of the sessions service, run with ``pytest services/sessions_service/app/tests``."""
