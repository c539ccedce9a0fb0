"""Reserved for versioned API modules (never used)."""
