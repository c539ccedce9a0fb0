"""Tests of the media service, run with ``pytest services/media_service/app/tests``."""
