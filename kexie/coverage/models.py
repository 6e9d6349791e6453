"""Grassroots coverage records."""
