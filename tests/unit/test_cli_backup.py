"""graphcrm backup / restore / migrate / forget / subject-access on SQLite stores,
and a backup taken while another process writes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from pathlib import Path

from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.domain import (
    Account,
    AccountId,
    ChangeSet,
    Contact,
    ContactId,
    EntityKind,
    PageRequest,
)
from graphcrm.services.backup import backup, read_dump, restore
from graphcrm.store.dump import fingerprint
from graphcrm.store.maintenance import maintenance
from graphcrm.store.sqlite import SqliteStore


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, its stderr's lines joined (rich wraps them)."""
    proc = subprocess.run(
        [sys.executable, "-m", "graphcrm", *args], capture_output=True, text=True, check=False
    )
    proc.stderr = " ".join(proc.stderr.split())
    return proc


def test_backup_restore_migrate_forget_and_subject_access(tmp_path: Path) -> None:
    a, b, c = (f"sqlite:///{tmp_path / n}.sqlite3" for n in ("a", "b", "c"))
    _run("--store", a, "generate", "--accounts", "3", "--seed", "4")
    out = _run("--store", a, "backup", str(tmp_path / "a.backup"))
    assert "Backed up to" in out
    assert "fingerprint" in out
    _run("--store", b, "restore", str(tmp_path / "a.backup"))
    _run("migrate", "--from", b, "--to", c)
    stores = [SqliteStore.open(tmp_path / f"{n}.sqlite3") for n in "abc"]
    try:
        prints = {fingerprint(maintenance(s).dump()) for s in stores}
        assert len(prints) == 1
        contact = stores[0].list_contacts(PageRequest(limit=1)).items[0]
    finally:
        for s in stores:
            s.close()
    # a store with data is refused, with a clear line and no traceback
    refused = _cli("--store", b, "restore", str(tmp_path / "a.backup"))
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    _run("--store", b, "restore", "--replace", str(tmp_path / "a.backup"))
    # a file that is not a backup names the problem
    (tmp_path / "bad.backup").write_text("hello")
    bad = _cli("--store", b, "restore", str(tmp_path / "bad.backup"))
    assert bad.returncode == 2
    assert "not a complete gzip file" in bad.stderr
    assert "Traceback" not in bad.stderr

    report = json.loads(_run("--store", a, "subject-access", contact.id))
    assert report["contact"]["name"] == contact.name
    out = _run("--store", a, "forget", "--yes", contact.id)
    assert "Erased contact" in out
    after = json.loads(_run("--store", a, "subject-access", contact.id))
    assert after["contact"]["name"].startswith("erased contact ")
    assert contact.name not in json.dumps(after, ensure_ascii=False)
    unknown = _cli("--store", a, "forget", "--yes", "C-nobody")
    assert unknown.returncode == 1
    assert "contact 'C-nobody' not found" in unknown.stderr


def test_the_backup_file_is_documented_gzip_json_lines(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "s.sqlite3")
    store.apply(ChangeSet(accounts=(Account(id=AccountId("A-1"), name="Işık Ağ"),)), actor="t")
    header = backup(store, tmp_path / "s.backup")
    store.close()
    lines = gzip.decompress((tmp_path / "s.backup").read_bytes()).decode().splitlines()
    first = json.loads(lines[0])
    assert first["format"] == "graphcrm-backup"
    assert first["format_version"] == 1
    assert first["source"] == "sqlite"
    assert first["counts"]["accounts"] == 1
    assert first["fingerprint"] == header.fingerprint
    kinds = [json.loads(line)["kind"] for line in lines[1:]]
    assert kinds == ["accounts", "account_territories", "changes"]
    assert json.loads(lines[1])["row"]["name"] == "Işık Ağ"


def test_a_backup_taken_while_another_process_writes_is_one_state(tmp_path: Path) -> None:
    """A writer commits batches of one account and one contact while the backup reads;
    the backup holds whole batches only: as many contacts as accounts, and every
    change-log entry of each (account, contact, status) together."""
    path = tmp_path / "live.sqlite3"
    writer = SqliteStore.open(path)
    reader = SqliteStore.open(path)  # another connection: another process, as far as SQLite cares
    stop = threading.Event()
    started = threading.Event()

    def write() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            account = AccountId(f"A-{i}")
            writer.apply(
                ChangeSet(
                    accounts=(Account(id=account, name=f"Hesap {i}"),),
                    contacts=(
                        Contact(id=ContactId(f"C-{i}"), account_id=account, name=f"Kişi {i}"),
                    ),
                ),
                actor="writer",
            )
            if i == 3:
                started.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert started.wait(timeout=60)  # backups of a store being written, not of nothing
        backups = []
        for n in range(5):
            backups.append(backup(reader, tmp_path / f"live-{n}.backup"))
    finally:
        stop.set()
        thread.join()
    try:
        assert any(h.counts["accounts"] for h in backups)
        for n, header in enumerate(backups):
            _, dump = read_dump(tmp_path / f"live-{n}.backup")
            assert len(dump.contacts) == len(dump.accounts) == header.counts["accounts"]
            kinds = [c.entity for c in dump.changes]
            assert kinds.count(EntityKind.ACCOUNT) == len(dump.accounts)
            assert kinds.count(EntityKind.CONTACT_STATUS) == len(dump.accounts)
            target = SqliteStore.open(tmp_path / f"restored-{n}.sqlite3")
            restore(target, tmp_path / f"live-{n}.backup")
            assert fingerprint(maintenance(target).dump()) == header.fingerprint
            target.close()
    finally:
        writer.close()
        reader.close()
