"""The side-by-side bench runs end to end on a tiny portfolio and prints every ratio."""

from __future__ import annotations

import re

import pytest

from bench.stores import main
from tests.neo4j.support import wipe


@pytest.mark.neo4j
def test_stores_bench_prints_each_figure_for_both_stores_with_a_ratio(
    neo4j_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    wipe(neo4j_uri)
    small = ["--accounts", "3", "--repeat", "2", "--score-repeat", "1", "--workers", "1"]
    main([*small, "--neo4j", neo4j_uri])
    out = capsys.readouterr().out
    rows = re.findall(r"^(\S.*?)\s{2,}([\d,]+\.\d)\s+([\d,]+\.\d)\s+([\d.e+-]+)$", out, re.M)
    names = [r[0] for r in rows]
    assert names[0] == "load rows/s (store alone)"
    assert "chunked reads accounts/s" in names
    assert "scoring accounts/s (1 processes)" in names
    assert "scoring accounts/s (1 processes), first run" in names
    assert len(re.findall(r"scoring runs, accounts/s in turn: [\d.]+, [\d.]+$", out, re.M)) == 2
    assert sum("subgraph" in n for n in names) == 6
    for _, sqlite, neo4j, ratio in rows:
        a, b = (float(x.replace(",", "")) for x in (sqlite, neo4j))
        assert a > 0
        assert b > 0
        if a >= 10:  # printed to 0.1: smaller values are too rounded to recompute the ratio
            assert float(ratio) == pytest.approx(b / a, rel=0.02)
    assert out.count("load average") == 2
