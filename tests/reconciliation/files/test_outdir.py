from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from accord.reconciliation.files.errors import OutputDirError, OutputWriteError
from accord.reconciliation.files.outdir import check_out_dir, publish

OUTPUTS = ("a.csv", "summary.json")


def writer(text: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        for name in OUTPUTS:
            (folder / name).write_text(f"{name} {text}")

    return write


def contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def test_publish_creates_the_folder_with_every_file(tmp_path: Path) -> None:
    out = tmp_path / "deeper" / "out"
    publish(out, writer("new"), outputs=OUTPUTS, marker="summary.json")
    assert contents(out) == {"a.csv": "a.csv new", "summary.json": "summary.json new"}
    assert os.listdir(out.parent) == ["out"]


def test_publish_replaces_a_previous_runs_output_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("old")
    publish(out, writer("new"), outputs=OUTPUTS, marker="summary.json")
    assert contents(out) == {"a.csv": "a.csv new", "summary.json": "summary.json new"}
    assert os.listdir(tmp_path) == ["out"]


def test_publish_fills_an_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    publish(out, writer("new"), outputs=OUTPUTS, marker="summary.json")
    assert sorted(contents(out)) == ["a.csv", "summary.json"]


def test_folder_with_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("old")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputDirError, match=r"holds files that are not the output .*notes\.txt"):
        publish(out, writer("new"), outputs=OUTPUTS, marker="summary.json")
    assert contents(out) == {"notes.txt": "mine", "summary.json": "old"}


def test_output_names_without_summary_are_not_taken_for_a_previous_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("someone's own file")
    with pytest.raises(OutputDirError, match=r"no summary\.json"):
        check_out_dir(out, outputs=OUTPUTS, marker="summary.json")


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("x")
    with pytest.raises(OutputDirError, match="exists and is not a directory"):
        check_out_dir(out, outputs=OUTPUTS, marker="summary.json")


def test_failed_write_leaves_the_previous_output_and_no_debris(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("old")

    def failing(folder: Path) -> None:
        (folder / "a.csv").write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputWriteError, match="No space left on device"):
        publish(out, failing, outputs=OUTPUTS, marker="summary.json")
    assert contents(out) == {"summary.json": "old"}
    assert os.listdir(tmp_path) == ["out"]


def test_a_file_in_the_way_of_a_new_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(OutputDirError, match="plain is not a directory"):
        check_out_dir(tmp_path / "plain" / "out", outputs=OUTPUTS, marker="summary.json")
