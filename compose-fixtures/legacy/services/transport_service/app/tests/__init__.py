"""Tests of the transport service, run with ``pytest services/transport_service/app/tests``."""
