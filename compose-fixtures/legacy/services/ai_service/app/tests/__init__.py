"""Tests of the AI service (offline provider only, no network)."""
