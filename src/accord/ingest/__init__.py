"""Bringing bank statements into Accord."""
