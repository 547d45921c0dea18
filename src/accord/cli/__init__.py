"""Command-line doors into Accord (Typer)."""
