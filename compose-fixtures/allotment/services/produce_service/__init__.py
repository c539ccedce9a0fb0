"""Produce service: surplus listings, the exchange of offers, and seed swaps."""
