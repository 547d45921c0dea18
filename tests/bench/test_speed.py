from __future__ import annotations

import pytest
from bench.speed import Measure, main, median_run


def _run(seconds: float | None, peak: float | None = 100.0) -> Measure:
    return Measure("accord reconcile", seconds, peak, "done")


def test_the_median_run_is_reported_with_the_spread_and_the_highest_peak() -> None:
    chosen = median_run([_run(9.0, 300.0), _run(5.0), _run(7.0, 200.0)])
    assert chosen.seconds == 7.0
    assert chosen.peak_mib == 200.0
    assert chosen.note == "median of 3: wall 5.00-9.00 s, peak up to 300 MiB; done"


def test_an_even_number_of_runs_reports_the_lower_median() -> None:
    assert median_run([_run(4.0), _run(1.0), _run(3.0), _run(2.0)]).seconds == 2.0


def test_a_failed_run_is_reported_rather_than_hidden_by_the_others() -> None:
    failed = Measure("accord reconcile", None, None, "FAILED exit 2: bad input")
    assert median_run([_run(5.0), failed, _run(6.0)]) is failed


def test_one_run_is_reported_as_it_is() -> None:
    single = _run(3.0)
    assert median_run([single]) is single


@pytest.mark.parametrize("count", ["0", "-2", "two"])
def test_a_repeat_count_below_one_or_not_a_number_is_refused_before_anything_runs(
    count: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--repeat", count])
    assert exit_info.value.code == 2
    assert "--repeat" in capsys.readouterr().err
