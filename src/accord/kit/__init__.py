"""Plumbing shared by every domain: money, errors, database sessions."""
