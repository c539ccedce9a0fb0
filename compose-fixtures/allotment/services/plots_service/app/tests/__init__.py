"""Tests of the plots service, run with ``pytest services/plots_service/app/tests``."""
