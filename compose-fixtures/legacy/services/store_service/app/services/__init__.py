"""Placeholder from the 2020 template (no service layer was ever written)."""
