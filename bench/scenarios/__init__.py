"""Scenario generator, writers, scorer and competitors for measuring matching quality.

The generator is an independent judge: it knows the true groups of bank lines and ledger
records and writes them to ``truth.json`` beside the statements, ``ledger.csv`` and
``rates.csv``. Everything under test (Accord, the naive baseline, the peer) only sees the
files.
"""
