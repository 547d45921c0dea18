"""Matching bank lines to ledger records."""
