"""Tests of the events service."""
