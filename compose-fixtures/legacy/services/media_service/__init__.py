"""Media service: photographs and documents of the society (show days, plot records)."""
