"""Restructure a FastAPI monorepo to the package-per-layer layout of a plan."""
