"""Coverage-guided fuzzing of the statement parsers with atheris.

    python bench/fuzz_parsers.py --format camt --seconds 180
    python bench/fuzz_parsers.py --format all --seconds 120   # each format in turn

Every input goes straight to one format's parser (so mutations reach its depths) and,
in `detect` mode, through `read_statement_file`. The only exceptions allowed out are
Accord's own `BadInput` errors (StatementParseError, UnbalancedStatement, ...); anything
else is a crash, written to bench/out/fuzz/crash-<format>-<sha>.bin with its traceback.
The shared samples seed each corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import multiprocessing
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
OUT = Path(__file__).resolve().parent / "out" / "fuzz"
SEED_FOLDERS = {"camt": "camt", "mt940": "mt940", "bai2": "bai2", "ofx": "ofx", "csv": "csv"}
FORMATS = [*SEED_FOLDERS, "detect"]


def _target(fmt: str) -> Callable[[bytes], object]:
    import atheris

    with atheris.instrument_imports(include=["accord"]):
        from accord.ingest import parsers
        from accord.ingest.parsers.csv import CsvStatementParser, load_profile

    if fmt == "detect":
        return lambda data: parsers.read_statement_file(data, filename="fuzz")
    if fmt == "csv":
        parser = CsvStatementParser(load_profile("debit-credit"))
        return lambda data: parser.parse(io.BytesIO(data), filename="fuzz")
    chosen = next(p for p in parsers.PARSERS if p.name == fmt)
    return lambda data: chosen.parse(io.BytesIO(data), filename="fuzz")


def _corpus(fmt: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"fuzz-{fmt}-"))
    sources = SEED_FOLDERS.values() if fmt == "detect" else [SEED_FOLDERS[fmt]]
    for name in sources:
        for path in sorted((SAMPLES / name).glob("*")):
            if path.suffix not in {".yml", ".pydata"} and path.stat().st_size < 64_000:
                (folder / path.name).write_bytes(path.read_bytes())
    return folder


def _fuzz(fmt: str, seconds: int) -> None:
    import atheris

    from accord.kit.errors import BadInput

    target = _target(fmt)

    def one_input(data: bytes) -> None:
        try:
            target(data)
        except BadInput:
            return
        except Exception:
            OUT.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256(data).hexdigest()[:12]
            (OUT / f"crash-{fmt}-{digest}.bin").write_bytes(data)
            (OUT / f"crash-{fmt}-{digest}.txt").write_text(traceback.format_exc())
            raise

    corpus = _corpus(fmt)
    OUT.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={seconds}",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={OUT}/",
    ]
    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=[*FORMATS, "all"], default="all")
    parser.add_argument("--seconds", type=int, default=120, help="per format")
    args = parser.parse_args()
    formats = FORMATS if args.format == "all" else [args.format]
    failed = []
    for fmt in formats:
        print(f"== fuzzing {fmt} for {args.seconds} s", flush=True)
        child = multiprocessing.get_context("spawn").Process(target=_fuzz, args=(fmt, args.seconds))
        child.start()
        child.join()
        if child.exitcode != 0:
            failed.append(fmt)
            print(f"!! {fmt}: crash (exit {child.exitcode}); see {OUT}", flush=True)
    print("crashes in: " + ", ".join(failed) if failed else "no crashes", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
