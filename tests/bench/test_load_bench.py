"""The load benchmark runs end to end on a tiny portfolio and prints its figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.load import main


def test_load_bench_prints_rows_and_the_sqlite_ceiling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--accounts", "3", "--store", f"sqlite:///{tmp_path}/load.sqlite3", "--ceiling"])
    out = capsys.readouterr().out
    rows = int(re.search(r"rows=([\d,]+)", out).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert rows > 3
    ceilings = re.findall(r"ceiling, (.+?): ([\d,]+) stored rows \(([\d.]+) per input row\)", out)
    assert [c[0] for c in ceilings] == ["every table", "without the change log"]
    every, without = (int(c[1].replace(",", "")) for c in ceilings)
    # every input row is stored at least once, and the change log logs each change
    assert every > without >= rows
    ratio = re.search(
        r"store alone / ceiling \(every table\): ([\d.]+) by wall time, ([\d.]+) by CPU", out
    )
    assert ratio is not None
    assert float(ratio.group(1)) > 0
    assert float(ratio.group(2)) > 0
    assert not list(tmp_path.glob("*-ceiling*"))
