"""Attendance tests (``pytest services/attendance_service/app/tests``)."""
