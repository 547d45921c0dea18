"""Publish a job's output folder atomically: all files or none, never a mix of two runs.

The files are written into a private sibling folder, fsynced, and renamed into place. An
existing --out folder is replaced only when it is empty or holds a previous run's output
(nothing but the output files, including summary.json); anything else is refused.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from accord.reconciliation.files.errors import OutputDirError, OutputWriteError


def check_out_dir(out: Path, *, outputs: Sequence[str], marker: str) -> None:
    """Raise OutputDirError unless `out` is absent, empty, or a previous run's output.

    A previous run's output is a folder holding only files named in `outputs`, `marker`
    among them.
    """
    if not out.exists():
        _check_parent(out)
        return
    if not out.is_dir():
        raise OutputDirError(f"--out {out}: exists and is not a directory")
    entries = sorted(out.iterdir())
    if not entries:
        return
    foreign = [p.name for p in entries if p.name not in outputs or not p.is_file()]
    if foreign or not (out / marker).is_file():
        listed = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise OutputDirError(
            f"--out {out}: the directory holds files that are not the output of a previous "
            f"`accord reconcile` ({listed or 'no ' + marker}); give a new or empty directory"
        )


def _check_parent(out: Path) -> None:
    for parent in out.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputDirError(f"--out {out}: {parent} is not a directory")
            return


def publish(
    out: Path, write: Callable[[Path], None], *, outputs: Sequence[str], marker: str
) -> None:
    """Create or replace folder `out` with the files `write(folder)` puts in a fresh folder.

    On any failure `out` is left as it was and the fresh folder is removed.
    """
    target = out.resolve()
    check_out_dir(out, outputs=outputs, marker=marker)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise OutputWriteError(f"--out {out}: cannot create a folder beside it: {exc}") from None
    try:
        os.chmod(fresh, _folder_mode(target))
        write(fresh)
        _fsync_path(fresh)
        _move_into_place(fresh, target)
        _fsync_path(target.parent)
    except OSError as exc:
        raise OutputWriteError(f"--out {out}: cannot write the results: {exc}") from None
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _move_into_place(fresh: Path, target: Path) -> None:
    if not target.exists():
        os.rename(fresh, target)
        return
    old = fresh.with_name(fresh.name + ".old")
    os.rename(target, old)
    try:
        os.rename(fresh, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _folder_mode(target: Path) -> int:
    if target.is_dir():
        return target.stat().st_mode & 0o7777
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o777 & ~mask


def _fsync_path(path: Path) -> None:
    # Directories cannot be opened for fsync on every platform; the data files already are.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
