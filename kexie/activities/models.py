"""The activity registry's records."""
