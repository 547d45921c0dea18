from __future__ import annotations

import pytest

from accord.reconciliation.files import parallel


@pytest.fixture
def spare_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """A core and the memory for a worker seem spare, whatever the machine is doing."""
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "spare_memory", lambda: True)
