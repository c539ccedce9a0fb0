"""Volunteer service: roles, opportunities, sign-ups and logged hours of the work rota."""
