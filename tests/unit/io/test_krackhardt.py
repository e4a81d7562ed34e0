"""The Krackhardt high-tech managers import.

The data set is the real one, copied byte for byte into
``tests/data/krackhardt-hightech`` so that CI needs nothing outside the clone.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graphcrm.domain import (
    ChangeSet,
    ContactId,
    InfluenceKind,
    InfluenceSource,
    LineKind,
    Seniority,
)
from graphcrm.errors import InvalidError
from graphcrm.io.krackhardt import ADVICE_STRENGTH, FRIENDSHIP_STRENGTH, load_krackhardt

DATA = Path(__file__).resolve().parents[2] / "data" / "krackhardt-hightech"


@pytest.fixture(scope="module")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="module")
def imported(data_dir: Path) -> ChangeSet:
    return load_krackhardt(data_dir)


def _m(n: int) -> ContactId:
    return ContactId(f"KHT-M{n:02d}")


def test_one_account_with_21_managers(imported: ChangeSet) -> None:
    assert [a.id for a in imported.accounts] == ["KHT"]
    assert len(imported.contacts) == 21
    assert {c.account_id for c in imported.contacts} == {"KHT"}
    assert {c.name for c in imported.contacts} == {f"Manager {i}" for i in range(1, 22)}
    seniority = Counter(c.seniority for c in imported.contacts)
    assert seniority == {Seniority.C_LEVEL: 1, Seniority.VP: 4, Seniority.MANAGER: 16}
    ceo = next(c for c in imported.contacts if c.id == _m(7))
    assert ceo.seniority is Seniority.C_LEVEL
    assert ceo.department == "Executive"
    assert {c.department for c in imported.contacts} == {
        "Executive", "Department 1", "Department 2", "Department 3", "Department 4",
    }  # fmt: skip


def test_org_chart_ceo_7_at_the_root_vps_below_everyone_else_under_a_vp(
    imported: ChangeSet,
) -> None:
    assert all(r.kind is LineKind.SOLID for r in imported.reports_to)
    manager = {r.contact_id: r.manager_id for r in imported.reports_to}
    assert len(manager) == len(imported.reports_to) == 20
    assert _m(7) not in manager
    vps = {_m(n) for n in (2, 14, 18, 21)}
    assert {c for c, m in manager.items() if m == _m(7)} == vps
    others = {c.id for c in imported.contacts} - vps - {_m(7)}
    assert len(others) == 16
    for c in others:
        assert manager[c] in vps
    seniority = {c.id: c.seniority for c in imported.contacts}
    assert all(seniority[v] is Seniority.VP for v in vps)


def test_advice_ties_read_as_to_influences_from(imported: ChangeSet) -> None:
    advice = [e for e in imported.influences if e.kind is InfluenceKind.ADVISES]
    assert len(advice) == 190
    # advice.csv starts with "1,2": manager 1 goes to manager 2 for advice
    first = next(e for e in advice if e.influenced_id == _m(1))
    assert (first.influencer_id, first.influenced_id) == (_m(2), _m(1))
    assert {(e.influencer_id, e.influenced_id) for e in advice} >= {(_m(2), _m(1)), (_m(4), _m(1))}
    assert all(e.strength == ADVICE_STRENGTH for e in advice)
    assert all(e.source is InfluenceSource.IMPORTED for e in imported.influences)


def test_friendship_ties_are_weaker_trust(imported: ChangeSet) -> None:
    trust = [e for e in imported.influences if e.kind is InfluenceKind.TRUSTS]
    assert len(trust) == 102
    assert all(e.strength == FRIENDSHIP_STRENGTH < ADVICE_STRENGTH for e in trust)
    assert (_m(2), _m(1)) in {(e.influencer_id, e.influenced_id) for e in trust}


def test_valid_from_is_passed_through(data_dir: Path) -> None:
    when = datetime(1987, 1, 1, tzinfo=UTC)
    cs = load_krackhardt(data_dir, account_id="ACME", valid_from=when)
    assert {c.id for c in cs.contacts} == {f"ACME-M{i:02d}" for i in range(1, 22)}
    assert {r.valid_from for r in cs.reports_to} == {when}
    assert {e.valid_from for e in cs.influences} == {when}
    assert {c.status_from for c in cs.contacts} == {when}


def test_the_batch_revalidates(imported: ChangeSet) -> None:
    assert ChangeSet.model_validate(imported.model_dump()) == imported


def _copy(data_dir: Path, tmp_path: Path) -> Path:
    for name in ("managers.csv", "reports_to.csv", "advice.csv", "friendship.csv"):
        shutil.copy(data_dir / name, tmp_path / name)
    return tmp_path


def _corrupt(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_malformed_row_is_reported_with_file_and_line(data_dir: Path, tmp_path: Path) -> None:
    d = _copy(data_dir, tmp_path)
    _corrupt(d / "advice.csv", 17, "3,x")
    with pytest.raises(InvalidError) as info:
        load_krackhardt(d)
    (problem,) = info.value.problems
    assert (problem.where, problem.field) == ("advice.csv line 17", "to")
    assert "advice.csv line 17" in str(info.value)


def test_every_bad_row_is_reported(data_dir: Path, tmp_path: Path) -> None:
    d = _copy(data_dir, tmp_path)
    _corrupt(d / "managers.csv", 4, "3,40,12.75,7,2")  # LEVEL out of range
    _corrupt(d / "reports_to.csv", 3, "2,99")  # unknown manager
    _corrupt(d / "friendship.csv", 5, "1,8,9")  # too many values
    _corrupt(d / "advice.csv", 3, "1,2")  # repeats line 2
    with pytest.raises(InvalidError) as info:
        load_krackhardt(d)
    where = {(p.where, p.field) for p in info.value.problems}
    assert ("managers.csv line 4", "LEVEL") in where
    assert ("reports_to.csv line 3", "to") in where
    assert ("friendship.csv line 5", "") in where
    assert ("advice.csv line 3", "") in where


def test_a_wrong_header_or_missing_file_is_reported(data_dir: Path, tmp_path: Path) -> None:
    d = _copy(data_dir, tmp_path)
    _corrupt(d / "reports_to.csv", 1, "source,target")
    (d / "friendship.csv").unlink()
    with pytest.raises(InvalidError) as info:
        load_krackhardt(d)
    where = {p.where for p in info.value.problems}
    assert "reports_to.csv line 1" in where
    assert "friendship.csv" in where


def test_unreadable_csv_is_a_problem_not_a_crash(data_dir: Path, tmp_path: Path) -> None:
    d = _copy(data_dir, tmp_path)
    _corrupt(d / "advice.csv", 4, "1," + "9" * 1_048_577)  # a field over the limit
    _corrupt(d / "friendship.csv", 6, '1,"8')  # a quote never closed
    (d / "reports_to.csv").write_bytes(b"from,to\n1,\xfe\n")  # not UTF-8
    with pytest.raises(InvalidError) as info:
        load_krackhardt(d)
    where = {(p.where, p.field) for p in info.value.problems}
    assert ("advice.csv line 4", "to") in where
    assert ("friendship.csv line 6", "to") in where
    assert ("reports_to.csv line 2", "") in where
