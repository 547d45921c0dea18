"""Reconciliation jobs around the matching engine: reading inputs, running it, writing results.

`accord.reconciliation.files` is the offline, file-in / file-out form behind
`accord reconcile` (contract: ../shared/contracts/reconcile-files.md).
"""
