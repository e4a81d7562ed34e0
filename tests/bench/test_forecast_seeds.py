"""The forecast bench keeps development runs off every seed a report was read on."""

from __future__ import annotations

import pytest

from bench.forecast import REPORT_SEEDS, SEEN_SEEDS, main


@pytest.mark.parametrize("seed", [3, 23, 401, 414, 601, 614])
def test_a_development_run_on_a_report_seed_is_refused(
    seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--dev", "--seeds", "101", str(seed)])
    assert exit_.value.code == 2
    assert f"never runs on a report seed: [{seed}]" in capsys.readouterr().err


def test_the_figure_of_record_reads_enough_seeds_and_no_development_one() -> None:
    assert len(REPORT_SEEDS) == 17  # about 66 quarters: docs/scoring.md §4b
    assert not SEEN_SEEDS & {*range(101, 105), *range(501, 533)}
