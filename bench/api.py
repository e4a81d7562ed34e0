"""HTTP latency of deal risk and account health on a 200-contact account.

    ./dev bench api                          # embedded SQLite
    ./dev bench api --store neo4j-dev        # a fresh development Neo4j

Loads one generated account of ``--contacts`` contacts, creates a key, runs
``graphcrm serve`` (uvicorn, one worker) in a second process on loopback and
drives it from this process with ``--clients`` threads, each with its own
httpx client. For ``GET /v1/deals/{id}/risk`` and ``GET /v1/accounts/{id}/health``
it prints p50/p99 latency and requests/s:

- cache-warm: ``--requests`` requests after one warm-up;
- after an invalidating write: ``--rounds`` rounds of one write that touches
  the account (a rep tie of one of its contacts) followed by one request from
  every client at once (the first reads recompute).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.common import BENCH_JAVA_OPTS, percentile
from graphcrm.auth import ALL_TERRITORIES, KeyStore, Scope
from graphcrm.config import parse_store_url
from graphcrm.domain import PageRequest
from graphcrm.generator import GeneratorConfig, generate_portfolio
from graphcrm.store import open_store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _store_url(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "neo4j-dev":
        from graphcrm.devserver import Neo4jDevServer

        with Neo4jDevServer(pagecache="1g", java_opts=BENCH_JAVA_OPTS) as server:
            yield server.uri
        return
    yield f"sqlite://{tmp / 'bench-api.sqlite3'}"


@contextmanager
def _server(url: str, keys: Path, port: int) -> Iterator[str]:
    env = {**os.environ, "GRAPHCRM_KEYS_PATH": str(keys), "GRAPHCRM_API_CACHE_TTL_SECONDS": "600"}
    cmd = [sys.executable, "-m", "graphcrm", "--store", url, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _line(label: str, samples: list[float], wall: float) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"{label:<44} p50 {percentile(ms, 50):7.1f} ms  p99 {percentile(ms, 99):7.1f} ms  "
        f"{len(ms) / wall:7.1f} req/s  (n={len(ms)})"
    )


def _warm(base: str, key: str, path: str, clients: int, requests: int) -> tuple[list[float], float]:
    local = threading.local()

    def one(_: int) -> float:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, headers={"X-API-Key": key})
        start = time.perf_counter()
        r = client.get(path)
        took = time.perf_counter() - start
        r.raise_for_status()
        return took

    one(0)
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        samples = list(pool.map(one, range(requests)))
    return samples, time.perf_counter() - start


def _after_write(
    base: str, key: str, path: str, clients: int, rounds: int, write: Callable[[int], None]
) -> tuple[list[float], float]:
    pool_clients = [httpx.Client(base_url=base, headers={"X-API-Key": key}) for _ in range(clients)]
    samples: list[float] = []
    wall = 0.0

    def one(client: httpx.Client) -> float:
        start = time.perf_counter()
        client.get(path).raise_for_status()
        return time.perf_counter() - start

    with ThreadPoolExecutor(clients) as pool:
        for i in range(rounds):
            write(i)
            start = time.perf_counter()
            samples += list(pool.map(one, pool_clients))
            wall += time.perf_counter() - start
    for c in pool_clients:
        c.close()
    return samples, wall


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench api", description=__doc__)
    ap.add_argument("--store", default="sqlite", help="sqlite (a fresh file) or neo4j-dev")
    ap.add_argument("--contacts", type=int, default=200)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmpdir, _store_url(args.store, Path(tmpdir)) as url:
        tmp = Path(tmpdir)
        config = GeneratorConfig(
            accounts=1,
            seed=args.seed,
            size_min=args.contacts,
            size_max=args.contacts,
            deals_per_account=8.0,
        )
        store = open_store(parse_store_url(url))
        try:
            for batch in generate_portfolio(config):
                store.apply(batch, actor="bench")
            account = store.list_accounts(PageRequest(limit=1)).items[0]
            deals = store.list_deals(PageRequest(limit=100), account_id=account.id).items
            deal = next((d for d in deals if not d.stage.is_closed), deals[0])
            contacts = store.list_contacts(PageRequest(limit=1000), account_id=account.id)
            contact = contacts.items[0].id
            rep = store.list_reps(PageRequest(limit=1)).items[0].id
        finally:
            store.close()
        keys = KeyStore.open(tmp / "keys.sqlite3")
        key = keys.create("bench", [Scope.READ, Scope.WRITE], [ALL_TERRITORIES]).secret
        keys.close()
        print(
            f"== API on {args.store}: account {account.id} ({contacts.total} contacts), "
            f"deal {deal.id}; {args.clients} clients, uvicorn in a second process =="
        )
        writer = httpx.Client(headers={"X-API-Key": key})
        with _server(url, tmp / "keys.sqlite3", _free_port()) as base:

            def write(i: int) -> None:
                tie = {"rep_id": rep, "contact_id": contact, "strength": 0.3 + (i % 5) / 10}
                writer.post(f"{base}/v1/rep-knows", json=tie).raise_for_status()

            for label, path in (
                ("GET deal risk", f"/v1/deals/{deal.id}/risk"),
                ("GET account health", f"/v1/accounts/{account.id}/health"),
            ):
                samples, wall = _warm(base, key, path, args.clients, args.requests)
                print(_line(f"{label}, cache-warm", samples, wall))
                samples, wall = _after_write(base, key, path, args.clients, args.rounds, write)
                print(_line(f"{label}, after an invalidating write", samples, wall))
        writer.close()


if __name__ == "__main__":
    main()
