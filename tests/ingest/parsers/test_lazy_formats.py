"""Every `accord` command imports the parsers to sniff formats; a format's reading modules
load only when a file of that format is read (they cost every command 80 ms)."""

from __future__ import annotations

import subprocess
import sys

READING_MODULES = (
    "accord.ingest.parsers.bai2.parser",
    "accord.ingest.parsers.mt940.statement",
    "accord.ingest.parsers.ofx.statements",
)


def _loaded_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint(' '.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_the_command_loads_no_reading_module_of_an_unused_format() -> None:
    loaded = _loaded_after("import accord.cli.main")

    assert "accord.ingest.parsers.camt.reader" in loaded
    assert loaded.isdisjoint(READING_MODULES)


def test_reading_a_file_loads_its_format_modules() -> None:
    loaded = _loaded_after(
        "from accord.ingest.parsers import StatementParseError, read_statement_file\n"
        "try:\n"
        "    read_statement_file(b'01,A,B,250101,0000,1,,,2/\\n', filename='x.bai')\n"
        "except StatementParseError:\n"
        "    pass"
    )

    assert "accord.ingest.parsers.bai2.parser" in loaded
