"""Application package of the identity service; no app was ever written here."""
