"""Tests of the store service, run with ``pytest services/store_service/app/tests``."""
