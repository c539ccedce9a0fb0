"""Core settings were meant to live here; see ``shared.config`` instead."""
