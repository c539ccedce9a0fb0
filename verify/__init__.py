"""Verification harness: prove a restructured service behaves as it did before."""
