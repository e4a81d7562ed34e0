"""``python -m bench firstrun [--repeat N] [--source DIR] [--rev REV ...]``: from a fresh
clone to a served page, as a new user meets graphcrm.

Each run clones ``--source`` (default: this checkout's committed ``HEAD``; with
``--rev``, each revision named in turn, for an A/B) into a temporary directory and
runs ``./dev demo --port P`` there, with a data directory of its own
(``XDG_DATA_HOME``, so the demo fills an empty store), then polls the account page
the demo prints (the org chart: ``/pages/accounts/<id>``, with the key it prints)
until it answers 200, and stops the server. It prints each phase, from the time
stamps of the lines ``./dev`` and the demo print:

- **clone**: ``git clone``;
- **venv**: ``./dev`` starts until it starts installing (``python -m venv``);
- **install**: ``pip install -e .`` (the product only; pip's cache as it is);
- **demo data**: the demo's generation and load into SQLite and what it prints, up to
  the key (its Python imports included);
- **server start**: the key printed until the account page answers 200;

and the load average before and after. A clone's venv is made from scratch: nothing
is reused from this checkout's ``.venv``.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.common import load_average

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("clone", "venv", "install", "demo data", "server start")
KEY = re.compile(r"/pages/accounts\?key=(\S+)")
ACCOUNT = re.compile(r"Account:\s+(\S+/pages/accounts/\S+)")


@dataclass(frozen=True, slots=True)
class FirstRun:
    """The seconds of each phase (:data:`PHASES`) and in all."""

    phases: dict[str, float]
    total: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str, key: str) -> bool:
    request = urllib.request.Request(url, headers={"X-API-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return int(r.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def first_run(source: str, *, rev: str | None = None, timeout: float = 600.0) -> FirstRun:
    """One fresh clone of ``source`` (at ``rev``) to a served account page (module docs)."""
    with tempfile.TemporaryDirectory(prefix="bench-firstrun-") as tmp:
        clone, data = Path(tmp) / "graphcrm", Path(tmp) / "data"
        started = time.monotonic()
        subprocess.run(
            ["git", "clone", "--quiet", source, str(clone)], check=True, capture_output=True
        )
        if rev is not None:
            subprocess.run(
                ["git", "-C", str(clone), "checkout", "--quiet", rev],
                check=True,
                capture_output=True,
            )
        stamps: dict[str, float] = {"clone": time.monotonic()}
        env = {**os.environ, "XDG_DATA_HOME": str(data), "PYTHONUNBUFFERED": "1"}
        env.pop("VIRTUAL_ENV", None)
        port = _free_port()
        proc = subprocess.Popen(
            ["./dev", "demo", "--port", str(port)],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        found: dict[str, str] = {}
        lines: list[str] = []

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip())
                now = time.monotonic()
                if line.startswith("==> installing"):
                    stamps.setdefault("venv", now)
                elif "venv" in stamps and "install" not in stamps and not line.startswith("==>"):
                    stamps["install"] = now
                if m := KEY.search(line):
                    stamps.setdefault("demo data", now)
                    found["key"] = m.group(1)
                if m := ACCOUNT.search(line):
                    found["account"] = m.group(1)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            while not (
                "key" in found and "account" in found and _answers(found["account"], found["key"])
            ):
                if proc.poll() is not None or time.monotonic() - started > timeout:
                    raise RuntimeError("the demo did not serve:\n" + "\n".join(lines[-30:]))
                time.sleep(0.1)
            stamps["server start"] = time.monotonic()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        stamps.setdefault("venv", stamps["clone"])  # a venv made already: no install line
        stamps.setdefault("install", stamps["venv"])
        phases, previous = {}, started
        for phase in PHASES:
            phases[phase] = stamps[phase] - previous
            previous = stamps[phase]
        return FirstRun(phases, previous - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench firstrun")
    parser.add_argument("--repeat", type=int, default=1, help="fresh clones, one after another")
    parser.add_argument(
        "--source", default=str(ROOT), help="what to clone (default: this checkout)"
    )
    parser.add_argument(
        "--rev", action="append", help="a revision to check out (repeat: runs alternate)"
    )
    args = parser.parse_args(argv)
    revs: list[str | None] = list(args.rev) if args.rev else [None]
    runs: dict[str | None, list[FirstRun]] = {rev: [] for rev in revs}
    for run in range(1, args.repeat + 1):
        for rev in revs:
            label = f"run {run}" + (f" ({rev})" if rev else "")
            print(f"{label}: load average before {load_average()}")
            r = first_run(args.source, rev=rev)
            runs[rev].append(r)
            parts = ", ".join(f"{p} {s:.1f} s" for p, s in r.phases.items())
            print(f"{label}: fresh clone -> account page 200 in {r.total:.1f} s ({parts})")
            print(f"{label}: load average after {load_average()}")
    for rev, done in runs.items():
        parts = ", ".join(
            f"{p} {statistics.median(r.phases[p] for r in done):.1f} s" for p in PHASES
        )
        total = statistics.median(r.total for r in done)
        print(f"median of {len(done)}{f' ({rev})' if rev else ''}: {total:.1f} s ({parts})")


if __name__ == "__main__":
    main()
