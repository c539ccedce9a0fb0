"""Transport service: the society minibus routes, lift-sharing rides and pickup points."""
