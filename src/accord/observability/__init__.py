"""Logging, metrics, tracing and invariant checks."""
