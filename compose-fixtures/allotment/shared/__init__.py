"""Code shared by every service of the allotment society backend."""
