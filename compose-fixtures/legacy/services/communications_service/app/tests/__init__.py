"""Tests of the communications service (``pytest services/communications_service/app/tests``)."""
