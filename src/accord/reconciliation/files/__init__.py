"""The file-in, file-out reconcile job: statements, LEDGER.csv and RATES.csv in; CSV and JSON out.

`job.run_reconcile` is the entry point; the other modules each read or write one thing.
"""
