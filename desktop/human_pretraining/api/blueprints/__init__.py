"""One blueprint per area of the API; each view parses, calls one service, serialises."""
